"""BEH's typed SQLAlchemy 2 models. Import models from here."""
from .audit import AuditEvent
from .base import Base, utcnow
from .delegation import SCOPE_LR, SCOPE_UPPDRAG, Delegation
from .directory import Engagement, Enhet, Forvaltning, Omrade, Person
from .orders import Order, OrderKind, OrderLine, OrderStatus
from .permissions import HeldPermission

__all__ = [
    "AuditEvent", "Base", "utcnow", "SCOPE_LR", "SCOPE_UPPDRAG", "Delegation", "Engagement", "Enhet",
    "Forvaltning", "Omrade", "Person", "Order", "OrderKind", "OrderLine", "OrderStatus", "HeldPermission",
]
