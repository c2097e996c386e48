"""Service Desk behörigheter: the queue of attested orders, per-line Utförd with feedback, komplettering."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext

from .. import authz
from .access import current_actor, order_or_abort, read_only, requires, runtime
from ..db import get_session
from ..log_masking import mask_free_text
from ..models.fulfilment import LINE_STATUS_LABELS
from ..audit_labels import audit_label
from ..labels import KIND_LABELS
from ..services import directory, fulfilment, fulfilment_queries, servicedesk_queue
from ..services.errors import ValidationFailed
from ..services.person_match import contains_personnummer, vgr_id_of_personnummer
from ..services.order_queries import STATUS_LABELS
from .forms import (IdField, InputForm, StringField, TextAreaField, TrimmedStringField, field_errors, from_query,
                    page_number, page_request, posted_names, runtime_form)
from .order_context import fulfilment_context

bp = Blueprint("servicedesk", __name__, url_prefix="/servicedesk")

QUEUE_STATUSES = {status: STATUS_LABELS[status] for status in fulfilment.OPEN_STATUSES}


class QueueFilterForm(InputForm):
    """Kön's filters: Ordernummer, Person, Förvaltning, System, Status."""

    ordernummer = TrimmedStringField()
    person = TrimmedStringField()
    forvaltning = IdField()
    system = TrimmedStringField()
    status = TrimmedStringField()


QUEUE_ARGS = ("ordernummer", "person", "forvaltning", "system", "status")  # the fields of QueueFilterForm


class KompletteringForm(InputForm):
    """Begär komplettering: what the orderer is asked for."""

    message = TextAreaField()


@bp.get("/")
@requires("fulfil")
@read_only
def queue():
    """Kön: attested orders, akut first then oldest, filtered by förvaltning, system and status."""
    db = get_session()
    if any(name in request.args for name in QUEUE_ARGS):
        form = from_query(QueueFilterForm)
        form.validate()  # a refused filter counts as not given (an unreadable Förvaltning is told below)
        typed = {k: v for k, v in form.raw_text().items() if v.strip()}
        args = {k: v for k, v in typed.items() if k not in form.errors}
        chosen_forvaltning = form.forvaltning.data
    else:  # the queue as it opens, unfiltered: nothing to read, no form to build
        typed, args, chosen_forvaltning = {}, {}, None
    if any(contains_personnummer(value) for value in typed.values()):
        return _without_personnummer(db, args)
    registry = runtime().registry
    systems = servicedesk_queue.systems_for_filter(registry)
    chosen = args.get("system", "")
    # One entry per system name; an item key (an older link) still works.
    keys = dict(systems).get(chosen) or ((chosen,) if registry.get(chosen) else ())
    # Read before the queue (it was read for the choices anyway): a Förvaltning not among them is told too.
    forvaltningar = directory.forvaltningar(db)
    unknown = _unknown_choices(typed, found_system=bool(keys), forvaltning_id=chosen_forvaltning,
                               forvaltning_ids={f.id for f in forvaltningar})
    for name in unknown:  # the queue is read without it, and the paging links do not carry it on
        args.pop(name, None)
    page = servicedesk_queue.service_desk_queue(
        db, forvaltning_id=None if "forvaltning" in unknown else chosen_forvaltning, item_keys=keys,
        status=args.get("status", ""), number=args.get("ordernummer", ""), person=args.get("person", ""),
        page=page_request())
    return render_template("servicedesk/queue.html", page=page, args=args, forvaltningar=forvaltningar,
                           systems=[name for name, _keys in systems], statuses=STATUS_LABELS,
                           queue_statuses=QUEUE_STATUSES, kinds=KIND_LABELS, errors=unknown,
                           line_labels=LINE_STATUS_LABELS), 404 if page.missing else 200


def _unknown_choices(typed: dict[str, str], *, found_system: bool, forvaltning_id: int | None,
                     forvaltning_ids: set[int]) -> dict[str, str]:
    """A Swedish message per chosen System, Status or Förvaltning that is not one of the queue's choices (an old
    or hand-made address): the queue is shown without it, and the page says so at the field.

    ``forvaltning_id`` is the form's reading of Förvaltning: None when the value was no id at all.
    """
    unknown = {}
    if typed.get("system") and not found_system:
        unknown["system"] = gettext("Välj ett system i listan.")
    if typed.get("status") and typed["status"] not in QUEUE_STATUSES:
        unknown["status"] = gettext("Välj en status i listan.")
    if typed.get("forvaltning") and forvaltning_id not in forvaltning_ids:
        unknown["forvaltning"] = gettext("Välj en förvaltning i listan.")
    return unknown


