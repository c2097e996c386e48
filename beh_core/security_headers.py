"""Security headers on every response, the session cookie and trusted reverse proxies (issue 8).

A small ``after_request`` instead of Flask-Talisman: Talisman believes
``X-Forwarded-Proto`` from any client and rewrites the session cookie settings
on every request; here the settings come from the configuration only and the
proxy headers are believed only from ``TRUSTED_PROXIES``.

Every response gets

* ``Content-Security-Policy``: scripts only from the portal itself or inline
  with this response's nonce (``{{ csp_nonce() }}`` in templates), connections
  only to the portal and the local SITHS agent (``SITHS_AGENT_URL``), no
  framing (``frame-ancestors 'none'``), forms only to the portal;
* ``X-Content-Type-Options: nosniff``, ``X-Frame-Options: DENY``,
  ``Referrer-Policy: same-origin`` (the CSRF check on HTTPS needs the
  same-origin referrer; nothing leaves for other sites);
* ``Strict-Transport-Security`` when the request came over HTTPS (directly or
  through a trusted proxy) and ``HSTS_MAX_AGE`` is not 0;
* ``Cache-Control: no-store`` on every page but static files: pages show
  personnummer, order details and (Återkoppling) passwords, and no browser or
  proxy cache may keep them.

The session cookie is ``Secure`` unless ``SESSION_COOKIE_SECURE`` says
otherwise; its default is on outside demo mode (config.py).
"""
from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from flask import Flask, current_app, g, request
from werkzeug.middleware.proxy_fix import ProxyFix

NONCE_KEY = "beh_csp_nonce"


def csp_nonce() -> str:
    """This response's CSP nonce (made on first use): ``<script nonce="{{ csp_nonce() }}">``."""
    if NONCE_KEY not in g:
        setattr(g, NONCE_KEY, secrets.token_urlsafe(18))
    return getattr(g, NONCE_KEY)


def origin_of(url: str) -> str:
    """``scheme://host[:port]`` of a URL, or "" when it has none."""
    parts = urlsplit(url or "")
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") and parts.netloc else ""


def content_security_policy(config, nonce: str) -> str:
    """The policy for one response."""
    connect = " ".join(filter(None, ["'self'", origin_of(config.get("SITHS_AGENT_URL", ""))]))
    return "; ".join([
        "default-src 'self'",
        f"script-src 'self' 'nonce-{nonce}'",
        # style attributes in templates need 'unsafe-inline'; styles cannot run code.
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        f"connect-src {connect}",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


def _set_headers(response):
    headers = response.headers
    config = current_app.config
    headers.setdefault("Content-Security-Policy", content_security_policy(config, csp_nonce()))
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    max_age = int(config.get("HSTS_MAX_AGE") or 0)
    if request.is_secure and max_age > 0:
        headers.setdefault("Strict-Transport-Security", f"max-age={max_age}")
    if request.endpoint != "static":
        headers["Cache-Control"] = "no-store"
    return response


class TrustedProxyFix:
    """Werkzeug's ProxyFix for requests from ``TRUSTED_PROXIES`` only.

    ``X-Forwarded-For`` and ``X-Forwarded-Proto`` (one hop each) then give the
    client's address (rate limits, audit) and whether it used HTTPS (HSTS, the
    CSRF referrer check); from any other address they are ignored, since a
    client can send them with any value. The proxy's own address stays in
    ``environ["werkzeug.proxy_fix.orig"]`` (``peer_address``).
    """

    def __init__(self, app, proxies) -> None:
        self.app = app
        self.proxies = list(proxies or [])
        self.fixed = ProxyFix(app, x_for=1, x_proto=1)

    def __call__(self, environ, start_response):
        if self.proxies and self._is_trusted(environ.get("REMOTE_ADDR"), self.proxies):
            return self.fixed(environ, start_response)
        return self.app(environ, start_response)

    @staticmethod
    def _is_trusted(address, proxies) -> bool:
        from .services.siths_login import is_trusted_proxy  # only with proxies configured: not on every request

        return is_trusted_proxy(address, proxies)


def peer_address() -> str | None:
    """The address that connected to us (the proxy's, when a trusted proxy passed the request on)."""
    original = request.environ.get("werkzeug.proxy_fix.orig") or {}
    return original.get("REMOTE_ADDR") or request.remote_addr


def init_app(app: Flask) -> None:
    """Headers on every response, ``csp_nonce()`` in templates, proxy headers only from trusted proxies."""
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    app.after_request(_set_headers)
    app.wsgi_app = TrustedProxyFix(app.wsgi_app, app.config.get("TRUSTED_PROXIES") or [])
