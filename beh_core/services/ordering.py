"""Placing an order in any catalogue: the lines, the place, the attest steps, dates and order fields.

``validate_lines`` checks what step 2 of a flow chose; ``validate_order`` checks a
whole ``OrderRequest``; ``create_order`` / ``create_orders`` validate again and
save in one transaction with one audit event per order, the attestant's mail, and
the consumed draft (a draft is turned into orders exactly once). The event
``order.created`` fires after the commit.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import select, text, update
from sqlalchemy.orm import Session, joinedload
from sqlalchemy.orm.attributes import set_committed_value

from .. import audit, authz, iso_dates
from ..log_masking import mask_free_text
from ..authz import Actor
from ..catalogue import AVSLUT, FORANDRING, NYUPPLAGG, AttestStep, CatalogItem, Catalogue
from ..labels import KIND_LABELS
from ..models import (STEP_LATER, STEP_WAITING, Enhet, Forvaltning, HeldPermission, Omrade, Order,
                      OrderAttestStep, OrderDraft, OrderLine, OrderStatus, Person, utcnow)
from . import attest_rules, events, mail
from .directory import has_engagement_for
from .directory_bulk import chunks
from .directory_api import Directory, ForvaltningInfo, PersonInfo, held_info
from ..messages import Message, N_, join, label
from .errors import Conflict, ValidationFailed
from .order_fields import check_values, item_fields, order_fields, shown, without_personnummer
from .order_info import LineInfo, OrderContext, OrderInfo
from .ordering_batch import Batch, held_today, prefetch
from .pending import pending_lines

if TYPE_CHECKING:
    from ..runtime import Runtime

FORBIDDEN_PHRASE = "alla behörigheter"
ORDER_NUMBER_OFFSET = 100000
FREE_TEXT_MAX = 2000
NO_LINES = N_("Beställningen innehåller inga behörigheter. Välj minst en behörighet.")
INCOMPLETE = N_("Beställningen är ofullständig. Börja om från steg 1.")
START_TOO_LATE = N_("Startdatum kan vara högst ett år fram i tiden.")


def kind_choice_message(kind_labels: list[str]) -> Message:
    """The message asking for one of the catalogue's kinds ("Välj Nyupplägg, Förändring eller Avslut.")."""
    if len(kind_labels) == 1:
        return N_("Välj %(kind)s.", kind=label(kind_labels[0]))
    return N_("Välj %(kinds)s eller %(last)s.", kinds=join((label(k) for k in kind_labels[:-1]), ", "),
              last=label(kind_labels[-1]))


@dataclass
class LineInput:
    """One wanted line: an item (at a scope) with values, a held permission (Förändring/Avslut), or free text.

    ``unknown`` holds posted values for fields the item does not declare (a forged or stale form).
    """

    item_key: str | None
    values: dict[str, str] = field(default_factory=dict)
    held_permission_id: int | None = None
    free_text: str | None = None
    scope_key: str = ""
    page: str = ""
    unknown: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict:
        """Plain form for the server-side draft."""
        return {"item_key": self.item_key, "values": self.values, "held_permission_id": self.held_permission_id,
                "free_text": self.free_text, "scope_key": self.scope_key, "page": self.page, "unknown": self.unknown}

    @classmethod
    def from_dict(cls, data: dict) -> "LineInput":
        """Inverse of to_dict."""
        return cls(data.get("item_key"), dict(data.get("values") or {}), data.get("held_permission_id"),
                   data.get("free_text"), data.get("scope_key") or "", data.get("page") or "",
                   dict(data.get("unknown") or {}))


@dataclass
class OrderRequest:
    """Everything one order needs, as typed: catalogue, kind, end user, place, lines, attestants, dates, fields.

    :param attestants: attest step key -> the attestant the beställare chose (steps the orderer chooses).
    """

    catalogue: str
    kind: str
    end_user_id: int
    lines: list[LineInput]
    forvaltning_id: int | None = None
    omrade_id: int | None = None
    enhet_id: int | None = None
    attestants: dict[str, int | None] = field(default_factory=dict)
    start_date: str = ""
    end_date: str = ""
    akut: bool = False
    fields: dict[str, str] = field(default_factory=dict)


