"""Tidigare beställningar: Mina / Alla with sökalternativ, one order, Byt attestant."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from sqlalchemy import select

from .. import authz
from ..db import get_session
from ..labels import KIND_LABELS
from ..messages import N_
from ..models import Enhet, Omrade
from ..services import attest as attest_ops
from ..services.errors import ValidationFailed
from ..services import servicedesk_queue
from ..services.order_queries import STATUS_LABELS, OrderFilter, all_orders, my_orders
from ..services.ordering import parse_date
from ..services.paging import Page
from ..services.person_match import contains_personnummer, vgr_id_of_personnummer
from .access import current_actor, order_or_abort, read_only, requires, runtime
from .forms import (SEARCH_TEXT_MAX, IdField, InputForm, MaxLength, TrimmedStringField, field_errors, from_query,
                    page_request, valid_data)

bp = Blueprint("orders", __name__, url_prefix="/bestallningar")


# Sökalternativ in the query string (the form posts, then redirects here: a personnummer never does).
FILTER_ARGS = ("ordernummer", "slutanvandare", "bestallare", "system", "katalog", "status", "typ", "fran", "till")
SHORT_FIELD = 40  # an order number, a date, a status, typ or katalog key


class OrderSearchForm(InputForm):
    """Sökalternativ of Mina / Alla beställningar (posted, or in the query string after the redirect)."""

    # Each field has a length: the search is redirected to an address holding it (PRG), and an address too
    # long for the server would be refused there in English instead of at the field in Swedish.
    ordernummer = TrimmedStringField(validators=[MaxLength(SHORT_FIELD)])
    slutanvandare = TrimmedStringField(validators=[MaxLength(SEARCH_TEXT_MAX)])
    bestallare = TrimmedStringField(validators=[MaxLength(SEARCH_TEXT_MAX)])
    system = TrimmedStringField(validators=[MaxLength(SEARCH_TEXT_MAX)])
    katalog = TrimmedStringField(validators=[MaxLength(SHORT_FIELD)])
    status = TrimmedStringField(validators=[MaxLength(SHORT_FIELD)])
    typ = TrimmedStringField(validators=[MaxLength(SHORT_FIELD)])
    fran = TrimmedStringField(validators=[MaxLength(SHORT_FIELD)])
    till = TrimmedStringField(validators=[MaxLength(SHORT_FIELD)])


class ChangeAttestantForm(InputForm):
    """Byt attestant: område, verksamhet (vårdenhet), ny attestant; OK or Uppdatera listorna."""

    omrade_id = IdField()
    enhet_id = IdField()
    attestant_id = IdField()
    shown_attestant_id = IdField()  # the attestant the page named as Nuvarande attestant
    action = TrimmedStringField()


def _filter(args) -> tuple[OrderFilter, dict[str, str], dict[str, str]]:
    """The filter the arguments ask for, a Swedish message per bad field, and one per choice not in its list.

    A bad date stops the search. A choice whose value is not in its list (System, Beställning, Status, Typ:
    an old or hand-made address) is left out of the filter, so the list is read without it, and the third
    dict says so at the field; the caller drops it from the page's links.
    """
    rt, errors, unknown = runtime(), {}, {}
    systems = dict(servicedesk_queue.systems_for_filter(rt.registry))
    dates = {}
    for name in ("fran", "till"):
        typed = (args.get(name) or "").strip()
        dates[name] = parse_date(typed)
        if typed and dates[name] is None:
            errors[name] = gettext("Ange datum som ÅÅÅÅ-MM-DD.")
    if dates["fran"] and dates["till"] and dates["till"] < dates["fran"]:  # would find nothing, unexplained
        errors["till"] = gettext("Beställd till kan inte vara tidigare än Beställd från.")
    # Checked against the lists already in memory (the catalogue registry, the labels): no statement is added.
    if args.get("system") and args["system"] not in systems:
        unknown["system"] = gettext("Välj ett system i listan.")
    catalogue = rt.registry.catalogue(args["katalog"]) if args.get("katalog") else None
    if args.get("katalog") and catalogue is None:
        unknown["katalog"] = gettext("Välj en beställning i listan.")
    if args.get("status") and args["status"] not in STATUS_LABELS:
        unknown["status"] = gettext("Välj en status i listan.")
    if args.get("typ") and args["typ"] not in KIND_LABELS:
        unknown["typ"] = gettext("Välj en typ i listan.")
    return OrderFilter(
        number=(args.get("ordernummer") or "").strip(),
        catalogue=catalogue.orders_key if catalogue else "",  # a mass order page's orders are its catalogue's
        status="" if "status" in unknown else args.get("status", ""),
        kind="" if "typ" in unknown else args.get("typ", ""),
        end_user=(args.get("slutanvandare") or "").strip()[:100], orderer=(args.get("bestallare") or "").strip()[:100],
        system=tuple(systems.get(args.get("system", ""), ())), date_from=dates["fran"], date_to=dates["till"],
        catalogues=tuple(c.key for c in rt.registry.catalogues),
    ), errors, unknown


PERSON_ARGS = ("slutanvandare", "bestallare")
MISPLACED_PERSONNUMMER = N_("Fältet kan inte innehålla ett personnummer. Sök på personnummer i fältet Slutanvändare.")


def _without_personnummer(args: dict[str, str], holding: set[str]) -> tuple[dict[str, str], dict[str, str]]:
    """The search with every personnummer replaced by that person's VGR-ID (the key shown everywhere); a
    personnummer in any other field is refused there (it would otherwise go into the address). ``holding``:
    the fields whose text holds a personnummer."""
    errors = {}
    for name in sorted(holding):
        if name not in PERSON_ARGS:
            errors[name] = gettext(MISPLACED_PERSONNUMMER)
            continue
        try:
            vgr_id = vgr_id_of_personnummer(get_session(), args[name], name)
        except ValidationFailed as failed:
            errors.update({k: gettext(v) for k, v in failed.errors.items()})
            continue
        if vgr_id is None:
            errors[name] = gettext("Ingen person med detta personnummer finns i KiV.")
        else:
            args[name] = vgr_id
    return args, errors


def _list(mode: str, endpoint: str, query):
    """Mina or Alla: a POST of Sökalternativ redirects to the same list (PRG); a GET shows the page."""
    if request.method == "GET" and not any(name in request.args for name in FILTER_ARGS):
        refused, args = {}, {}  # the list as it opens, unfiltered: nothing to read, no form to build
    else:
        form = OrderSearchForm() if request.method == "POST" else from_query(OrderSearchForm)
        refused = {} if form.validate() else field_errors(form)  # told at the field; the typed text is shown again
        args = {k: form[k].data for k in FILTER_ARGS if form[k].data}
    holding = {name for name, value in args.items() if contains_personnummer(value)}  # read once per request
    misplaced = [name for name in holding if name not in PERSON_ARGS] if request.method == "GET" else []
    if misplaced:  # typed into the address: the list again without it, and told (never shown back from there)
        flash(gettext(MISPLACED_PERSONNUMMER), "error")
        return redirect(url_for(endpoint, **{k: v for k, v in args.items() if k not in misplaced}), 303)
    if mode == "mina":
        args.pop("bestallare", None)
        holding.discard("bestallare")
    if refused:
        return _render_list(mode, endpoint, args, refused, None)
    args, errors = _without_personnummer(args, holding)
    if not errors and (request.method == "POST" or holding):
        return redirect(url_for(endpoint, **args), 303)
    flt, date_errors, unknown = _filter(args)
    errors.update(date_errors)
    for name in unknown:  # read without it: the paging links, Rensa and Sökalternativ must not carry it on
        args.pop(name)
    page = None
    if not errors:
        try:
            page = query(get_session(), current_actor(), flt, page_request())
        except ValidationFailed as failed:
            errors = {k: gettext(v) for k, v in failed.errors.items()}
    return _render_list(mode, endpoint, args, {**errors, **unknown}, page)


def _render_list(mode: str, endpoint: str, args: dict[str, str], errors: dict[str, str], page: Page | None):
    # 400 when the search could not be run; a list shown without a choice it could not use is answered (200).
    status = 400 if page is None and errors else (404 if page is not None and page.missing else 200)
    rt = runtime()
    html = render_template(
        "orders/list.html", page=page or Page([], 0, 1, 1), mode=mode, statuses=STATUS_LABELS, kinds=KIND_LABELS,
        args=args, errors=errors, endpoint=endpoint,
        # Called only when Sökalternativ is rendered (a search, or the first page of a kept panel).
        catalogue_options=lambda: [(c.key, gettext(c.title)) for c in rt.registry.catalogues if not c.orders_in],
        system_options=lambda: [(name, name) for name, _keys in servicedesk_queue.systems_for_filter(rt.registry)])
    return html, status


@bp.route("/mina", methods=["GET", "POST"])
@requires("list_orders")
@read_only
def mine():
    """Mina beställningar."""
    return _list("mina", "orders.mine", my_orders)


@bp.route("/alla", methods=["GET", "POST"])
@requires("list_orders")
@read_only
def all_():
    """Alla beställningar within the user's delegations."""
    return _list("alla", "orders.all_", all_orders)


