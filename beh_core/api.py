"""The public API for plugins. Plugins import from here and nowhere else in the core."""
import pluggy

from .catalogue import ALL_KINDS, CatalogItem, Field, FulfilmentResult

hookimpl = pluggy.HookimplMarker("beh")

__all__ = ["hookimpl", "CatalogItem", "Field", "FulfilmentResult", "ALL_KINDS"]