def field_key(item_key: str, field_name: str, scope_key: str = "") -> str:
    """The error/form key of one field of one line."""
    return f"{item_key}{'@' + scope_key if scope_key else ''}.{field_name}"


def parse_date(text: str | None) -> date | None:
    """Parse ÅÅÅÅ-MM-DD, or None (no other form of a date: see beh_core.iso_dates)."""
    return iso_dates.parse_date(text)


def order_context(session: Session, actor: Actor, catalogue: str, kind: str, end_user: Person,
                  forvaltning: Forvaltning | None, today: date) -> OrderContext:
    """The context plugins get while an order is put together."""
    return OrderContext(catalogue, kind, PersonInfo.of(end_user),
                        ForvaltningInfo(forvaltning.id, forvaltning.code, forvaltning.name) if forvaltning else None,
                        PersonInfo.of(actor.person), today, Directory(session, today))


# --- Lines ------------------------------------------------------------------------

def validate_lines(session: Session, rt: "Runtime", actor: Actor, *, catalogue: Catalogue, end_user: Person,
                   forvaltning: Forvaltning | None, kind: str, lines: list[LineInput], today: date,
                   require_some: bool = True, batch: Batch | None = None) -> dict[str, str]:
    """Check the wanted lines for the order kind; returns field key -> Swedish message.

    ``batch``: the held permissions and unfinished lines prefetched for a mass order (``create_orders``).
    """
    if kind not in catalogue.kinds or kind not in KIND_LABELS:
        return {"kind": kind_choice_message([KIND_LABELS[k] for k in catalogue.kinds])}
    if kind != AVSLUT and not has_engagement_for(end_user, today, coming=catalogue.coming_engagements):
        if AVSLUT not in catalogue.kinds:
            return {"kind": N_("Användaren har inget aktivt eller kommande engagemang i KiV.")
                    if catalogue.coming_engagements else N_("Användaren har inget aktivt engagemang i KiV.")}
        return {"kind": N_("Användaren har inget aktivt engagemang i KiV. Endast Avslut kan väljas.")}
    if require_some and not lines:
        return {"lines": NO_LINES}
    context = order_context(session, actor, catalogue.key, kind, end_user, forvaltning, today)
    if batch is not None:
        held = {h.id: h for h in held_today(batch, end_user.id, today)}
        pending = batch.pending.get(end_user.id, {})
    else:
        held = {h.id: h for h in session.scalars(select(HeldPermission).where(
            HeldPermission.person_id == end_user.id, HeldPermission.ended_at.is_(None)))
            if h.is_held(today)}
        pending = pending_lines(session, end_user.id)
    held_scopes = {(h.item_key, h.scope_key or "") for h in held.values()}
    errors: dict[str, str] = {}
    seen: set[tuple] = set()
    for line in lines:
        if line.free_text is not None:
            errors.update(_check_free_text(catalogue, kind, line))
            continue
        item = rt.registry.get(line.item_key)
        if (item is None or item.catalogue != catalogue.key or kind not in item.kinds
                or (forvaltning is not None and not item.offered_in(forvaltning.code))):
            errors["lines"] = N_("En vald behörighet kan inte beställas här. Ta bort den och välj på nytt.")
            continue
        scope_key = line_scope(item, line, forvaltning, held.get(line.held_permission_id or -1))
        item_key = field_key(item.key, "_item", line.scope_key)
        if (item.key, scope_key, line.held_permission_id) in seen:
            errors[item_key] = N_("%(item)s är vald två gånger. Ta bort den ena.", item=item.name)
            continue
        seen.add((item.key, scope_key, line.held_permission_id))
        permission = held.get(line.held_permission_id or -1)
        problem = _line_state_problem(item, kind, scope_key, permission, held_scopes, pending, line)
        if batch is not None and not problem:
            # Two requests of one batch for the same thing: the second is refused (nothing is flushed between).
            wanted = (end_user.id, item.key, scope_key, line.held_permission_id if kind != NYUPPLAGG else None)
            if wanted in batch.ordered:
                problem = N_("%(item)s är vald två gånger. Ta bort den ena.", item=item.name)
            batch.ordered.add(wanted)
        if problem:
            errors[item_key] = problem
            continue
        if kind == AVSLUT:
            continue  # an Avslut ends what is held; there is nothing to fill in
        errors.update(_check_line_values(rt, item, line, line.scope_key, context,
                                         held_info(permission) if permission else None))
    if catalogue.delegation == "enhet" and len({line.scope_key for line in lines if line.item_key}) > 1:
        # The order is attested by the U attestant of one vårdenhet: lines at two have no attestant (Granska
        # showed an empty Vårdenhet with nothing to choose). Told here, at the page where they were ticked.
        errors.setdefault("lines", N_("Välj uppdrag vid en vårdenhet i taget. En beställning gäller en vårdenhet; "
                                      "beställ för nästa vårdenhet i en ny beställning."))
    return errors