def _visible_order(number: str):
    """The order, if the current user may see it (404 / 403 otherwise)."""
    return order_or_abort(number, authz.may_view_order)


@bp.get("/<number>")
@requires("list_orders")
@read_only
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
        if order.orderer_id == actor.id and order.status != attest_ops.WAITING:
            # A second tab, an old link: the order was decided or withdrawn meanwhile; say so on its page.
            flash(gettext("Beställning %(number)s väntar inte längre på attest. Attestanten kan inte bytas.",
                          number=order.number), "info")
            return redirect(url_for("orders.show", number=number))
        abort(403)
    by_area = order.current_step.rule == "area"
    posted = ChangeAttestantForm(formdata=request.values)
    valid = posted.validate()
    form = {k: valid_data(posted)[k] for k in ("omrade_id", "enhet_id", "attestant_id")}
    if not by_area or (request.method == "GET" and not any(form.values())):
        form.update(omrade_id=order.omrade_id, enhet_id=order.enhet_id)
    errors: dict[str, str] = {}
    if request.method == "POST" and posted.action.data != "ok":
        # Uppdatera listorna (or a changed list): Post/Redirect/Get to the page with the choices so far.
        return redirect(url_for("orders.change_attestant", number=number,
                                **{k: v for k, v in form.items() if v}))
    if request.method == "POST" and not valid:
        errors = field_errors(posted)
    elif request.method == "POST":
        try:
            attest_ops.change_attestant(db, rt, actor, order, **form,
                                        shown_attestant_id=valid_data(posted)["shown_attestant_id"])
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
