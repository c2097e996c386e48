"""Canonical form of the document an attestant signs.

Format ("BEH canonical JSON", version 1):

* the value is a JSON object; keys are strings; values are strings, integers,
  booleans, null, lists or objects of the same kinds.  Floats are refused
  because their text form differs between languages - put amounts in strings;
* every string (keys too) is Unicode NFC-normalised, so two visually equal
  texts give the same bytes;
* keys sorted by code point at every level, no whitespace (``,`` and ``:``
  only), non-ASCII characters written as UTF-8 (not ``\\uXXXX``), no BOM.

The same fields therefore always give the same bytes, in Python or elsewhere.
"""
from __future__ import annotations

import json
import unicodedata
from typing import Any


def _normalise(value: Any, path: str = "$") -> Any:
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, float):
        raise TypeError(f"{path}: floats are not allowed in signed documents")
    if isinstance(value, (list, tuple)):
        return [_normalise(v, f"{path}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if not isinstance(k, str):
                raise TypeError(f"{path}: keys must be strings")
            nk = unicodedata.normalize("NFC", k)
            if nk in out:
                raise ValueError(f"{path}: duplicate key after normalisation: {nk!r}")
            out[nk] = _normalise(v, f"{path}.{nk}")
        return out
    raise TypeError(f"{path}: unsupported type {type(value).__name__}")


def canonical_document(fields: dict) -> bytes:
    """Return the canonical UTF-8 JSON bytes of ``fields`` (see module doc)."""
    if not isinstance(fields, dict):
        raise TypeError("the document must be a dict")
    return json.dumps(_normalise(fields), sort_keys=True, ensure_ascii=False,
                      separators=(",", ":"), allow_nan=False).encode("utf-8")


def parse_canonical_document(data: bytes) -> dict:
    """Parse document bytes and check that they are in canonical form.

    Raises ``ValueError`` if the bytes are not exactly what
    ``canonical_document`` would produce for the parsed fields.
    """
    def no_dupes(pairs):
        keys = [k for k, _ in pairs]
        if len(keys) != len(set(keys)):
            raise ValueError("duplicate key")
        return dict(pairs)

    fields = json.loads(data.decode("utf-8"), object_pairs_hook=no_dupes,
                        parse_float=lambda s: (_ for _ in ()).throw(ValueError("float")))
    if not isinstance(fields, dict) or canonical_document(fields) != data:
        raise ValueError("document is not in canonical form")
    return fields