def line_scope(item: CatalogItem, line: LineInput, forvaltning: Forvaltning | None,
               permission: HeldPermission | None) -> str:
    """Where the line applies: the held permission's scope, the chosen scope, or the förvaltning of a local item."""
    if permission is not None:
        return permission.scope_key or ""
    if line.scope_key:
        return line.scope_key
    return str(forvaltning.id) if item.is_local and forvaltning is not None else ""


def _line_state_problem(item: CatalogItem, kind: str, scope_key: str, permission: HeldPermission | None,
                        held_scopes: set, pending: dict, line: LineInput) -> Message | None:
    if kind == NYUPPLAGG:
        if (item.key, scope_key) in held_scopes:
            if FORANDRING in item.kinds:
                return N_("Användaren har redan behörighet till %(item)s. Välj Förändring i stället.", item=item.name)
            return N_("Användaren har redan behörighet till %(item)s.", item=item.name)  # no Förändring to point to
        number = pending.get((item.key, scope_key))
        if number:
            return N_("%(item)s är redan beställd för användaren och inte klar (%(number)s).", item=item.name,
                      number=number)
        return None
    if permission is None or permission.item_key != item.key:
        return N_("Användaren har ingen aktiv behörighet till %(item)s.", item=item.name)
    number = pending.get(("held", permission.id))
    if number:
        return N_("%(item)s har redan en beställning som inte är klar (%(number)s).", item=item.name, number=number)
    return None


def _check_line_values(rt: "Runtime", item: CatalogItem, line: LineInput, scope_key: str, context: OrderContext,
                       held) -> dict[str, str]:
    fields = item_fields(rt, item, context, held)
    key = lambda name: field_key(item.key, name, scope_key)  # noqa: E731
    errors = check_values(fields, line.values, key=key, where=item.name)
    if errors:
        return errors
    answer = rt.plugins.call_owner(item.owner, "beh_validate_line", item=item, values=dict(line.values),
                                   unknown=dict(line.unknown), context=context, held=held) or {}
    errors = {key(name): message for name, message in answer.items()}
    if line.unknown and not answer:  # the owner said nothing about them: refused here
        errors[field_key(item.key, "_item", scope_key)] = N_(
            "Formuläret innehåller ett fält som inte finns för %(item)s. Ladda om sidan.", item=item.name)
    return errors


def _check_free_text(catalogue: Catalogue, kind: str, line: LineInput) -> dict[str, str]:
    page = catalogue.page(line.page)
    if kind != AVSLUT or page is None or not page.free_text_avslut:
        return {"free_text": N_("Fritext kan bara anges vid Avslut.")}
    value = (line.free_text or "").strip()
    if not value:
        return {"free_text": N_("Ange i fritext tydligt vilka behörigheter som ska avslutas.")}
    if FORBIDDEN_PHRASE in value.lower():
        return {"free_text": N_('Använd inte frasen "Alla behörigheter". Ange tydligt vilka behörigheter som ska '
                                'avslutas.')}
    if len(value) > FREE_TEXT_MAX:
        return {"free_text": N_("Fritexten får vara högst %(max)s tecken.", max=FREE_TEXT_MAX)}
    return {}


