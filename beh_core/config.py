"""Settings: defaults, then the instance file `beh.cfg`, then `BEH_*` environment variables."""
from __future__ import annotations

import json
import os
from pathlib import Path

from flask import Flask

DEFAULTS: dict = {
    "DEMO": False,
    "DEMO_LOGIN": False,
    "DATABASE_URL": None,  # default: sqlite file in the instance folder
    "SECRET_KEY": None,
    "BABEL_DEFAULT_LOCALE": "sv",
    "LANGUAGES": ["sv", "en"],
    "ORDER_PAGE_SIZE": 15,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": None,  # None: Secure outside demo mode (the cookie only travels over HTTPS)
    "HSTS_MAX_AGE": 31536000,  # Strict-Transport-Security on HTTPS responses; 0 = off
    # --- Rate limits (issue 8; docs/operations.md): Flask-Limiter, "N per minute;M per hour" ---
    "RATELIMIT_STORAGE_URI": "memory://",  # production with several workers: redis://host:6379/0
    "RATELIMIT_ENABLED": True,
    "RATE_LIMIT_LOGIN": "20 per minute;200 per hour",  # per client address: demo, card and mTLS login
    "RATE_LIMIT_SITHS_CHALLENGE": "30 per minute;300 per hour",  # per client address
    "RATE_LIMIT_SEARCH": "60 per minute;1000 per hour",  # per logged-in user: person searches
    "RATE_LIMIT_SUGGEST": "240 per minute;3000 per hour",  # per logged-in user: suggestions while typing
    "FREQUENT_ORDERS": 3,  # a catalogue kept off the start page shows there for who ordered in it this often ...
    "FREQUENT_DAYS": 90,  # ... within this many days
    "SITHS_CHALLENGES_MAX_OPEN": 10000,  # unused, unexpired challenges at most; then new ones are refused
    "PERMANENT_SESSION_LIFETIME": 8 * 3600,
    # The largest request body: a VMU Flera användare file of 10 000 rows is about 150 kB. Beyond, the
    # request is answered 413 with a Swedish page before anything is read or parsed.
    "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
    "WTF_CSRF_TIME_LIMIT": 8 * 3600,
    "FULFILLERS": [],  # VGR-IDs of Service Desk behörigheter
    "ADMINS": [],  # VGR-IDs of administrators
    "PLUGINS_DISABLED": [],  # entry point names not to load
    "DELEGATION_REMINDER_DAYS": 14,  # e-mail the chef this many days before a delegation ends; 0 = off
    "BASE_URL": "http://127.0.0.1:5000",
    # --- SITHS card login and signed attest (issue 5; docs/siths.md) ---
    "SITHS_TRUST_ANCHORS": [],  # PEM files of trusted root CAs (SITHS e-id Root CA v2; demo root)
    "SITHS_INTERMEDIATES": [],  # PEM files of issuing CAs, added to chains (mTLS sends only the leaf)
    "SITHS_CRL_FILES": [],  # CRL files (PEM/DER), refreshed by cron; read on every check
    "SITHS_OCSP_URL": "",  # an OCSP responder for every certificate
    "SITHS_OCSP_FROM_AIA": False,  # else ask the OCSP URL named in each certificate
    "SITHS_REVOCATION_FAIL_OPEN": False,  # accept when no revocation status can be had (never in production)
    "SITHS_CHALLENGE_MAX_AGE": 300,  # seconds a login challenge lives
    "SITHS_SIGNING_MAX_AGE": 600,  # seconds a signing window (attest nonce) lives
    "SITHS_AGENT_URL": "http://127.0.0.1:8765",  # the local agent (beh-siths-agent) as the browser sees it
    "SITHS_CARD_WATCH": True,  # the page polls the agent and logs out when the card is removed
    "SITHS_CARD_POLL_MS": 1000,
    "SITHS_CARD_MAX_FAILED_POLLS": 3,  # polls without an answer from the agent before the session ends
    "TRUSTED_PROXIES": [],  # addresses/networks of reverse proxies allowed to pass CLIENT_CERT_HEADER
    "CLIENT_CERT_HEADER": "",  # e.g. X-SSL-Client-Cert (nginx $ssl_client_escaped_cert); empty = off
    "ATTEST_SIGNING": "required",  # "required", or "off" (only when DEMO is true)
    # --- Fulfilment, mail and dated jobs (issue 3; docs/operations.md) ---
    "SMTP_HOST": "localhost",
    "SMTP_PORT": 25,
    "SMTP_STARTTLS": False,  # STARTTLS on a plain connection (port 587)
    "SMTP_SSL": False,  # implicit TLS (port 465)
    "SMTP_USERNAME": "",
    "SMTP_PASSWORD": "",
    "SMTP_TIMEOUT": 30,
    "MAIL_FROM": "BEH Behörighetsbeställning <noreply@beh.example>",
    "MAIL_BATCH_SIZE": 50,
    # Temporary failures (no connection, 4xx) are retried for ever; only a 5xx rejection marks failed.
    "MAIL_RETRY_BASE_SECONDS": 60,  # back-off: base * 2**(attempt-1), at most MAIL_RETRY_MAX_SECONDS
    "MAIL_RETRY_MAX_SECONDS": 3600,
    "MAIL_LEASE_SECONDS": 300,  # a claimed message another sender may take over after this
    "MAIL_LOOP_INTERVAL": 10,
    "MAIL_LINK_MAX_AGE_DAYS": 60,
    "CREDENTIALS_KEYS": [],  # Fernet keys, newest first; empty: derived from SECRET_KEY (dev/test only)
    "ATTEST_REMINDER_DAYS": 3,  # 0 turns attest reminders off
    # --- Directory sync from LDAP (KiV/HSA) and leavers (issue 14; docs/directory-sync.md) ---
    "LDAP_URL": "",  # ldaps://kiv.example:636, or ldap://kiv.example:389 with LDAP_STARTTLS
    "LDAP_STARTTLS": True,  # StartTLS on an ldap:// URL; plain text is refused except to a loopback address
    "LDAP_CA_FILE": "",  # PEM file of the CA that issued the server's certificate (empty: the system's CAs)
    "LDAP_BIND_DN": "",  # the portal's read-only service account
    "LDAP_BIND_PASSWORD_FILE": "",  # a file (mode 600) holding only the bind password; never in beh.cfg or a log
    "LDAP_TIMEOUT": 30,  # seconds for connecting and for each LDAP answer
    "LDAP_PERSON_BASE": "",  # e.g. ou=Personer,dc=kiv,dc=example
    "LDAP_PERSON_FILTER": "(objectClass=inetOrgPerson)",
    "LDAP_UNIT_BASE": "",  # förvaltningar directly below it, områden below them, units below those
    "LDAP_UNIT_FILTER": "(objectClass=organizationalUnit)",
    "LDAP_KOSTNADSSTALLE_BASE": "",  # empty: kostnadsställen are not synced
    "LDAP_KOSTNADSSTALLE_FILTER": "(objectClass=kivKostnadsstalle)",
    "LDAP_PAGE_SIZE": 1000,  # entries per paged-results page = per staging transaction
    "LDAP_MAX_DEACTIVATE_PERCENT": 5,  # a run deactivating more than this share of active persons needs --confirm
    "LDAP_STALE_RUN_SECONDS": 4 * 3600,  # a "running" run older than this is taken as crashed
    # Portal field -> LDAP attribute. HSA names where HSA has one; kiv* for the region's extensions.
    # In beh.cfg give only the names that differ: LDAP_ATTRIBUTES = {"vgr_id": "vgrId"}.
    "LDAP_ATTRIBUTES": {
        "vgr_id": "uid", "hsa_id": "hsaIdentity", "personnummer": "personalIdentityNumber",
        "passnummer": "kivPassportNumber", "first_name": "givenName", "last_name": "sn", "email": "mail",
        "titel": "title", "ansvarsnummer": "kivAnsvarsnummer", "engagement": "kivEngagement",
        "unit_code": "kivUnitCode", "unit_name": "ou", "unit_hsa_id": "hsaIdentity", "vardenhet": "kivVardenhet",
        "private_provider": "kivPrivateProvider", "chef": "kivChef",
        "kostnadsstalle_code": "kivKostnadsstalleCode", "kostnadsstalle_name": "description",
        "kostnadsstalle_forvaltning": "kivForvaltningCode", "kostnadsstalle_ansvarig": "kivAnsvarig",
    },
    "LEAVER_REMINDER_LOOKBACK_DAYS": 30,  # run-due reminds about engagements that ended at most this long ago
}

