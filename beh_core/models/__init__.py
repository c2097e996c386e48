"""BEH's typed SQLAlchemy 2 models. Import models from here."""
from .audit import AuditEvent
from .base import Base, utcnow
from .delegation import SCOPE_AREA, SCOPE_LABELS, SCOPE_UNIT, Delegation
from .directory import Engagement, Enhet, Forvaltning, Kostnadsstalle, Omrade, Person
from .orders import (STEP_APPROVED, STEP_LATER, STEP_REJECTED, STEP_WAITING, Order, OrderAttestStep, OrderDraft,
                     OrderedFor, OrderKind, OrderLine, OrderStatus)
from .permissions import HeldPermission
from .sessions import LoginSession
from .signing import AttestSignature, AttestSigningBatch, AttestSigningRequest, SithsChallenge, SithsSession
from .fulfilment import AttestReminder, Credential, Komplettering, LineFulfilment, OutboxMessage, PermissionEnding
from .directory_sync import DirectorySyncRun, DirectorySyncStaged, LeaverReminder

__all__ = [
    "AuditEvent", "Base", "utcnow", "SCOPE_AREA", "SCOPE_LABELS", "SCOPE_UNIT", "Delegation", "Engagement", "Enhet",
    "Forvaltning", "Kostnadsstalle", "Omrade", "Person", "STEP_APPROVED", "STEP_LATER", "STEP_REJECTED", "STEP_WAITING", "Order", "OrderAttestStep", "OrderDraft", "OrderedFor", "OrderKind", "OrderLine", "OrderStatus", "HeldPermission",
    "AttestReminder", "Credential", "Komplettering", "LineFulfilment", "OutboxMessage", "PermissionEnding",
    "AttestSignature", "AttestSigningBatch", "AttestSigningRequest", "SithsChallenge", "SithsSession", "LoginSession",
    "DirectorySyncRun", "DirectorySyncStaged", "LeaverReminder",
]
