"""Rate limits (issue 8) with Flask-Limiter: logins, SITHS challenges and person searches.

Each app gets its own ``Limiter``; the limits are put on the endpoints listed
in ``LIMITED`` after the blueprints are registered, so views stay thin and a
new endpoint (e.g. a suggestion list) is limited by adding one line here.

* ``login``: demo login, card login and mutual-TLS login, counted together per
  client address (``RATE_LIMIT_LOGIN``);
* ``siths_challenge``: anonymous challenge requests per client address
  (``RATE_LIMIT_SITHS_CHALLENGE``); each one writes a row, so this and the
  clean-up in ``services.siths_login`` keep anyone from filling the table;
* ``search``: person searches per logged-in user (``RATE_LIMIT_SEARCH``), so
  colleagues behind one hospital NAT address do not share a budget;
* ``suggest``: suggestions while typing (persons a beställare may order for,
  kostnadsställen) per logged-in user (``RATE_LIMIT_SUGGEST``): one request per
  pause in typing, so the budget is larger than the search's.

The counters live in ``RATELIMIT_STORAGE_URI``: ``memory://`` (the default:
demo, tests, a single process) or ``redis://host:6379/0`` in production,
where several workers must share them (docs/operations.md). The client
address is the proxy-corrected one (``security_headers.TrustedProxyFix``).
Too many requests get a Swedish 429 page (or JSON for the challenge) saying how long to wait, with the
same wait in seconds in a Retry-After header. Flask-Limiter's own headers stay off: they read the storage
on every limited request; the wait is read only when a limit is breached.
"""
from __future__ import annotations

import functools
import math
import time

from flask import Flask, abort, current_app, jsonify, render_template, request
from flask_babel import gettext, ngettext
from flask_limiter import Limiter, RateLimitExceeded
from flask_login import current_user
from limits import parse_many

from . import rate_limit_storage  # noqa: F401 - registers the beh-memory:// store

EXTENSION_KEY = "beh_limiter"
# scope -> (config key of the limit, key function name, endpoints, methods)
def _is_search() -> bool:
    """A request that searches persons: a POST of Sök fram användare or Sökalternativ, Ny delegering's GET
    with a search, or a list of orders filtered by a person (Slutanvändare, Beställare)."""
    if request.method == "POST":
        return True
    return any((request.args.get(name) or "").strip()
               for name in ("fornamn", "efternamn", "vgr_id", "slutanvandare", "bestallare", "sok", "person"))


SEARCH_SCOPE = "search"
RATE_SCOPE_ATTRIBUTE = "beh_rate_scope"


def count_person_searches(count: int) -> None:
    """Count ``count`` more person searches of the current user in the search budget, as if each had been a
    request of its own; a Swedish 429 when that spends it. For a request that searches many at once (VMU Flera
    användare's list): each personnummer in it that names nobody counts, so a list of guesses costs what the
    same guesses would cost one at a time."""
    limiter: Limiter = current_app.extensions[EXTENSION_KEY]
    if count <= 0 or not limiter.enabled:
        return
    # The identifiers Flask-Limiter itself counts a shared limit under (its key prefix first when one is set),
    # so these searches and the requests' own come out of one budget.
    args = [a for a in (limiter._key_prefix, user_or_address(), SEARCH_SCOPE) if a]
    items = parse_many(current_app.config[LIMITED[SEARCH_SCOPE][0]])
    spent = [item for item in items if not limiter.limiter.test(item, *args, cost=count)]
    if spent:  # refused: nothing is counted, and the wait is that of the windows that are spent
        resets = [limiter.limiter.get_window_stats(item, *args).reset_time for item in spent]
        abort(429, retry_after=max(1, math.ceil(max(resets) - time.time())))
    for item in items:
        limiter.limiter.hit(item, *args, cost=count)


def person_search(view):
    """Decorate a view (outermost) that searches persons: it shares the search budget (``RATE_LIMIT_SEARCH``)
    with the core's searches; its POSTs count. For plugins, whose endpoints the core does not name: a search
    that answered freely would tell, a number at a time, whose a personnummer is."""
    setattr(view, RATE_SCOPE_ATTRIBUTE, SEARCH_SCOPE)
    return view


# scope -> (setting, counted per, endpoints, methods); every endpoint of a scope shares its budget.
LIMITED: dict[str, tuple[str, str, tuple[str, ...], tuple[str, ...]]] = {
    "login": ("RATE_LIMIT_LOGIN", "address",
              ("auth.demo_login", "siths.login", "siths.login_client_certificate"), ("POST",)),
    "siths_challenge": ("RATE_LIMIT_SITHS_CHALLENGE", "address", ("siths.challenge",), ("POST",)),
    "search": ("RATE_LIMIT_SEARCH", "user", ("wizard.search", "delegation.new", "orders.mine", "orders.all_",
                                             "my_data.identities", "servicedesk.queue"),
               ("POST", "GET")),
    "suggest": ("RATE_LIMIT_SUGGEST", "user", ("suggest.persons", "suggest.kostnadsstallen"), ("POST",)),
}
# A scope whose requests count only when this says so (the search page itself is free to open).
COUNTS_WHEN = {"search": _is_search}
# Endpoints only the pages' scripts call: every error they get is JSON.
JSON_ENDPOINTS = {"siths.challenge", "siths.card_removed", "suggest.persons", "suggest.kostnadsstallen"}


def wants_json() -> bool:
    """Does the request come from the pages' scripts (answer errors as JSON) rather than a browser page?"""
    return request.endpoint in JSON_ENDPOINTS or request.accept_mimetypes.best == "application/json"


def client_address() -> str:
    """The client's address (after a trusted proxy's X-Forwarded-For)."""
    return request.remote_addr or "unknown"


