"""Placing an order: validation of the wizard's lines and review, and create_order."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pluggy
from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import audit, authz
from ..authz import Actor
from ..catalogue import Catalogue, CatalogItem
from ..models import Delegation, Enhet, Forvaltning, HeldPermission, Omrade, Order, OrderLine, OrderStatus, Person, SCOPE_AREA
from .directory import has_active_engagement, held_permissions
from .errors import ValidationFailed

def _N(text: str) -> str:
    """Mark a label for translation; the template translates it when shown."""
    return text


KIND_LABELS = {"nyupplagg": _N("Nyupplägg"), "forandring": _N("Förändring"), "avslut": _N("Avslut")}
FORBIDDEN_PHRASE = "alla behörigheter"
ORDER_NUMBER_OFFSET = 100000


@dataclass
class LineInput:
    """One wanted line: a catalogue item with values, a held permission (Förändring/Avslut), or free text."""

    item_key: str | None
    values: dict[str, str] = field(default_factory=dict)
    held_permission_id: int | None = None
    free_text: str | None = None

    def to_dict(self) -> dict:
        """Plain form for the wizard's session draft."""
        return {"item_key": self.item_key, "values": self.values,
                "held_permission_id": self.held_permission_id, "free_text": self.free_text}

    @classmethod
    def from_dict(cls, data: dict) -> "LineInput":
        """Inverse of to_dict."""
        return cls(data.get("item_key"), dict(data.get("values") or {}), data.get("held_permission_id"),
                   data.get("free_text"))


@dataclass
class ReviewInput:
    """Step 3 (Granska / Beställ): where the order belongs, attestant, dates, extras."""

    omrade_id: int | None
    enhet_id: int | None
    attestant_id: int | None
    start_date: str
    akut: bool = False
    tillaggsinformation: str = ""


def field_key(item_key: str, field_name: str) -> str:
    """The error/form key of one field of one item."""
    return f"{item_key}.{field_name}"


def check_item_values(item: CatalogItem, values: dict[str, str]) -> dict[str, str]:
    """Core checks of declared fields: required, allowed choices, length. Returns {key: message}."""
    errors: dict[str, str] = {}
    for spec in item.fields:
        value = (values.get(spec.name) or "").strip()
        key = field_key(item.key, spec.name)
        if spec.required and not value:
            errors[key] = f"Fyll i {spec.label} för {item.name}." if spec.type != "select" else \
                f"Välj {spec.label} för {item.name}."
        elif value and spec.choices and value not in {c[0] for c in spec.choices}:
            errors[key] = f"{spec.label} \u201d{value}\u201d finns inte för {item.name}. Välj ett av alternativen i listan."
        elif len(value) > spec.max_length:
            errors[key] = f"{spec.label} får vara högst {spec.max_length} tecken."
    return errors


def validate_lines(
    session: Session, catalogue: Catalogue, pm: pluggy.PluginManager, *, end_user: Person,
    forvaltning: Forvaltning, kind: str, lines: list[LineInput], today: date, require_some: bool = True,
) -> dict[str, str]:
    """Check the wanted lines for the order kind; returns field key -> Swedish message."""
    errors: dict[str, str] = {}
    if kind not in KIND_LABELS:
        return {"kind": "Välj Nyupplägg, Förändring eller Avslut."}
    if kind != "avslut" and not has_active_engagement(end_user, today):
        return {"kind": "Användaren har inget aktivt engagemang i KiV. Endast Avslut kan väljas."}
    if require_some and not lines:
        return {"lines": "Beställningen innehåller inga behörigheter. Välj minst en behörighet."}
    held = {h.id: h for h in held_permissions(session, end_user.id, today)}
    held_keys = {h.item_key for h in held.values()}
    for line in lines:
        if line.free_text is not None:
            errors.update(_check_free_text(kind, line.free_text))
            continue
        item = catalogue.get(line.item_key or "")
        if item is None or item.catalogue != "lr" or not item.offered_in(forvaltning.code) or kind not in item.kinds:
            errors["lines"] = "En vald behörighet kan inte beställas här. Ta bort den och välj på nytt."
            continue
        if kind == "nyupplagg" and item.key in held_keys:
            errors[field_key(item.key, "_item")] = (
                f"Användaren har redan behörighet till {item.name}. Välj Förändring i stället.")
            continue
        if kind in ("forandring", "avslut"):
            permission = held.get(line.held_permission_id or -1)
            if permission is None or permission.item_key != item.key:
                errors[field_key(item.key, "_item")] = f"Användaren har ingen aktiv behörighet till {item.name}."
                continue
        if kind == "avslut":
            continue  # an Avslut ends what is held; there is nothing to fill in
        item_errors = check_item_values(item, line.values)
        if not item_errors:
            answer = pm.hook.beh_validate_line(item=item, values=line.values, kind=kind, end_user=end_user,
                                               session=session)
            item_errors = {field_key(item.key, k): v for k, v in (answer or {}).items()}
        errors.update(item_errors)
    return errors


