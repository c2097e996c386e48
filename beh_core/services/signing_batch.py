"""Godkänn markerade: one signing window and one signature over a list of orders.

The attestant ticks several orders waiting for them (a mass order of Vårdmedarbetaruppdrag VMU,
say) and presses Godkänn markerade. ``prepare_many`` checks every order as a single Godkänn would
and stores one document in canonical form that lists them all (order number, catalogue, start
date, end user, the lines), bound to the attestant and a one-time nonce. ``submit_many`` records
the approvals only if the signature verifies over exactly those bytes with the logged-in
attestant's signing certificate, and the document still describes the orders as they are; then
the nonce, one signature row per order (the same document, signature and receipt) and every
approval are ONE transaction (``attest.decide_many``). A refused try uses the nonce up with one
audit event. Without signing (demo), ``attest.decide_many`` is called directly.
"""
from __future__ import annotations

import datetime as dt
import secrets
from typing import TYPE_CHECKING, Mapping

from sqlalchemy import select, update
from sqlalchemy.orm import Session, joinedload, selectinload

from siths import SithsError, build_receipt, canonical_document, verify_signed_document

from ..messages import N_
from .. import audit
from ..authz import Actor, Forbidden
from ..models import Order, utcnow
from ..models.signing import AttestSignature, AttestSigningBatch, as_utc
from . import attest as attest_ops
from .errors import Conflict, NotFound, ValidationFailed
from .siths_login import checked_chain, decode_signature, pki_settings
from .signing import _algorithm, _plain, ident_chain_pem, line_pairs

if TYPE_CHECKING:
    from ..runtime import Runtime

DOCUMENT_FORMAT = "beh-attest-batch/1"
MAX_ORDERS = 10_000