def user_or_address() -> str:
    """The logged-in person (one budget per user), else the client address."""
    if current_user and current_user.is_authenticated:
        return f"person:{current_user.get_id()}"
    return f"address:{client_address()}"


KEY_FUNCTIONS = {"address": client_address, "user": user_or_address}


def _too_many(error):
    """The 429 answer: the Swedish page (or JSON for the scripts) saying how long to wait, and Retry-After."""
    seconds = _seconds_to_wait(error)
    if seconds is None and isinstance(getattr(error, "retry_after", None), int):
        seconds = error.retry_after  # counted by count_person_searches, which knows its wait
    if seconds is None:  # a 429 that no limit of ours raised: nothing known about the wait
        message = gettext("Du har gjort för många försök på kort tid. Vänta en stund och försök igen.")
    elif seconds <= 120:
        message = ngettext("Du har gjort för många försök på kort tid. Försök igen om %(num)s sekund.",
                           "Du har gjort för många försök på kort tid. Försök igen om %(num)s sekunder.", seconds)
    else:  # an hour's budget: "60 minuter" reads better than "3600 sekunder"; rounded up, never too early
        minutes = -(-seconds // 60)
        message = ngettext("Du har gjort för många försök på kort tid. Försök igen om %(num)s minut.",
                           "Du har gjort för många försök på kort tid. Försök igen om %(num)s minuter.", minutes)
    if wants_json():
        response = jsonify(error="rate_limited", message=message, message_sv=message, retry_after=seconds)
    else:
        response = current_app.make_response(
            render_template("error.html", title=_N("För många försök"), message=message))
    response.status_code = 429
    retry = seconds or getattr(error, "retry_after", None)
    if retry:
        response.headers["Retry-After"] = str(retry)
    return response


def _seconds_to_wait(error) -> int | None:
    """Whole seconds until the breached limit lets a request of this client through again, or None.

    Asked only when a limit is breached, so the storage is read only on a 429 (Flask-Limiter's own headers
    would read it on every limited request). Flask-Limiter stops at the first limit breached, the shortest
    window; every limit of the same scope that is spent too (the hour's next to the minute's) is asked as
    well, so the wait promised is never shorter than the real one.
    """
    if not isinstance(error, RateLimitExceeded):
        return None
    limiter: Limiter = current_app.extensions[EXTENSION_KEY]
    breached = limiter.current_limit
    if breached is None or not breached.breached:
        return None
    items = [breached.limit]
    scope = error.limit.scope if isinstance(error.limit.scope, str) else None
    if scope in LIMITED:
        items += [item for item in parse_many(current_app.config[LIMITED[scope][0]]) if item != breached.limit]
    try:
        resets = [stats.reset_time for stats in (limiter.limiter.get_window_stats(item, *breached.request_args)
                                                 for item in items) if stats.remaining <= 0]
    except Exception:  # noqa: BLE001 - storage gone (Redis restarting): still the 429, without a wait
        current_app.logger.warning("rate limit storage unreadable for the 429's Retry-After", exc_info=True)
        return None
    if not resets:  # freed meanwhile (the window moved on since the check): the next second
        return 1
    return max(1, math.ceil(max(resets) - time.time()))


def _N(text: str) -> str:  # noqa: N802 - marks a msgid that error.html translates
    return text


def _counted_only_when(counts, view, limited):
    """The view through its limit only when ``counts()`` says the request counts (a search), else as it is.

    The limit is exempt for the others anyway (``exempt_when``), but Flask-Limiter works out every limit
    of the endpoint before it asks: about 0.4 M instructions, 3 % of a list page that searches nothing.
    """
    @functools.wraps(view)
    def view_or_limited(*args, **kwargs):
        return limited(*args, **kwargs) if counts() else view(*args, **kwargs)

    return view_or_limited


def storage_uri(configured: str | None) -> str:
    """Where the counters live: ``memory://`` (or nothing) is the portal's in-process store without a timer
    thread per request (``rate_limit_storage``); any other URI (``redis://…``) as configured."""
    if not configured or configured.startswith("memory://"):
        return "beh-memory://"
    return configured


def init_app(app: Flask) -> Limiter:
    """Create the app's limiter and put the limits of ``LIMITED`` on the registered endpoints."""
    limiter = Limiter(key_func=client_address, storage_uri=storage_uri(app.config.get("RATELIMIT_STORAGE_URI")),
                      strategy="moving-window", headers_enabled=False)
    limiter.init_app(app)
    app.extensions[EXTENSION_KEY] = limiter
    marked = {scope: tuple(endpoint for endpoint, view in app.view_functions.items()
                           if getattr(view, RATE_SCOPE_ATTRIBUTE, None) == scope) for scope in LIMITED}
    for scope, (setting, key, endpoints, methods) in LIMITED.items():
        endpoints = endpoints + tuple(e for e in marked[scope] if e not in endpoints)  # plugins' (person_search)
        counts = COUNTS_WHEN.get(scope)
        shared = limiter.shared_limit(lambda setting=setting: current_app.config[setting], scope=scope,
                                      key_func=KEY_FUNCTIONS[key], methods=list(methods),
                                      exempt_when=(lambda counts=counts: not counts()) if counts else None)
        for endpoint in endpoints:
            if endpoint in app.view_functions:  # a catalogue may be switched off
                view = app.view_functions[endpoint]
                app.view_functions[endpoint] = _counted_only_when(counts, view, shared(view)) if counts \
                    else shared(view)
    app.register_error_handler(429, _too_many)
    return limiter


def reset(app: Flask) -> None:
    """Forget every counter (tests, or an operator after a false alarm)."""
    app.extensions[EXTENSION_KEY].reset()