# --- The whole order --------------------------------------------------------------

@dataclass
class Prepared:
    """A validated request: the objects and values create_order saves."""

    catalogue: Catalogue
    end_user: Person
    forvaltning: Forvaltning
    omrade: Omrade
    enhet: Enhet
    start: date
    end: date | None
    fields: dict[str, str]
    fields_shown: list
    steps: list[tuple[AttestStep, Person]]
    lines: list[OrderLine]


def validate_order(session: Session, rt: "Runtime", actor: Actor, request: OrderRequest,
                   today: date | None = None, batch: Batch | None = None) -> tuple[dict[str, str], Prepared | None]:
    """Check a whole order as the beställare sent it; returns (errors, prepared). Raises Forbidden.

    ``batch``: what the requests of one mass order share, prefetched (``create_orders``).
    """
    today = today or actor.today
    catalogue = rt.registry.catalogue(request.catalogue)
    authz.require(catalogue is not None and authz.may_order(actor, catalogue),
                  N_("Du har ingen aktiv delegering som beställare."))
    if batch is not None and request.end_user_id in batch.persons:
        end_user = batch.persons[request.end_user_id]
    else:
        end_user = session.get(Person, request.end_user_id) if request.end_user_id else None
    if end_user is None:
        return {"lines": INCOMPLETE}, None
    errors: dict[str, str] = {}
    if batch is not None:
        where = (catalogue.key, request.forvaltning_id, request.omrade_id, request.enhet_id)
        if where not in batch.places:
            found: dict[str, str] = {}
            batch.places[where] = (*_place(session, actor, catalogue, request, found), found)
        forvaltning, omrade, enhet, found = batch.places[where]
        errors.update(found)
    else:
        forvaltning, omrade, enhet = _place(session, actor, catalogue, request, errors)
    errors.update(validate_lines(session, rt, actor, catalogue=catalogue, end_user=end_user,
                                 forvaltning=forvaltning if catalogue.delegation != "enhet" else None,
                                 kind=request.kind, lines=request.lines, today=today, batch=batch))
    place_and_lines_ok = not errors
    start, end = _dates(catalogue, request, today, errors)
    context = order_context(session, actor, catalogue.key, request.kind, end_user, forvaltning, today)
    resolved = order_fields(rt, catalogue, context)
    values = {f.name: (request.fields.get(f.name) or "").strip() for f in resolved}
    errors.update(check_values(resolved, values))
    values = without_personnummer(resolved, values)  # checked as typed, kept as the order keeps text
    _check_akut(rt, catalogue, request, errors)
    if errors and place_and_lines_ok:
        # Only dates, order fields or Akut are wrong: the attestants of the delegation steps are told too, so
        # one Skicka shows every field's problem (their candidates do not depend on those values).
        lines = [_order_line(session, rt, request, line, position, forvaltning, context)
                 for position, line in enumerate(request.lines)]
        info = _draft_info(actor, end_user, catalogue, request, forvaltning, omrade, enhet, start or today, end,
                           values, lines)
        _steps(session, rt, catalogue, request, info, today, errors, batch=batch, rules=("area", "unit"))
    if errors:
        return errors, None
    lines = [_order_line(session, rt, request, line, position, forvaltning, context)
             for position, line in enumerate(request.lines)]
    answer = rt.plugins.call_owner(catalogue.owner, "beh_validate_order", catalogue=catalogue, values=dict(values),
                                   lines=[LineInfo.of(line) for line in lines], context=context) or {}
    errors.update(answer)
    info = _draft_info(actor, end_user, catalogue, request, forvaltning, omrade, enhet, start, end, values, lines)
    steps = _steps(session, rt, catalogue, request, info, today, errors, batch=batch)
    if errors:
        return errors, None
    return {}, Prepared(catalogue, end_user, forvaltning, omrade, enhet, start, end, values,
                        shown(resolved, values), steps, lines)