def _without_personnummer(db, args: dict[str, str]):
    """A personnummer never stays in the address: the queue again, by the person's VGR-ID (or without the
    person, and told so, when nobody in KiV has it); one typed into another field is left out, and told."""
    others = [k for k, v in args.items() if k != "person" and contains_personnummer(v)]
    for name in others:
        args.pop(name)
    if others:
        flash(gettext("Ett personnummer kan bara sökas i fältet Person."), "error")
    if contains_personnummer(args.get("person", "")):
        try:
            vgr_id = vgr_id_of_personnummer(db, args["person"], "person")
        except ValidationFailed:
            vgr_id = None
        if vgr_id is None:
            flash(gettext("Ingen person med detta personnummer finns i KiV."), "error")
            args.pop("person")
        else:
            args["person"] = vgr_id
    return redirect(url_for("servicedesk.queue", **args), 303)


def _order(number: str):
    """The order (404 if none); the route rule already limits these pages to Service Desk, who see every order."""
    return order_or_abort(number, None)


def _render(order, *, errors=None, typed=None, message: str = "", status: int = 200):
    db = get_session()
    history = fulfilment_queries.order_history(db, order, page_number())
    # A typed komplettering message shown again after an error is masked as the service would store it.
    return render_template(
        "servicedesk/order.html", **fulfilment_context(order), history=history, audit_label=audit_label,
        line_labels=LINE_STATUS_LABELS, errors=errors or {},
        typed=typed or {}, message=mask_free_text(message), can_fulfil=authz.may_fulfil(current_actor(), order),
    ), status


@bp.get("/<number>")
@requires("fulfil")
def order(number: str):
    """One order: lines with Utförd and feedback fields, Begär komplettering, history."""
    return _render(_order(number))


@bp.post("/<number>/rad/<int:line_id>")
@requires("fulfil")
def line_done(number: str, line_id: int):
    """Utförd: one line is carried out; its feedback (Login, Lösenord) goes to the orderer."""
    order = _order(number)
    prefix = f"line{line_id}."
    line = next((candidate for candidate in order.lines if candidate.id == line_id), None)
    item = runtime().registry.get(line.item_key) if line is not None and line.item_key else None
    multiline = {spec.name for spec in (item.feedback_for(order.kind) if item else ()) if spec.type == "textarea"}
    # The line's feedback fields as posted, each checked by the input layer before the item's own rules.
    form = runtime_form({name: TextAreaField() if name[len(prefix):] in multiline else StringField()
                         for name in posted_names(prefix)})
    typed = {field.name[len(prefix):]: field.data or "" for field in form}
    try:
        if not form.validate():
            raise ValidationFailed(field_errors(form))
        completed = fulfilment.mark_line_done(get_session(), runtime(), current_actor(), order, line_id, typed)
    except ValidationFailed as failed:
        errors, kept = _without_secrets(order, line_id, typed, failed.errors)
        return _render(order, errors=errors, typed={line_id: kept}, status=400)
    flash(gettext("Beställning %(number)s är utförd och avslutad.", number=order.number) if completed
          else gettext("Raden är markerad som utförd."), "info")
    return redirect(url_for("servicedesk.queue") if completed else url_for("servicedesk.order", number=number))


def _without_secrets(order, line_id: int, typed: dict[str, str], errors: dict[str, str]):
    """(errors, typed values to show again): a secret (Lösenord) is never sent back to the browser.

    Every other typed value is kept; a typed secret is dropped and its field asks for it again.
    """
    line = next((candidate for candidate in order.lines if candidate.id == line_id), None)
    item = runtime().registry.get(line.item_key) if line is not None and line.item_key else None
    errors, kept = dict(errors), dict(typed)
    for spec in (item.feedback_for(order.kind) if item else ()):
        if not spec.secret:
            continue
        if (kept.pop(spec.name, "") or "").strip():
            errors.setdefault(f"line{line_id}.{spec.name}",
                              gettext("Skriv %(label)s igen. Av säkerhetsskäl visas det inte på nytt.",
                                      label=gettext(spec.label)))
    return errors, kept


@bp.post("/<number>/komplettering")
@requires("fulfil")
def komplettering(number: str):
    """Begär komplettering: the orderer is mailed and answers in the portal."""
    order = _order(number)
    form = KompletteringForm()
    message = form.message.data or ""
    if not form.validate():
        return _render(order, errors=field_errors(form), message=message, status=400)
    try:
        fulfilment.request_komplettering(get_session(), runtime(), current_actor(), order, message)
    except ValidationFailed as failed:
        return _render(order, errors=failed.errors, message=message, status=400)
    flash(gettext("Komplettering är begärd för %(number)s. Beställaren har fått ett e-postmeddelande.",
                  number=order.number), "info")
    return redirect(url_for("servicedesk.queue"))