def _check_free_text(kind: str, text: str) -> dict[str, str]:
    if kind != "avslut":
        return {"free_text": "Fritext kan bara anges vid Avslut."}
    value = text.strip()
    if not value:
        return {"free_text": "Ange i fritext tydligt vilka behörigheter som ska avslutas."}
    if FORBIDDEN_PHRASE in value.lower():
        return {"free_text": 'Använd inte frasen "Alla behörigheter". Ange tydligt vilka behörigheter som ska avslutas.'}
    if len(value) > 2000:
        return {"free_text": "Fritexten får vara högst 2000 tecken."}
    return {}


def attestants_for(session: Session, omrade_id: int, enhet_id: int | None, today: date,
                   exclude: tuple[int, ...] = ()) -> list[Person]:
    """Persons with an active L/R attestant delegation for the område (and verksamhet).

    ``exclude`` holds the order's end user and orderer: nobody attests an order for themself,
    and the orderer never approves their own order (four eyes).
    """
    stmt = (
        select(Person).join(Delegation, Delegation.person_id == Person.id).where(
            Delegation.scope == SCOPE_AREA, Delegation.is_attestant.is_(True), Delegation.omrade_id == omrade_id,
            Delegation.valid_from <= today, Delegation.valid_to >= today,
        )
    )
    if enhet_id:
        stmt = stmt.where((Delegation.enhet_id.is_(None)) | (Delegation.enhet_id == enhet_id))
    if exclude:
        stmt = stmt.where(Person.id.not_in(exclude))
    return list(session.scalars(stmt.distinct().order_by(Person.last_name, Person.first_name)))


def orderable_omraden(session: Session, actor: Actor, forvaltning_id: int) -> list[Omrade]:
    """Områden of the förvaltning where the actor holds an active beställare delegation."""
    ids = {o for f, o in authz.orderable_scopes(actor) if f == forvaltning_id}
    if not ids:
        return []
    return list(session.scalars(select(Omrade).where(Omrade.id.in_(ids)).order_by(Omrade.name)))


def orderable_forvaltningar(session: Session, actor: Actor) -> list[Forvaltning]:
    """Förvaltningar where the actor may order (Välj förvaltning)."""
    ids = {f for f, _ in authz.orderable_scopes(actor)}
    if not ids:
        return []
    return list(session.scalars(select(Forvaltning).where(Forvaltning.id.in_(ids)).order_by(Forvaltning.name)))


def validate_review(session: Session, catalogue: Catalogue, actor: Actor, *, end_user: Person,
                    forvaltning: Forvaltning, kind: str, lines: list[LineInput], review: ReviewInput,
                    today: date) -> dict[str, str]:
    """Check step 3: område -> verksamhet -> attestant, startdatum, akut."""
    errors: dict[str, str] = {}
    omrade = session.get(Omrade, review.omrade_id) if review.omrade_id else None
    if omrade is None or omrade.forvaltning_id != forvaltning.id:
        errors["omrade_id"] = "Välj område."
    elif not authz.may_order_in(actor, forvaltning.id, omrade.id):
        errors["omrade_id"] = "Du har ingen beställardelegering för detta område."
    enhet = session.get(Enhet, review.enhet_id) if review.enhet_id else None
    if "omrade_id" not in errors and (enhet is None or enhet.omrade_id != omrade.id):
        errors["enhet_id"] = "Välj verksamhet."
    if not errors:
        allowed = {p.id for p in attestants_for(session, omrade.id, enhet.id, today, (end_user.id, actor.id))}
        if review.attestant_id not in allowed:
            errors["attestant_id"] = "Välj attestant i listan."
    elif not review.attestant_id:
        errors["attestant_id"] = "Välj attestant i listan."
    start = parse_date(review.start_date)
    if not (review.start_date or "").strip():
        errors["start_date"] = "Ange startdatum."
    elif start is None:
        errors["start_date"] = "Ange startdatum enligt formatet ÅÅÅÅ-MM-DD."
    elif start < today:
        errors["start_date"] = "Startdatum kan inte vara tidigare än dagens datum."
    if review.akut:
        items = [catalogue.get(line.item_key or "") for line in lines]
        if not any(item and item.akut for item in items):
            errors["akut"] = ("Akut kan bara väljas när beställningen innehåller ett vård- eller journalsystem, "
                              "till exempel Melior, Asynja Visph eller ELVIS.")
    if len(review.tillaggsinformation or "") > 2000:
        errors["tillaggsinformation"] = "Tilläggsinformation får vara högst 2000 tecken."
    return errors


