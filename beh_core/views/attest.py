"""Attestera beställningar: the list, the attest page, Ta bort markerade, Godkänn / Avslå."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext

from .. import authz
from ..db import get_session
from ..labels import KIND_LABELS
from ..services import attest as attest_ops
from ..services import signing
from ..services.errors import ValidationFailed
from ..services.order_queries import STATUS_LABELS, orders_to_attest
from .access import current_actor, order_or_abort, read_only, requires, runtime
from .forms import IdListField, InputForm, TextAreaField, TrimmedStringField, field_errors, page_request

bp = Blueprint("attest", __name__, url_prefix="/attest")


@bp.get("/")
@requires("attest")
@read_only
def index():
    """Orders waiting for the logged-in attestant."""
    page = orders_to_attest(get_session(), current_actor(),
                            page_request())
    return render_template("attest/list.html", page=page, statuses=STATUS_LABELS,
                           kinds=KIND_LABELS), 404 if page.missing else 200


class AttestForm(InputForm):
    """Attest av beställning: the marked lines, Kommentar vid avslag and the button pressed."""

    action = TrimmedStringField()
    comment = TextAreaField()
    line = IdListField()


def _order_for_attest(number: str):
    """The order, if the current user may attest it (404 / 403 otherwise)."""
    return order_or_abort(number, authz.may_attest)


@bp.route("/<number>", methods=["GET", "POST"])
@requires("attest")
def order(number: str):
    """Attest av beställning c…: remove lines, then Godkänn or Avslå (Kommentar vid avslag)."""
    db, rt = get_session(), runtime()
    order = _order_for_attest(number)
    actor = current_actor()
    errors: dict[str, str] = {}
    form = AttestForm()
    comment = form.comment.data or ""
    if request.method == "POST" and not form.validate():
        errors = {"lines" if name == "line" else name: text for name, text in field_errors(form).items()}
    elif request.method == "POST":
        action = form.action.data
        try:
            if action == "remove":
                attest_ops.remove_lines(db, rt, actor, order, form.line.data or [])
                flash(gettext("Markerade behörigheter är borttagna."), "info")
                return redirect(url_for("attest.order", number=number))
            if action in ("approve", "reject") and signing.signing_required(rt.config):
                # Godkänn/Avslå opens the signing window; nothing is recorded until it is signed.
                pending = signing.prepare(db, actor, order, approve=action == "approve", comment=comment)
                return redirect(url_for("siths.sign", number=number, nonce=pending.nonce))
            if action in ("approve", "reject"):
                attest_ops.decide(db, rt, actor, order, approve=action == "approve", comment=comment)
                flash(gettext("Beställning %(number)s är godkänd.", number=order.number) if action == "approve"
                      else gettext("Beställning %(number)s är avslagen.", number=order.number), "info")
                return redirect(url_for("attest.index"))
            abort(400)
        except ValidationFailed as failed:
            errors = failed.errors
    return render_template("attest/order.html", order=order, statuses=STATUS_LABELS, kinds=KIND_LABELS,
                           errors=errors, comment=comment, signing=signing.signing_required(rt.config))
