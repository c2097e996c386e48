"""Error pages in Swedish; typed operation errors become 403/404/409.

Every HTTP error the portal answers is a page of its own in the user's language (or JSON for the
endpoints the browser's scripts call): a 400 of a hand-made request, a 405 of a bookmarked POST
address, a 413 of an oversized upload and a 500 alike, never Werkzeug's English default.
"""
from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template
from flask_babel import gettext
from markupsafe import escape
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from ..authz import Forbidden
from ..services.errors import Conflict, NotFound
from ..labels import _N
from ..rate_limits import wants_json
from .messages import message_text

log = logging.getLogger(__name__)

# (title, message) per status without a handler of its own; others get the 400 texts.
HTTP_PAGES = {
    400: (_N("Felaktig begäran"), _N("Portalen kunde inte tolka det som skickades. Gå tillbaka och försök igen.")),
    401: (_N("Inloggning krävs"), _N("Du är inte inloggad längre. Logga in och försök igen.")),
    405: (_N("Sidan kan inte öppnas så"),
          _N("Adressen kan inte öppnas på det här sättet. Gå till startsidan och fortsätt därifrån.")),
    413: (_N("För mycket data"), _N("Det som skickades är för stort. Dela upp det eller välj en mindre fil.")),
    414: (_N("För lång adress"), _N("Adressen är för lång. Gör sökningen kortare och försök igen.")),
    500: (_N("Något gick fel"), _N("Ett oväntat fel inträffade och ingenting sparades. Försök igen om en stund. "
                                   "Om felet finns kvar, kontakta Service Desk.")),
}
FALLBACK_500 = ('<!doctype html><html lang="sv"><head><meta charset="utf-8"><title>Något gick fel – BEH</title>'
                '</head><body><main><h1>Något gick fel</h1><p>Ett oväntat fel inträffade och ingenting sparades. '
                'Försök igen om en stund. Om felet finns kvar, kontakta Service Desk.</p>'
                '<p><a href="/">Till startsidan</a></p></main></body></html>')


def swedish_redirect(location: str, code: int = 302):
    """A redirect whose body (shown only by clients that do not follow it) is in Swedish, not Werkzeug's English."""
    # Werkzeug builds the response (its Location header made safe for non-ASCII); only the page text is ours.
    from werkzeug.utils import redirect

    response = redirect(location, code=code, Response=Flask.response_class)
    link = escape(location)
    response.set_data('<!doctype html>\n<html lang="sv">\n<title>Vidarebefordrar</title>\n<h1>Vidarebefordrar</h1>\n'
                      f'<p>Du skickas vidare till <a href="{link}">{link}</a>. Om inget händer, följ länken.\n')
    return response


def _answer(code: int, title: str, message: str, message_sv: str | None = None, headers=None):
    """The error as a page (``title``, ``message`` in the user's language) or, for the scripts' endpoints,
    as JSON (``message_sv``: the Swedish text, when ``message`` is a translation)."""
    if wants_json():
        response = jsonify(error=code, message=message, message_sv=message_sv or message)
    else:
        response = render_template("error.html", title=title, message=message)
    return response, code, dict(headers or {})


def _error_page(code: int, headers=None):
    title, message = HTTP_PAGES.get(code, HTTP_PAGES[400])
    return _answer(code, title, gettext(message), message, headers)


def init_app(app: Flask) -> None:
    """Register the handlers, and the Swedish redirect page for ``flask.redirect``."""
    app.redirect = swedish_redirect  # flask.redirect calls current_app.redirect (Flask 2.2+)

    @app.errorhandler(403)
    @app.errorhandler(Forbidden)
    def forbidden(error):
        message = getattr(error, "message", None) or gettext("Du saknar behörighet för denna sida.")
        return _answer(403, _N("Åtkomst nekad"), message_text(message))

    @app.errorhandler(404)
    @app.errorhandler(NotFound)
    def not_found(error):
        message = getattr(error, "message", None) or gettext("Sidan finns inte.")
        return _answer(404, _N("Hittades inte"), message_text(message))

    @app.errorhandler(Conflict)
    def conflict(error):
        return _answer(409, _N("Kan inte utföras"), message_text(error.message))

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return _answer(400, _N("Formuläret har gått ut"),
                       gettext("Sidan var för gammal eller skickades inte från portalen. Ladda om och försök igen."))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        # Routing redirects never come here (Flask returns them as they are); an "Allow" header stays.
        methods = getattr(error, "valid_methods", None)
        return _error_page(error.code or 500, {"Allow": ", ".join(methods)} if methods else None)

    @app.errorhandler(InternalServerError)
    def internal_error(error: InternalServerError):
        # The cause is logged by Flask (with the request, personnummer masked by the log filter). The page
        # may itself fail (the database being what failed): then a fixed Swedish page, no template.
        try:
            return _error_page(500)
        except Exception:  # noqa: BLE001 - the last answer the request can get
            log.exception("the error page could not be rendered")
            return FALLBACK_500, 500, {"Content-Type": "text/html; charset=utf-8"}