def _place(session: Session, actor: Actor, catalogue: Catalogue, request: OrderRequest, errors: dict):
    """(förvaltning, område, verksamhet) of the order, checked against the beställare's delegations."""
    enhet = session.scalar(select(Enhet).where(Enhet.id == request.enhet_id).options(
        joinedload(Enhet.omrade).joinedload(Omrade.forvaltning))) if request.enhet_id else None
    if catalogue.delegation == "enhet":
        if enhet is None:
            errors["enhet_id"] = N_("Välj vårdenhet.")
            return None, None, None
        if not authz.may_order_at(actor, catalogue, enhet.omrade.forvaltning_id, enhet.omrade_id, enhet.id):
            errors["enhet_id"] = N_("Du har ingen beställardelegering för denna vårdenhet.")
        return enhet.omrade.forvaltning, enhet.omrade, enhet
    forvaltning = session.get(Forvaltning, request.forvaltning_id) if request.forvaltning_id else None
    if forvaltning is None or not authz.may_order_in(actor, forvaltning.id):
        authz.require(forvaltning is None, N_("Du får inte beställa i denna förvaltning."))
        errors["lines"] = INCOMPLETE
        return None, None, None
    omrade = session.get(Omrade, request.omrade_id) if request.omrade_id else None
    if omrade is None or omrade.forvaltning_id != forvaltning.id:
        errors["omrade_id"] = N_("Välj område.")
        return forvaltning, None, None
    if not authz.may_order_in(actor, forvaltning.id, omrade.id):
        errors["omrade_id"] = N_("Du har ingen beställardelegering för detta område.")
        return forvaltning, None, None
    if enhet is None or enhet.omrade_id != omrade.id:
        errors["enhet_id"] = N_("Välj verksamhet.")
        return forvaltning, omrade, None
    if not authz.may_order_at(actor, catalogue, forvaltning.id, omrade.id, enhet.id):
        errors["enhet_id"] = N_("Du har ingen beställardelegering för denna verksamhet.")
    return forvaltning, omrade, enhet


def _dates(catalogue: Catalogue, request: OrderRequest, today: date, errors: dict) -> tuple[date | None, date | None]:
    start = parse_date(request.start_date)
    if not (request.start_date or "").strip():
        errors["start_date"] = N_("Ange startdatum.")
    elif start is None:
        errors["start_date"] = N_("Ange startdatum enligt formatet ÅÅÅÅ-MM-DD.")
    elif start < today:
        errors["start_date"] = N_("Startdatum kan inte vara tidigare än dagens datum.")
    elif start > iso_dates.latest_start(today):
        errors["start_date"] = START_TOO_LATE
    end = parse_date(request.end_date)
    if (request.end_date or "").strip():
        if not catalogue.end_date:
            errors["end_date"] = N_("Slutdatum kan inte anges för denna beställning.")
        elif end is None:
            errors["end_date"] = N_("Ange slutdatum enligt formatet ÅÅÅÅ-MM-DD.")
        elif start is not None and end < start:
            errors["end_date"] = N_("Slutdatum kan inte vara tidigare än startdatum.")
    return start, end


def _check_akut(rt: "Runtime", catalogue: Catalogue, request: OrderRequest, errors: dict) -> None:
    if not request.akut:
        return
    items = [rt.registry.get(line.item_key) for line in request.lines]
    if not catalogue.akut or not any(item and item.akut for item in items):
        examples = [item.name for item in rt.registry.items_of(catalogue.key) if item.akut][:3]
        if len(examples) > 1:
            errors["akut"] = N_("Akut kan bara väljas när beställningen innehåller ett vård- eller journalsystem, "
                                "till exempel %(systems)s eller %(last)s.", systems=", ".join(examples[:-1]),
                                last=examples[-1])
        elif examples:
            errors["akut"] = N_("Akut kan bara väljas när beställningen innehåller ett vård- eller journalsystem, "
                                "till exempel %(system)s.", system=examples[0])
        else:
            errors["akut"] = N_("Akut kan bara väljas när beställningen innehåller ett vård- eller journalsystem.")