def batch_fields(orders: list[Order], attestant_hsa_id: str, *, nonce: str, at: dt.datetime) -> dict:
    """What the attestant signs: every order approved, with its lines (names and ids, no personnummer)."""
    return {
        "format": DOCUMENT_FORMAT,
        "beslut": "godkänd",
        "antal": len(orders),
        "bestallningar": [{
            "ordernummer": order.number, "katalog": order.catalogue,
            "attesteringssteg": order.current_step.label if order.current_step else "Attest",
            "startdatum": order.start_date.isoformat(),
            "slutdatum": order.end_date.isoformat() if order.end_date else None,
            "slutanvandare": order.end_user.display,
            "rader": [{"behorighet": line.item_key, "namn": line.item_name, "uppgifter": _plain(line.values or {}),
                       "visas": [[label, value] for label, value in line_pairs(line)], "fritext": line.free_text}
                      for line in order.active_lines],
        } for order in orders],
        "attestant_hsa_id": attestant_hsa_id,
        "tidpunkt": at.astimezone(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        "nonce": nonce,
    }


def _check(actor: Actor, orders: list[Order]) -> None:
    if not orders:
        raise ValidationFailed({"order": N_("Markera de beställningar som ska godkännas.")})
    if len(orders) > MAX_ORDERS:
        raise ValidationFailed({"order": N_("Högst %(max)s beställningar kan godkännas på en gång.", max=MAX_ORDERS)})
    for order in orders:
        attest_ops.check_decision(actor, order, approve=True, comment="")
    if not actor.person.hsa_id:
        raise Conflict(N_("Du saknar HSA-id i katalogen och kan därför inte signera."))


def prepare_many(session: Session, actor: Actor, orders: list[Order]) -> AttestSigningBatch:
    """Open a signing window over the orders (Godkänn markerade); commits."""
    _check(actor, orders)
    nonce = secrets.token_urlsafe(24)
    now = utcnow()
    document = canonical_document(batch_fields(orders, actor.person.hsa_id, nonce=nonce, at=now))
    batch = AttestSigningBatch(nonce=nonce, attestant_id=actor.id, approve=True,
                               order_ids=[order.id for order in orders], document=document, created_at=now)
    session.add(batch)
    session.commit()
    return batch


def pending_many(session: Session, actor: Actor, nonce: str, config: Mapping) -> tuple[AttestSigningBatch, list[Order]]:
    """The open batch window ``nonce`` of this attestant and its orders (else NotFound/Conflict)."""
    batch = session.scalar(select(AttestSigningBatch).where(AttestSigningBatch.nonce == nonce))
    if batch is None or batch.attestant_id != actor.id:
        raise NotFound(N_("Signeringen finns inte. Gå tillbaka till beställningen och försök igen."))
    if batch.used_at is not None:
        raise Conflict(N_("Signeringen är redan använd. Gå tillbaka till beställningen och försök igen."))
    max_age = dt.timedelta(seconds=int(config.get("SITHS_SIGNING_MAX_AGE", 600)))
    if utcnow() - as_utc(batch.created_at) > max_age:
        raise Conflict(N_("Tiden för signeringen har gått ut. Gå tillbaka till beställningen och försök igen."))
    # What the signing page and the decisions' mails show, loaded with the orders (no statement per order).
    by_id = {o.id: o for o in session.scalars(select(Order).where(Order.id.in_(batch.order_ids)).options(
        joinedload(Order.end_user), joinedload(Order.orderer), joinedload(Order.forvaltning), joinedload(Order.enhet),
        selectinload(Order.lines), selectinload(Order.attest_steps))).unique()}
    return batch, [by_id[i] for i in batch.order_ids if i in by_id]


def _use(session: Session, batch: AttestSigningBatch) -> None:
    table = AttestSigningBatch.__table__
    taken = session.execute(update(table).where(table.c.id == batch.id, table.c.used_at.is_(None))
                            .values(used_at=utcnow())).rowcount
    if taken != 1:
        session.rollback()
        raise Conflict(N_("Signeringen är redan använd. Gå tillbaka till beställningen och försök igen."))


def _refuse(session: Session, actor: Actor, batch: AttestSigningBatch, exc: Exception) -> None:
    """A failed try: use the nonce up and audit ``attest.signature_refused`` once, one transaction."""
    code = exc.code if isinstance(exc, SithsError) else getattr(exc, "reason", None) or type(exc).__name__.lower()
    _use(session, batch)
    audit.record(session, actor, "attest.signature_refused", "attest_batch", batch.id, reason=code,
                 decision="approve", orders=len(batch.order_ids))
    session.commit()


class _OrdersChanged(Conflict):
    reason = "order_changed"


def submit_many(session: Session, rt: "Runtime", actor: Actor, nonce: str, *, signature_b64: str,
                chain_pem: str) -> list[Order]:
    """Verify the one signature over the list and approve every order in one transaction."""
    batch, orders = pending_many(session, actor, nonce, rt.config)
    settings = pki_settings(rt.config)
    try:
        if len(orders) != len(batch.order_ids):
            raise _OrdersChanged(N_("Beställningen har ändrats sedan signeringen öppnades. Försök igen."))
        _check(actor, orders)
        stored = batch_fields(orders, actor.person.hsa_id, nonce=nonce, at=as_utc(batch.created_at))
        if canonical_document(stored) != batch.document:
            raise _OrdersChanged(N_("Beställningen har ändrats sedan signeringen öppnades. Försök igen."))
        signature = decode_signature(signature_b64)
        ident = verify_signed_document(batch.document, signature, checked_chain(chain_pem, settings),
                                       settings.anchors, revocation=settings.revocation,
                                       expected_hsa_id=actor.person.hsa_id)
    except (SithsError, ValidationFailed, Conflict, Forbidden) as exc:
        _refuse(session, actor, batch, exc)
        raise
    signed_at = utcnow()
    chain = ident_chain_pem(ident)
    receipt = build_receipt(batch.document, signature, chain, signed_at=signed_at)
    rows = [AttestSignature(order_id=order.id, signer_id=actor.id, signer_hsa_id=ident.hsa_id, approve=True,
                            nonce=f"{nonce}.{index}", document=batch.document, signature=signature,
                            algorithm=_algorithm(receipt), certificate_chain_pem=chain,
                            certificate_sha256=ident.fingerprint_sha256, receipt=receipt, signed_at=signed_at)
            for index, order in enumerate(orders)]
    _use(session, batch)
    session.add_all(rows)
    try:
        session.flush()
        attest_ops.decide_many(session, rt, actor, orders,
                               signature_ids={row.order_id: row.id for row in rows})
    except (ValidationFailed, Conflict, Forbidden) as exc:
        session.rollback()
        _refuse(session, actor, batch, exc)
        raise
    return orders
