"""Error pages in Swedish; typed operation errors become 403/404/409."""
from __future__ import annotations

from flask import Flask, render_template
from flask_babel import gettext
from flask_wtf.csrf import CSRFError

from ..authz import Forbidden
from ..services.errors import Conflict, NotFound
from ..labels import _N


def init_app(app: Flask) -> None:
    """Register the handlers."""

    @app.errorhandler(403)
    @app.errorhandler(Forbidden)
    def forbidden(error):
        message = getattr(error, "message", None) or gettext("Du saknar behörighet för denna sida.")
        return render_template("error.html", title=_N("Åtkomst nekad"), message=message), 403

    @app.errorhandler(404)
    @app.errorhandler(NotFound)
    def not_found(error):
        message = getattr(error, "message", None) or gettext("Sidan finns inte.")
        return render_template("error.html", title=_N("Hittades inte"), message=message), 404

    @app.errorhandler(Conflict)
    def conflict(error):
        return render_template("error.html", title=_N("Kan inte utföras"), message=error.message), 409

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_template("error.html", title=_N("Formuläret har gått ut"),
                               message=gettext("Sidan var för gammal eller skickades inte från portalen. Ladda om och försök igen.")), 400
