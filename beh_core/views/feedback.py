"""Återkoppling (the orderer's page with Inloggningsuppgifter), komplettering answers, Makulera, mail links."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user

from .. import authz
from .access import current_actor, order_or_abort, requires, runtime
from ..db import get_session
from ..services import credentials, fulfilment, links
from ..services.errors import ValidationFailed
from .order_context import fulfilment_context

bp = Blueprint("feedback", __name__)


@bp.app_context_processor
def _template_helpers() -> dict:
    """Helpers for the order list and order page (one query per page, not per row)."""

    def orders_with_credentials(orders) -> set[int]:
        mine = [o.id for o in orders if current_user.is_authenticated and o.orderer_id == current_user.id]
        return credentials.orders_with_credentials(get_session(), mine)

    def feedback_rights(order) -> dict[str, bool]:
        actor = current_actor()
        return {"feedback": authz.may_read_feedback(actor, order), "withdraw": authz.may_withdraw(actor, order),
                "fulfil": authz.may_fulfil(actor, order)}

    return {"orders_with_credentials": orders_with_credentials, "feedback_rights": feedback_rights}


def _own_order(number: str):
    """The order, if the current user may read its Återkoppling it (404 / 403 otherwise)."""
    return order_or_abort(number, authz.may_read_feedback)


def _render(order, *, errors=None, answer: str = "", status: int = 200):
    db = get_session()
    try:
        secrets = credentials.read_credentials(db, current_actor(), order, runtime().config)  # audited when any
    except credentials.CredentialsUnreadable as unreadable:
        db.rollback()
        secrets = {}
        flash(gettext("%(error)s Kontakta Service Desk.", error=str(unreadable)), "error")
    return render_template(
        "feedback/show.html", **fulfilment_context(order), secrets=secrets, errors=errors or {}, answer=answer,
        can_answer=authz.may_answer_komplettering(current_actor(), order),
        can_withdraw=authz.may_withdraw(current_actor(), order),
    ), status


@bp.get("/aterkoppling/<number>")
@requires("feedback")
def show(number: str):
    """Återkoppling c…: status, lines and Inloggningsuppgifter (Login, Lösenord); only the orderer."""
    return _render(_own_order(number))


@bp.post("/aterkoppling/<number>/ta-bort-losenord")
@requires("feedback")
def delete_credentials(number: str):
    """Ta bort lösenordsuppgifter: delete the credentials for good."""
    order = _own_order(number)
    credentials.delete_credentials(get_session(), current_actor(), order)
    flash(gettext("Lösenordsuppgifterna är borttagna."), "info")
    return redirect(url_for("feedback.show", number=number))


@bp.post("/aterkoppling/<number>/komplettering")
@requires("feedback")
def answer(number: str):
    """Svara på komplettering: the order goes back to the Service Desk."""
    order = _own_order(number)
    text = request.form.get("answer", "")
    try:
        fulfilment.answer_komplettering(get_session(), runtime(), current_actor(), order, text)
    except ValidationFailed as failed:
        return _render(order, errors=failed.errors, answer=text, status=400)
    flash(gettext("Kompletteringen är skickad. Beställning %(number)s är tillbaka hos Service Desk.",
                  number=order.number), "info")
    return redirect(url_for("feedback.show", number=number))


@bp.post("/aterkoppling/<number>/makulera")
@requires("feedback")
def withdraw(number: str):
    """Makulera: withdraw the order before attest."""
    order = _own_order(number)
    fulfilment.withdraw_order(get_session(), runtime(), current_actor(), order)
    flash(gettext("Beställning %(number)s är makulerad.", number=order.number), "info")
    return redirect(url_for("orders.show", number=number))


@bp.get("/l/<token>")
@requires("mail_link")
def follow_link(token: str):
    """An e-mailed link: only its addressee gets through (403 for anyone else), then the target checks rights."""
    return redirect(links.follow(runtime().config, token, current_user.id))
