"""What every page showing an order's fulfilment needs (Återkoppling and the Service Desk page)."""
from __future__ import annotations

from ..db import get_session
from ..plugins import catalogue
from ..services import fulfilment
from ..services.order_queries import STATUS_LABELS
from ..services.ordering import KIND_LABELS


def fulfilment_context(order) -> dict:
    """Catalogue items of the lines, per-line fulfilment records, kompletteringar and the label dicts."""
    db, cat = get_session(), catalogue()
    return {
        "order": order, "items": {line.item_key: cat.get(line.item_key) for line in order.lines if line.item_key},
        "records": fulfilment.line_records(db, order), "kompletteringar": fulfilment.kompletteringar(db, order),
        "statuses": STATUS_LABELS, "kinds": KIND_LABELS,
    }