def _order_line(session: Session, rt: "Runtime", request: OrderRequest, line: LineInput, position: int,
                forvaltning: Forvaltning | None, context: OrderContext) -> OrderLine:
    if line.free_text is not None:
        return OrderLine(position=position, item_key=None, item_name="Fritext", scope=line.page or "free",
                         free_text=mask_free_text(line.free_text.strip()), values={}, shown=[])  # no personnummer kept
    item = rt.registry.get(line.item_key)
    held = session.get(HeldPermission, line.held_permission_id) if line.held_permission_id else None
    if request.kind == AVSLUT:
        values, pairs = dict(held.details or {}) if held else {}, list(held.shown or []) if held else []
    else:
        fields = item_fields(rt, item, context, held_info(held) if held else None)
        values = {f.name: (line.values.get(f.name) or "").strip() for f in fields}
        if held is not None and not any(values.values()):
            values = dict(held.details or {})
        values = without_personnummer(fields, values)
        pairs = shown(fields, values)
    return OrderLine(position=position, item_key=item.key, item_name=item.name, scope=item.page,
                     scope_key=line_scope(item, line, forvaltning, held), values=values, shown=pairs,
                     held_permission_id=line.held_permission_id)


def _draft_info(actor, end_user, catalogue, request, forvaltning, omrade, enhet, start, end, values, lines) -> OrderInfo:
    """The order as it will be, for plugin attest rules asked before it exists."""
    return OrderInfo(None, None, catalogue.key, request.kind, OrderStatus.VANTAR_PA_ATTEST.value,
                     PersonInfo.of(actor.person), PersonInfo.of(end_user), None, forvaltning.id,
                     omrade.id if omrade else None, enhet.id if enhet else None, start, end, bool(request.akut),
                     dict(values), tuple(LineInfo.of(line) for line in lines))


def _steps(session: Session, rt: "Runtime", catalogue: Catalogue, request: OrderRequest, info: OrderInfo,
           today: date, errors: dict, batch: Batch | None = None,
           rules: tuple[str, ...] | None = None) -> list[tuple[AttestStep, Person]]:
    """The attestant of every step (only the steps of ``rules``, when given): chosen by the beställare among
    the candidates, or the single candidate.

    In a batch the candidates of an area/unit step are looked up once per place (the plugin rule may
    depend on the order, so it is asked every time).
    """
    chosen = []
    for position, step in enumerate(catalogue.attest_steps):
        if rules is not None and step.rule not in rules:
            continue
        key = step_field(position)
        if batch is not None and step.rule in ("area", "unit"):
            where = (step.rule, info.omrade_id, info.enhet_id)
            if where not in batch.candidates:
                batch.candidates[where] = (
                    attest_rules.area_attestants(session, info.omrade_id, info.enhet_id, today)
                    if step.rule == "area" else attest_rules.unit_attestants(session, info.enhet_id, today))
            exclude = {info.end_user.id, info.orderer.id}
            people = [p for p in batch.candidates[where] if p.id not in exclude]
        else:
            people = attest_rules.candidates(session, rt, catalogue, step, info, today)
        wanted = request.attestants.get(step.key)
        person = next((p for p in people if p.id == wanted), None)
        if person is None and not step.chosen_by_orderer and len(people) == 1:
            person = people[0]
        if person is None:
            errors[key] = (N_("Det finns ingen som kan göra %(step)s för denna beställning.",
                              step=label(step.label).lower()) if not people
                           else N_("Välj attestant i listan."))
            continue
        chosen.append((step, person))
    return chosen


def step_field(position: int) -> str:
    """The form field (and error key) of the attestant of step ``position``: attestant_id, attestant_id_2, ..."""
    return "attestant_id" if position == 0 else f"attestant_id_{position + 1}"


# --- Saving -------------------------------------------------------------------------

class AlreadySubmitted(Conflict):
    """The draft was already turned into an order (a double click, another tab, a replayed form)."""

    def __init__(self, number: str, count: int = 1, last: str = "") -> None:
        super().__init__(N_("Beställningen är redan skickad. Ditt ordernummer är %(number)s.", number=number))
        self.number = number
        self.count = count
        self.last = last or number  # a mass order: the number of its last order


