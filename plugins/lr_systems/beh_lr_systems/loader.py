"""Read the system catalogue from TOML files, so a system owner adds a system without Python.

``data/regional.toml`` holds the regional systems; ``data/local/<FÖRVALTNING>.toml``
the local systems of one förvaltning (file name = förvaltning code). The
format is documented in ``data/README.md``.
"""
from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path

from beh_core.api import ALL_KINDS, CatalogItem, Field

KEY_PREFIX = "lr."


CATALOGUE = "lr"


def _field(spec: dict) -> Field:
    """Build a Field from its TOML table; choices may be plain strings or [value, label] pairs."""
    choices = tuple(
        (c, c) if isinstance(c, str) else (str(c[0]), str(c[1])) for c in spec.get("choices", ())
    )
    return Field(
        name=spec["name"], label=spec["label"], type=spec.get("type", "select" if choices else "text"),
        required=spec.get("required", False), choices=choices, help=spec.get("help", ""),
        max_length=spec.get("max_length", 200), secret=spec.get("secret", False),
    )


def _item(spec: dict, scope: str, forvaltningar: tuple[str, ...]) -> CatalogItem:
    """Build a CatalogItem from one [[system]] table."""
    kinds = frozenset(spec.get("kinds", sorted(ALL_KINDS)))
    unknown = kinds - ALL_KINDS
    if unknown:
        raise ValueError(f"System {spec['key']}: unknown kinds {sorted(unknown)}")
    return CatalogItem(
        key=KEY_PREFIX + (spec["key"] if scope == "regional" else f"{forvaltningar[0].lower()}.{spec['key']}"),
        name=spec["name"], catalogue=CATALOGUE, page=scope, forvaltningar=forvaltningar, kinds=kinds,
        akut=spec.get("akut", False), fulfilment=spec.get("fulfilment", "manual"),
        fields=tuple(_field(f) for f in spec.get("field", ())),
        feedback_fields=tuple(_field(f) for f in spec.get("feedback", ())),
        description=spec.get("description", ""),
    )


def load_items(data_dir: Path | None = None) -> list[CatalogItem]:
    """All systems in the data folder (the packaged one unless another is given)."""
    root = Path(data_dir) if data_dir else Path(str(resources.files("beh_lr_systems") / "data"))
    items: list[CatalogItem] = []
    regional = root / "regional.toml"
    if regional.exists():
        items += [_item(s, "regional", ()) for s in tomllib.loads(regional.read_text("utf-8")).get("system", [])]
    for path in sorted((root / "local").glob("*.toml")):
        code = path.stem
        items += [_item(s, "local", (code,)) for s in tomllib.loads(path.read_text("utf-8")).get("system", [])]
    return items
