"""Order events: fired by the operation that made the change, after its commit, through pluggy.

The names are part of the plugin API (``beh_core.api.EVENT_*``, docs/plugins.md). Every
path that changes an order or a line fires its event: views, the Service Desk and run-due
all go through the same operations.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .directory_api import PersonInfo
from .order_info import LineInfo, OrderInfo

if TYPE_CHECKING:
    from ..models import Order, OrderLine
    from ..runtime import Runtime

ORDER_CREATED = "order.created"
ORDER_ATTESTANT_CHANGED = "order.attestant_changed"
ORDER_LINES_REMOVED = "order.lines_removed"
ORDER_STEP_APPROVED = "order.step_approved"  # one attest step approved; the next step now waits
ORDER_APPROVED = "order.approved"  # the last attest step approved: the order goes to fulfilment
ORDER_REJECTED = "order.rejected"
ORDER_WITHDRAWN = "order.withdrawn"
ORDER_KOMPLETTERING_REQUESTED = "order.komplettering_requested"
ORDER_KOMPLETTERING_ANSWERED = "order.komplettering_answered"
ORDER_COMPLETED = "order.completed"  # every line carried out
LINE_FULFILLED = "line.fulfilled"
LINE_FULFILMENT_FAILED = "line.fulfilment_failed"

ALL_EVENTS = (ORDER_CREATED, ORDER_ATTESTANT_CHANGED, ORDER_LINES_REMOVED, ORDER_STEP_APPROVED, ORDER_APPROVED,
              ORDER_REJECTED, ORDER_WITHDRAWN, ORDER_KOMPLETTERING_REQUESTED, ORDER_KOMPLETTERING_ANSWERED,
              ORDER_COMPLETED, LINE_FULFILLED, LINE_FULFILMENT_FAILED)


def fire(rt: "Runtime", event: str, order: "Order", actor: Any = None, line: "OrderLine | None" = None) -> None:
    """Tell every plugin about a committed change; ``actor`` is an Actor, a Person or None (background)."""
    if event not in ALL_EVENTS:
        raise ValueError(f"Unknown event {event!r}")
    person = getattr(actor, "person", actor)
    rt.plugins.notify(event, order=OrderInfo.of(order), actor=PersonInfo.of(person) if person is not None else None,
                      line=LineInfo.of(line) if line is not None else None)
