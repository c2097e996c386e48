"""What every page showing an order's fulfilment needs (Återkoppling and the Service Desk page)."""
from __future__ import annotations

from ..db import get_session
from ..labels import KIND_LABELS
from ..services import fulfilment_queries
from ..services.order_queries import STATUS_LABELS
from .access import runtime


def fulfilment_context(order) -> dict:
    """Catalogue items of the lines, per-line fulfilment records, kompletteringar and the label dicts."""
    db, registry = get_session(), runtime().registry
    return {
        "order": order, "items": {line.item_key: registry.get(line.item_key) for line in order.lines if line.item_key},
        "records": fulfilment_queries.line_records(db, order),
        "kompletteringar": fulfilment_queries.kompletteringar(db, order),
        "statuses": STATUS_LABELS, "kinds": KIND_LABELS,
    }