def _consume_draft(session: Session, draft: OrderDraft | None) -> None:
    """Take the draft's row (PostgreSQL row lock / SQLite write lock) while it is unused, else AlreadySubmitted."""
    if draft is None:
        return
    taken = session.execute(update(OrderDraft).where(OrderDraft.id == draft.id, OrderDraft.order_id.is_(None))
                            .values(updated_at=utcnow()).execution_options(synchronize_session=False)).rowcount
    if taken != 1:
        session.rollback()
        raise already_submitted(session, draft)


def already_submitted(session: Session, draft: OrderDraft) -> AlreadySubmitted:
    """The AlreadySubmitted of a draft that was sent (a double click, another tab, Back and Skicka again):
    the first and last of the orders made from it, so a second Skicka shows what the first one did."""
    row = session.execute(select(OrderDraft.order_id, OrderDraft.order_count).where(OrderDraft.id == draft.id)).first()
    if not row or not row.order_id:
        return AlreadySubmitted("", 1)
    # The draft's first order, and the orderer's next ones of the same catalogue (the draft's own name may
    # differ: a mass order's draft makes orders of the catalogue it orders from), made in one transaction.
    first_catalogue = select(Order.catalogue).where(Order.id == row.order_id).scalar_subquery()
    numbers = session.scalars(select(Order.number).where(
        Order.orderer_id == draft.person_id, Order.catalogue == first_catalogue, Order.id >= row.order_id)
        .order_by(Order.id).limit(max(1, row.order_count or 1))).all()
    return AlreadySubmitted(numbers[0] if numbers else "", row.order_count or 1, numbers[-1] if numbers else "")


# The advisory-lock space of "one order at a time per end user" (PostgreSQL's two-key advisory locks).
END_USER_LOCKS = 0x42454801


def _lock_end_users(session: Session, end_user_ids: list[int | None]) -> None:
    """Take the end users one order at a time until the commit, so the checks below see every order sent before.

    "An unfinished order for the same thing blocks a second one" is read, then written: two tabs sending
    the same order at once would both read "nothing unfinished" and both insert. The second now waits
    here until the first commits and then reads its order (READ COMMITTED: each statement sees what is
    committed). PostgreSQL: a transaction-scoped advisory lock per end user, taken in id order so two mass
    orders cannot deadlock; not the persons' rows, which the directory sync updates in its own order in one
    long transaction (an order would wait for the whole sync, or deadlock with it). SQLite: a no-op UPDATE of
    the same rows takes the database's write lock, which serializes the writers the same way (pysqlite
    begins the transaction at the first write, so the reads before it do not make the second writer fail).
    """
    ids = sorted({i for i in end_user_ids if i})
    if not ids:
        return
    if session.get_bind().dialect.name == "sqlite":
        for part in chunks(ids):
            session.execute(update(Person).where(Person.id.in_(part)).values(active=Person.active)
                            .execution_options(synchronize_session=False))
        return
    # One statement for a mass order's thousand persons; the subquery's order is the order the locks are taken.
    session.execute(text("SELECT count(pg_advisory_xact_lock(:space, id)) FROM "
                         "(SELECT unnest(CAST(:ids AS integer[])) AS id ORDER BY 1) AS ordered"),
                    {"space": END_USER_LOCKS, "ids": ids})


def create_order(session: Session, rt: "Runtime", actor: Actor, request: OrderRequest, *,
                 draft: OrderDraft | None = None, today: date | None = None) -> Order:
    """Validate everything again and create the order in one transaction with one audit event.

    Raises Forbidden, ValidationFailed or AlreadySubmitted; on failure nothing is saved.
    """
    return create_orders(session, rt, actor, [request], draft=draft, today=today)[0]


