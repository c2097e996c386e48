"""Tidigare beställningar: Mina / Alla with sökalternativ, one order, Byt attestant."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from sqlalchemy import select

from .. import authz
from ..db import get_session
from ..labels import KIND_LABELS
from ..models import Enhet, Omrade
from ..services import attest as attest_ops
from ..services.errors import ValidationFailed
from ..services.order_queries import STATUS_LABELS, OrderFilter, all_orders, my_orders
from ..services.ordering import parse_date
from .access import current_actor, order_or_abort, requires, runtime

bp = Blueprint("orders", __name__, url_prefix="/bestallningar")


def _filter() -> OrderFilter:
    catalogue = request.args.get("katalog", "")
    return OrderFilter(
        number=request.args.get("ordernummer", "").strip(),
        catalogue=catalogue if runtime().registry.catalogue(catalogue) else "",
        status=request.args.get("status", ""),
        kind=request.args.get("typ", ""), end_user_vgr_id=request.args.get("slutanvandare", "").strip(),
        date_from=parse_date(request.args.get("fran")), date_to=parse_date(request.args.get("till")),
    )


def _render_list(mode: str, page):
    return render_template("orders/list.html", page=page, mode=mode, statuses=STATUS_LABELS, kinds=KIND_LABELS,
                           args=request.args, catalogues=runtime().registry.catalogues)


@bp.get("/mina")
@requires("list_orders")
def mine():
    """Mina beställningar."""
    return _render_list("mina", my_orders(get_session(), current_actor(), _filter(),
                                          request.args.get("sida", 1, type=int)))


@bp.get("/alla")
@requires("list_orders")
def all_():
    """Alla beställningar within the user's delegations."""
    return _render_list("alla", all_orders(get_session(), current_actor(), _filter(),
                                           request.args.get("sida", 1, type=int)))


def _visible_order(number: str):
    """The order, if the current user may see it (404 / 403 otherwise)."""
    return order_or_abort(number, authz.may_view_order)


@bp.get("/<number>")
@requires("list_orders")
def show(number: str):
    """One order with its lines, attest steps and attestant (and Byt attestant while it waits)."""
    order = _visible_order(number)
    actor = current_actor()
    return render_template("orders/show.html", order=order, statuses=STATUS_LABELS, kinds=KIND_LABELS,
                           can_change=authz.may_change_attestant(actor, order),
                           can_attest=authz.may_attest(actor, order))


@bp.route("/<number>/byt-attestant", methods=["GET", "POST"])
@requires("list_orders")
def change_attestant(number: str):
    """Byt attestant: välj område, verksamhet och ny attestant (L/R), or a new attestant of the vårdenhet; OK."""
    db, rt = get_session(), runtime()
    order = _visible_order(number)
    actor = current_actor()
    if not authz.may_change_attestant(actor, order):
        abort(403)
    by_area = order.current_step.rule == "area"
    form = {k: request.values.get(k, type=int) for k in ("omrade_id", "enhet_id", "attestant_id")}
    if not by_area or (request.method == "GET" and not any(form.values())):
        form.update(omrade_id=order.omrade_id, enhet_id=order.enhet_id)
    errors: dict[str, str] = {}
    if request.method == "POST" and request.form.get("action") == "ok":
        try:
            attest_ops.change_attestant(db, rt, actor, order, **form)
        except ValidationFailed as failed:
            errors = failed.errors
        else:
            flash(gettext("Attestant för %(number)s är bytt till %(name)s.", number=order.number,
                          name=order.attestant.display), "info")
            return redirect(url_for("orders.show", number=number))
    omraden, enheter = [], []
    if by_area:
        ids = {o for f, o in authz.orderable_scopes(actor) if f == order.forvaltning_id}
        omraden = list(db.scalars(select(Omrade).where(Omrade.id.in_(sorted(ids))).order_by(Omrade.name))) \
            if ids else []
        enheter = list(db.scalars(select(Enhet).where(Enhet.omrade_id == form["omrade_id"]).order_by(Enhet.name))) \
            if form["omrade_id"] else []
    attestants = attest_ops.attestant_choices(db, rt, order, omrade_id=form["omrade_id"], enhet_id=form["enhet_id"],
                                              today=actor.today) if form["omrade_id"] and form["enhet_id"] else []
    return render_template("orders/change_attestant.html", order=order, omraden=omraden, enheter=enheter,
                           attestants=attestants, form=form, errors=errors, by_area=by_area)
