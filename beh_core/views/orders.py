"""Tidigare beställningar: Mina / Alla with sökalternativ, one order, Byt attestant."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from sqlalchemy import select

from .. import authz
from ..authz import current_actor, requires
from ..db import get_session
from ..models import Enhet
from ..plugins import notify
from ..services import attest as attest_ops
from ..services.errors import ValidationFailed
from ..services.order_queries import STATUS_LABELS, OrderFilter, all_orders, my_orders
from ..services.ordering import KIND_LABELS, attestants_for, orderable_omraden, parse_date

bp = Blueprint("orders", __name__, url_prefix="/bestallningar")


def _filter() -> OrderFilter:
    return OrderFilter(
        number=request.args.get("ordernummer", "").strip(), status=request.args.get("status", ""),
        kind=request.args.get("typ", ""), end_user_vgr_id=request.args.get("slutanvandare", "").strip(),
        date_from=parse_date(request.args.get("fran")), date_to=parse_date(request.args.get("till")),
    )


@bp.get("/mina")
@requires("list_orders")
def mine():
    """Mina beställningar."""
    page = my_orders(get_session(), current_actor(), _filter(), request.args.get("sida", 1, type=int))
    return render_template("orders/list.html", page=page, mode="mina", statuses=STATUS_LABELS, kinds=KIND_LABELS,
                           args=request.args)


@bp.get("/alla")
@requires("list_orders")
def all_():
    """Alla beställningar within the user's delegations."""
    page = all_orders(get_session(), current_actor(), _filter(), request.args.get("sida", 1, type=int))
    return render_template("orders/list.html", page=page, mode="alla", statuses=STATUS_LABELS, kinds=KIND_LABELS,
                           args=request.args)


def _visible_order(number: str):
    """The order, if the current user may see it (404 / 403 otherwise)."""
    return authz.order_or_abort(number, authz.may_view_order)


@bp.get("/<number>")
@requires("list_orders")
def show(number: str):
    """One order with its lines and attestant (and Byt attestant while it waits)."""
    order = _visible_order(number)
    actor = current_actor()
    return render_template("orders/show.html", order=order, statuses=STATUS_LABELS, kinds=KIND_LABELS,
                           can_change=authz.may_change_attestant(actor, order),
                           can_attest=authz.may_attest(actor, order))


@bp.route("/<number>/byt-attestant", methods=["GET", "POST"])
@requires("list_orders")
def change_attestant(number: str):
    """Byt attestant: välj område, verksamhet och ny attestant; OK."""
    db = get_session()
    order = _visible_order(number)
    actor = current_actor()
    if not authz.may_change_attestant(actor, order):
        abort(403)
    form = {k: request.values.get(k, type=int) for k in ("omrade_id", "enhet_id", "attestant_id")}
    if request.method == "GET" and not any(form.values()):
        form = {"omrade_id": order.omrade_id, "enhet_id": order.enhet_id, "attestant_id": None}
    errors: dict[str, str] = {}
    if request.method == "POST" and request.form.get("action") != "ok":
        # Uppdatera listorna (or a changed list): Post/Redirect/Get to the page with the choices so far.
        return redirect(url_for("orders.change_attestant", number=number,
                                **{k: v for k, v in form.items() if v}))
    if request.method == "POST":
        try:
            attest_ops.change_attestant(db, actor, order, **form)
        except ValidationFailed as failed:
            errors = failed.errors
        else:
            notify("beh_order_event", event="attestant_changed", order=order, actor=actor.person)
            flash(gettext("Attestant för %(number)s är bytt till %(name)s.", number=order.number,
                          name=order.attestant.display), "info")
            return redirect(url_for("orders.show", number=number))
    omraden = orderable_omraden(db, actor, order.forvaltning_id)
    enheter = list(db.scalars(select(Enhet).where(Enhet.omrade_id == form["omrade_id"]).order_by(Enhet.name))) \
        if form["omrade_id"] else []
    attestants = attestants_for(db, form["omrade_id"], form["enhet_id"], actor.today,
                                (order.end_user_id, order.orderer_id)) \
        if form["omrade_id"] and form["enhet_id"] else []
    return render_template("orders/change_attestant.html", order=order, omraden=omraden, enheter=enheter,
                           attestants=attestants, form=form, errors=errors)
