"""Attestera beställningar: the list, the attest page, Ta bort markerade, Godkänn / Avslå."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext, ngettext

from .. import authz
from ..db import get_session
from ..log_masking import mask_free_text
from ..labels import KIND_LABELS
from ..messages import N_
from ..models import STEP_APPROVED, STEP_REJECTED
from ..services import attest as attest_ops
from ..services import signing, signing_batch
from ..services.errors import ValidationFailed
from ..services.order_queries import MANY_BATCH, STATUS_LABELS, orders_to_attest, waiting_count, waiting_for
from ..services.paging import COUNT_CAP
from .access import after_decision_url, current_actor, order_or_abort, read_only, requires, runtime
from .forms import IdListField, InputForm, TextAreaField, TrimmedStringField, field_errors, page_request

bp = Blueprint("attest", __name__, url_prefix="/attest")


def _one_action() -> str:
    """The button pressed: the one ``action`` value posted; 400 when a hand-made POST carries two different ones.

    The form field takes the first value and would silently ignore the rest, so "approve" and "reject" in
    one request would approve an order the attestant may have meant to reject (and the other way round).
    """
    pressed = {value.strip() for value in request.form.getlist("action")}
    if len(pressed) > 1:
        abort(400)
    return pressed.pop() if pressed else ""


@bp.get("/")
@requires("attest")
@read_only
def index():
    """Orders waiting for the logged-in attestant."""
    page = orders_to_attest(get_session(), current_actor(),
                            page_request())
    return render_template("attest/list.html", page=page, statuses=STATUS_LABELS,
                           kinds=KIND_LABELS), 404 if page.missing else 200


class ManyForm(InputForm):
    """Godkänn markerade: the ticked orders and the button pressed (Godkänn markerade, Markera alla)."""

    order = IdListField()
    action = TrimmedStringField()


@bp.route("/alla", methods=["GET", "POST"])
@requires("attest")
def many():
    """Godkänn markerade: every order waiting for me in one list; one signature approves the ticked ones.

    Nothing is ticked until the attestant ticks it ("Markera de beställningar du vill godkänna"): Markera alla
    is a button of its own that shows the list again with every box ticked, and approves nothing.
    """
    db, rt, actor = get_session(), runtime(), current_actor()
    errors: dict[str, str] = {}
    form = ManyForm()
    ticked: set[int] = set()
    tick_all = False
    if request.method == "POST":
        _one_action()  # Godkänn markerade and Markera alla in one request: neither is done
    if request.method == "POST" and not form.validate():
        errors = field_errors(form)
    elif request.method == "POST" and form.action.data == "markera_alla":
        tick_all = True
    elif request.method == "POST" and form.action.data not in ("godkann", ""):  # "": Enter in an older page
        abort(400)
    elif request.method == "POST":
        ticked = set(form.order.data or [])
        chosen = waiting_for(db, actor, ids=form.order.data or [])
        try:
            if len(chosen) != len(form.order.data or []):
                # Decided, withdrawn or given to another attestant meanwhile: nothing is approved.
                raise ValidationFailed({"order": N_("Någon av de markerade beställningarna väntar inte längre på "
                                                    "din attest. Inget är godkänt. Markera på nytt.")})
            # The list shows what the attestant can decide by the kind of their delegations; one whose
            # delegation does not cover that very order is named here, not a bare Åtkomst nekad for all.
            refused = [order.number for order in chosen if not authz.may_attest(actor, order)]
            if refused:
                raise ValidationFailed({"order": N_("Du kan inte attestera %(numbers)s. Öppna beställningen för att "
                                                    "se varför. Inget är godkänt.", numbers=", ".join(refused))})
            if signing.signing_required(rt.config):
                batch = signing_batch.prepare_many(db, actor, chosen)
                return redirect(url_for("siths.sign_many", nonce=batch.nonce))
            attest_ops.decide_many(db, rt, actor, chosen)
        except ValidationFailed as failed:
            errors = failed.errors
        else:
            flash(ngettext("%(num)s beställning är godkänd.", "%(num)s beställningar är godkända.", len(chosen)),
                  "info")
            return redirect(after_decision_url())
    # The oldest batch only: a page of thousands of rows is neither fast nor something anyone reads through.
    orders = waiting_for(db, actor, limit=MANY_BATCH)
    waiting = waiting_count(db, actor) if len(orders) == MANY_BATCH else len(orders)
    if tick_all:
        ticked = {o.id for o in orders}
    return render_template("attest/many.html", orders=orders, errors=errors, kinds=KIND_LABELS,
                           waiting=min(waiting, COUNT_CAP), capped=waiting > COUNT_CAP, ticked=ticked,
                           tick_all=tick_all, error_targets={"order": "orders"},
                           signing=signing.signing_required(rt.config))


class AttestForm(InputForm):
    """Attest av beställning: the marked lines, Kommentar vid avslag and the button pressed."""

    action = TrimmedStringField()
    comment = TextAreaField()
    line = IdListField()


def _order_for_attest(number: str):
    """The order, if the current user may attest it (404 / 403 otherwise).

    An order whose attestant this user is or was, but that no longer waits for them (decided, withdrawn, at
    a later step; the loser of a race is told to reload): its own page, with why.
    """
    order = order_or_abort(number, None)
    actor = current_actor()
    if authz.may_attest(actor, order):
        return order
    theirs = order.attestant_id == actor.id or any(step.attestant_id == actor.id for step in order.attest_steps)
    # "No longer waits for you" only when true: their step is decided, the order no longer waits at all, or
    # the orderer gave it to another attestant (Byt attestant: the mail's link still leads here). A step
    # still ahead of them, or one waiting that they may not decide (their own order, no delegation covering
    # it), is Åtkomst nekad as for anyone else.
    decided = any(step.attestant_id == actor.id and step.status in (STEP_APPROVED, STEP_REJECTED)
                  for step in order.attest_steps)
    replaced = not theirs and attest_ops.was_replaced_attestant(get_session(), order, actor.id)
    if (theirs and (decided or order.status != attest_ops.WAITING)) or replaced:
        flash(gettext("Beställning %(number)s väntar inte längre på din attest.", number=order.number), "info")
        target = url_for("orders.show", number=order.number) if authz.may_view_order(actor, order) \
            else after_decision_url()
        abort(redirect(target, 303))
    abort(403)


@bp.route("/<number>", methods=["GET", "POST"])
@requires("logged_in")  # the order decides (_order_for_attest): a link kept after one's last attest still leads on
def order(number: str):
    """Attest av beställning c…: remove lines, then Godkänn or Avslå (Kommentar vid avslag)."""
    db, rt = get_session(), runtime()
    order = _order_for_attest(number)
    actor = current_actor()
    errors: dict[str, str] = {}
    form = AttestForm()
    comment = form.comment.data or ""
    action = _one_action() if request.method == "POST" else ""  # before anything else: a refused POST does nothing
    if request.method == "POST" and not form.validate():
        errors = {"lines" if name == "line" else name: text for name, text in field_errors(form).items()}
    elif request.method == "POST":
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
                return redirect(after_decision_url())
            abort(400)
        except ValidationFailed as failed:
            errors = failed.errors
    # Shown again after an error as the service would store it: a personnummer in it masked.
    return render_template("attest/order.html", order=order, statuses=STATUS_LABELS, kinds=KIND_LABELS,
                           errors=errors, comment=mask_free_text(comment), signing=signing.signing_required(rt.config))
