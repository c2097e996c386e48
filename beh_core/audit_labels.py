"""What every audit event code means, in the manuals' Swedish (msgids for the English catalogue).

Pages that show audit events (the Service Desk's Historik) show these labels, never the codes;
tests/test_audit_labels.py fails when a code recorded anywhere in the core has no label here.
"""
from __future__ import annotations

from .labels import _N

AUDIT_LABELS: dict[str, str] = {
    # An order's life (object type "order").
    "order.created": _N("Beställning skapad"),
    "order.attestant_changed": _N("Attestant bytt"),
    "order.lines_removed": _N("Behörigheter borttagna vid attest"),
    "order.step_approved": _N("Attesteringssteg godkänt"),
    "order.approved": _N("Godkänd av attestant"),
    "order.rejected": _N("Avslagen av attestant"),
    "order.withdrawn": _N("Makulerad av beställaren"),
    "order.attest_reminder": _N("Påminnelse skickad till attestant"),
    "order.komplettering_requested": _N("Komplettering begärd"),
    "order.komplettering_answered": _N("Komplettering besvarad av beställaren"),
    "attest.signature_refused": _N("Signeringen av attesten godtogs inte"),
    "line.fulfilled": _N("Utförd"),
    "line.fulfilment_failed": _N("Automatiskt utförande misslyckades"),
    "line.automatic_cancelled": _N("Automatiskt utförande avbrutet (raden eller beställningen är inte längre öppen)"),
    "credentials.viewed": _N("Inloggningsuppgifter visade av beställaren"),
    "credentials.deleted": _N("Lösenordsuppgifter borttagna av beställaren"),
    "credentials.rotated": _N("Inloggningsuppgifter krypterade med ny nyckel"),
    # Delegations, the directory and sessions.
    "delegation.created": _N("Delegering skapad"),
    "delegation.extended": _N("Delegering förlängd"),
    "delegation.ended": _N("Delegering borttagen"),
    "delegation.reminder_sent": _N("Påminnelse om delegering skickad"),
    "delegation.reminder_skipped": _N("Påminnelse om delegering inte skickad"),
    "directory.imported": _N("Katalogen (KiV) importerad"),
    "directory.synced": _N("Katalogen (KiV) synkad"),
    "leaver.reminded": _N("Påminnelse om behörigheter att avsluta skickad"),
    "permission.ended": _N("Behörighet avslutad"),
    "login": _N("Inloggning"),
    "sessions.ended_all": _N("Alla sessioner avslutade"),
    "logout": _N("Utloggning"),
    "demo.built": _N("Demoregionen skapad"),
}


def audit_label(action: str) -> str:
    """The msgid of an audit code's label; an unknown code gets a neutral label, never the code itself."""
    return AUDIT_LABELS.get(action, _N("Händelse"))