def create_orders(session: Session, rt: "Runtime", actor: Actor, requests: list[OrderRequest], *,
                  draft: OrderDraft | None = None, today: date | None = None, one_mail: bool = False,
                  attest_link: str = "/attest/alla") -> list[Order]:
    """Create several orders (a mass order) in ONE transaction: all or none. Events fire after the commit.

    A ValidationFailed for a mass order names the failing request: ``{"rad3.enhet_id": ...}`` style keys are
    the caller's business; here the errors of the first failing request are raised with ``index`` set.
    ``one_mail``: each attestant gets one mail listing their orders (linking to ``attest_link``) instead of
    one mail per order.
    """
    today = today or actor.today
    _consume_draft(session, draft)
    _lock_end_users(session, [r.end_user_id for r in requests])
    # A mass order: what the requests share is looked up once; nothing is flushed between the checks.
    batch = prefetch(session, (r.end_user_id for r in requests)) if len(requests) > 1 else None
    checked: list[Prepared] = []
    with session.no_autoflush:
        for index, request in enumerate(requests):
            errors, prepared = validate_order(session, rt, actor, request, today, batch=batch)
            if errors:
                session.rollback()
                failure = ValidationFailed(errors)
                failure.index = index
                raise failure
            checked.append(prepared)
    made = [_new_order(actor, request, prepared) for request, prepared in zip(requests, checked)]
    session.add_all(made)
    session.flush()  # one INSERT per table for the whole batch; the ids give the order numbers
    _numbered(session, rt, actor, made, checked, mail_attestant=not one_mail)
    if one_mail and made:
        mail.mail_attest_requests(session, rt, made, link_path=attest_link)
    if draft is not None:
        draft.order_id, draft.order_count = made[0].id, len(made)
        # Kept a few days so a second Skicka is told what the first made; what it holds is the order now,
        # and as in the order no personnummer stays in it (a fritext, a typed field).
        draft.data = _masked(draft.data)
        session.add(draft)
    session.commit()
    for order in made:
        events.fire(rt, events.ORDER_CREATED, order, actor)
    return made


def _masked(value):
    """A copy of draft data with every personnummer in its texts masked."""
    if isinstance(value, dict):
        return {key: _masked(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_masked(item) for item in value]
    return mask_free_text(value) if isinstance(value, str) else value


def _new_order(actor: Actor, request: OrderRequest, p: Prepared) -> Order:
    """The order, its lines and attest steps, as validated (not yet added to the session)."""
    order = Order(
        catalogue=p.catalogue.key, kind=request.kind, status=OrderStatus.VANTAR_PA_ATTEST.value,
        orderer_id=actor.id, end_user_id=p.end_user.id, attestant_id=p.steps[0][1].id,
        forvaltning_id=p.forvaltning.id, omrade_id=p.omrade.id, enhet_id=p.enhet.id, start_date=p.start,
        end_date=p.end, akut=bool(request.akut), fields=p.fields, fields_shown=p.fields_shown,
    )
    order.lines.extend(p.lines)
    for position, (step, person) in enumerate(p.steps):
        order.attest_steps.append(OrderAttestStep(position=position, key=step.key, label=step.label, rule=step.rule,
                                                  attestant_id=person.id,
                                                  status=STEP_WAITING if position == 0 else STEP_LATER))
    return order


def _numbered(session: Session, rt: "Runtime", actor: Actor, made: list[Order], checked: list[Prepared], *,
              mail_attestant: bool = True) -> None:
    """After the flush: the order numbers (one UPDATE by id for all), an audit event per order (one INSERT
    for all) and, unless one mail is sent, the attestant's mail of each order."""
    numbers = {order.id: f"c{ORDER_NUMBER_OFFSET + order.id}" for order in made}
    session.execute(update(Order), [{"id": order_id, "number": number} for order_id, number in numbers.items()])
    for order in made:
        set_committed_value(order, "number", numbers[order.id])
    audit.record_many(session, actor, "order.created", "order", [
        (order.number, {"catalogue": order.catalogue, "kind": order.kind, "end_user": p.end_user.vgr_id,
                        "attestant_id": order.attestant_id, "lines": len(order.lines), "akut": order.akut,
                        "steps": [s.key for s, _ in p.steps]})
        for order, p in zip(made, checked)])
    if mail_attestant:
        for order in made:
            mail.mail_attest_request(session, rt, order)  # the first attestant's mail, in this transaction
