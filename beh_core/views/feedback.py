"""Återkoppling (the orderer's page with Inloggningsuppgifter), komplettering answers, Makulera, mail links."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import current_user

from .. import authz
from .access import current_actor, order_or_abort, requires, runtime
from ..db import get_session
from ..log_masking import mask_free_text
from ..services import credentials, fulfilment, links
from ..services.errors import ValidationFailed
from .forms import InputForm, TextAreaField, TrimmedStringField, field_errors
from .messages import message_text
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


def _credential_items(order, has_secret, items: dict) -> list[str]:
    """What Ta bort lösenordsuppgifter removes, one entry per line and secret field: "Provlabbet: Lösenord"
    (the field's label in the user's language). ``has_secret(line_id, field name)``: is one stored."""
    labels = []
    for line in order.active_lines:
        item = items.get(line.item_key)
        for spec in (item.feedback_fields if item else ()):
            if spec.secret and has_secret(line.id, spec.name):
                labels.append(f"{line.item_name}: {gettext(spec.label)}")
    return labels


def _render(order, *, errors=None, answer: str = "", status: int = 200):
    db = get_session()
    try:
        secrets = credentials.read_credentials(db, current_actor(), order, runtime().config)  # audited when any
    except credentials.CredentialsUnreadable as unreadable:
        db.rollback()
        secrets = {}
        flash(gettext("%(error)s Kontakta Service Desk.", error=str(unreadable)), "error")
    context = fulfilment_context(order)
    # A typed answer shown again after an error is masked as the service would store it.
    return render_template(
        "feedback/show.html", **context, secrets=secrets, errors=errors or {}, answer=mask_free_text(answer),
        credential_items=_credential_items(order, lambda line_id, name: secrets.get(line_id, {}).get(name),
                                           context["items"]),
        can_answer=authz.may_answer_komplettering(current_actor(), order),
        can_withdraw=authz.may_withdraw(current_actor(), order),
    ), status


class ConfirmForm(InputForm):
    """A destructive POST: it acts only when it comes from the confirmation (page or dialog)."""

    bekraftad = TrimmedStringField()


class AnswerForm(InputForm):
    """Svara på komplettering."""

    answer = TextAreaField()


def _confirmed() -> bool:
    """A destructive POST acts only when it comes from the confirmation (page or dialog)."""
    form = ConfirmForm()
    return form.validate() and form.bekraftad.data == "1"


@bp.get("/aterkoppling/<number>")
@requires("feedback")
def show(number: str):
    """Återkoppling c…: status, lines and Inloggningsuppgifter (Login, Lösenord); only the orderer."""
    return _render(_own_order(number))


@bp.get("/aterkoppling/<number>/ta-bort-losenord")
@requires("feedback")
def confirm_delete_credentials(number: str):
    """The confirmation page of Ta bort lösenordsuppgifter: exactly which passwords go."""
    order = _own_order(number)
    stored = credentials.lines_with_credentials(get_session(), order.id)
    if not stored:
        flash(gettext("Det finns inga lösenordsuppgifter att ta bort."), "info")
        return redirect(url_for("feedback.show", number=number))
    # Reading them again would audit another viewing: list the line and field names only.
    listed = _credential_items(order, lambda line_id, _name: line_id in stored, fulfilment_context(order)["items"])
    return render_template(
        "confirm.html", title=gettext("Ta bort lösenordsuppgifter för %(number)s?", number=order.number),
        text=gettext("Lösenorden tas bort för alltid och kan inte visas igen. Det gäller:"), items=listed,
        action_url=url_for("feedback.delete_credentials", number=number), hidden=(),
        confirm_label=gettext("Ta bort lösenordsuppgifter"), cancel_url=url_for("feedback.show", number=number))


@bp.post("/aterkoppling/<number>/ta-bort-losenord")
@requires("feedback")
def delete_credentials(number: str):
    """Ta bort lösenordsuppgifter: delete the credentials for good (after the confirmation)."""
    order = _own_order(number)
    if not _confirmed():
        return redirect(url_for("feedback.confirm_delete_credentials", number=number))
    if credentials.delete_credentials(get_session(), current_actor(), order):
        flash(gettext("Lösenordsuppgifterna är borttagna."), "info")
    else:  # a second click, another tab: nothing was left to delete
        flash(gettext("Lösenordsuppgifterna är redan borttagna."), "info")
    return redirect(url_for("feedback.show", number=number))


@bp.post("/aterkoppling/<number>/komplettering")
@requires("feedback")
def answer(number: str):
    """Svara på komplettering: the order goes back to the Service Desk."""
    order = _own_order(number)
    form = AnswerForm()
    text = form.answer.data or ""
    if not form.validate():
        return _render(order, errors=field_errors(form), answer=text, status=400)
    try:
        fulfilment.answer_komplettering(get_session(), runtime(), current_actor(), order, text)
    except ValidationFailed as failed:
        return _render(order, errors=failed.errors, answer=text, status=400)
    flash(gettext("Kompletteringen är skickad. Beställning %(number)s är tillbaka hos Service Desk.",
                  number=order.number), "info")
    return redirect(url_for("feedback.show", number=number))


@bp.get("/aterkoppling/<number>/makulera")
@requires("feedback")
def confirm_withdraw(number: str):
    """The confirmation page of Makulera: the order and its lines."""
    order = _own_order(number)
    if not authz.may_withdraw(current_actor(), order):
        flash(message_text(fulfilment.withdraw_refusal(order)), "error")
        return redirect(url_for("orders.show", number=number))
    return render_template(
        "confirm.html", title=gettext("Makulera beställning %(number)s?", number=order.number),
        text=gettext("Beställningen dras tillbaka och attestanten får ett e-postmeddelande. Det går inte att ångra."),
        items=[line.item_name for line in order.active_lines], hidden=(),
        action_url=url_for("feedback.withdraw", number=number), confirm_label=gettext("Makulera beställningen"),
        cancel_url=url_for("orders.show", number=number))


@bp.post("/aterkoppling/<number>/makulera")
@requires("feedback")
def withdraw(number: str):
    """Makulera: withdraw the order before attest (after the confirmation)."""
    order = _own_order(number)
    if not _confirmed():
        return redirect(url_for("feedback.confirm_withdraw", number=number))
    fulfilment.withdraw_order(get_session(), runtime(), current_actor(), order)
    flash(gettext("Beställning %(number)s är makulerad.", number=order.number), "info")
    return redirect(url_for("orders.show", number=number))


@bp.get("/l/<token>")
@requires("mail_link")
def follow_link(token: str):
    """An e-mailed link: only its addressee gets through (403 for anyone else), then the target checks rights."""
    return redirect(links.follow(runtime().config, token, current_user.id))