_BOOL = {"1": True, "true": True, "yes": True, "on": True, "0": False, "false": False, "no": False, "off": False}


def _parse(value: str, default):
    """Parse an environment string into the type of the default."""
    if isinstance(default, bool):
        return _BOOL.get(value.strip().lower(), False)
    if isinstance(default, int):
        return int(value)
    if isinstance(default, dict):
        return json.loads(value)
    if isinstance(default, list):
        value = value.strip()
        if value.startswith("["):
            return json.loads(value)
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


def load_config(app: Flask, overrides: dict | None) -> None:
    """Fill app.config from defaults, instance/beh.cfg, BEH_* variables and the overrides."""
    app.config.update(DEFAULTS)
    app.config.from_pyfile("beh.cfg", silent=True)
    for key, value in os.environ.items():
        if key.startswith("BEH_"):
            name = key[4:]
            app.config[name] = _parse(value, app.config.get(name, DEFAULTS.get(name, "")))
    if overrides:
        app.config.update(overrides)
    # beh.cfg names only the attributes that differ from the HSA defaults.
    app.config["LDAP_ATTRIBUTES"] = {**DEFAULTS["LDAP_ATTRIBUTES"], **(app.config.get("LDAP_ATTRIBUTES") or {})}
    if not app.config.get("DATABASE_URL"):
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        app.config["DATABASE_URL"] = "sqlite:///" + str(Path(app.instance_path) / "beh.sqlite")
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(app)
    app.config["SQLALCHEMY_URL"] = app.config["DATABASE_URL"]
    secure = app.config.get("SESSION_COOKIE_SECURE")
    if secure is None:
        secure = not app.config.get("DEMO")
    elif isinstance(secure, str):
        secure = _BOOL.get(secure.strip().lower(), True)
    app.config["SESSION_COOKIE_SECURE"] = bool(secure)
    if app.config.get("DEMO_LOGIN") and not app.config.get("DEMO"):
        # The demo login lets anyone pick an identity: it must never be on in a real installation.
        raise RuntimeError("BEH_DEMO_LOGIN kräver BEH_DEMO: demoinloggningen finns bara i demoläge.")


def _instance_secret(app: Flask) -> str:
    """A random secret kept in the instance folder, so sessions survive restarts without setup."""
    path = Path(app.instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(os.urandom(32).hex())
        path.chmod(0o600)
    return path.read_text().strip()