def parse_date(text: str | None) -> date | None:
    """Parse ÅÅÅÅ-MM-DD, or None."""
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        return None


def create_order(
    session: Session, actor: Actor, catalogue: Catalogue, pm: pluggy.PluginManager, *, end_user_id: int,
    forvaltning_id: int, kind: str, lines: list[LineInput], review: ReviewInput, today: date | None = None,
) -> Order:
    """Validate everything again and create the order in one transaction with one audit event.

    Raises Forbidden or ValidationFailed; on failure nothing is saved.
    """
    today = today or actor.today
    authz.require(authz.may_order(actor, "lr"), "Du har ingen aktiv delegering som beställare.")
    end_user = session.get(Person, end_user_id)
    forvaltning = session.get(Forvaltning, forvaltning_id)
    if end_user is None or forvaltning is None:
        raise ValidationFailed({"lines": "Beställningen är ofullständig. Börja om från steg 1."})
    authz.require(authz.may_order_in(actor, forvaltning.id), "Du får inte beställa i denna förvaltning.")
    errors = validate_lines(session, catalogue, pm, end_user=end_user, forvaltning=forvaltning, kind=kind,
                            lines=lines, today=today)
    errors.update(validate_review(session, catalogue, actor, end_user=end_user, forvaltning=forvaltning,
                                  kind=kind, lines=lines, review=review, today=today))
    if errors:
        raise ValidationFailed(errors)
    order = Order(
        catalogue="lr", kind=kind, status=OrderStatus.VANTAR_PA_ATTEST.value, orderer_id=actor.id,
        end_user_id=end_user.id, attestant_id=review.attestant_id, forvaltning_id=forvaltning.id,
        omrade_id=review.omrade_id, enhet_id=review.enhet_id, start_date=parse_date(review.start_date),
        akut=review.akut,
        tillaggsinformation=(review.tillaggsinformation or "").strip() or None if kind == "forandring" else None,
    )
    for position, line in enumerate(lines):
        order.lines.append(_order_line(catalogue, line, position, session))
    session.add(order)
    session.flush()
    order.number = f"c{ORDER_NUMBER_OFFSET + order.id}"
    audit.record(session, actor.person, "order.created", "order", order.number, kind=kind,
                 end_user=end_user.vgr_id, attestant_id=order.attestant_id, lines=len(order.lines), akut=order.akut)
    from .fulfilment import on_order_created

    on_order_created(session, order)  # the attestant's mail, in this transaction
    session.commit()
    return order


def _order_line(catalogue: Catalogue, line: LineInput, position: int, session: Session) -> OrderLine:
    if line.free_text is not None:
        return OrderLine(position=position, item_key=None, item_name="Fritext", scope="free",
                         free_text=line.free_text.strip(), values={})
    item = catalogue.get(line.item_key)
    values = {f.name: (line.values.get(f.name) or "").strip() for f in item.fields}
    if line.held_permission_id:
        held = session.get(HeldPermission, line.held_permission_id)
        if held is not None and not any(values.values()):
            values = dict(held.details)
    return OrderLine(position=position, item_key=item.key, item_name=item.name, scope=item.scope,
                     values=values, held_permission_id=line.held_permission_id)
