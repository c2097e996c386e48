"""Example data plugins give ``beh demo``, so the core's demo generator names no system itself."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class DemoSample:
    """One example permission: an item with its values (and where it applies)."""

    item_key: str
    values: dict = field(default_factory=dict, hash=False)
    scope_key: str = ""
    forvaltning_code: str | None = None  # for a local item: the förvaltning it belongs to
    unit_code: str | None = None  # for an item held at a vårdenhet (an uppdrag): the unit's code, e.g. "NH-O1-E1"


@dataclass(frozen=True)
class DemoKostnadsstalle:
    """A kostnadsställe the plugin's examples need (a preset's cost centre), with who answers for it.

    :param code: the kostnadsställe code, e.g. ``"69002"``.
    :param name: its name.
    :param ansvarig: the VGR-ID of the demo identity who answers for it (ekonomisk attest).
    :param forvaltning_code: the förvaltning it belongs to (NH, RH, SU, KSD), or None.
    """

    code: str
    name: str
    ansvarig: str
    forvaltning_code: str | None = None


@dataclass(frozen=True)
class DemoUnitDelegation:
    """A U delegation (one vårdenhet) a demo identity gets, so catalogues ordered per vårdenhet can be tried.

    :param vgr_id: the demo identity (``sarbe1``, ``johek1``, ...), or None for the unit's verksamhetschef
        (who delegates to themself); an unknown one is skipped, and so is one who already has a U delegation
        for the unit.
    :param unit_code: the vårdenhet's code in the demo region, e.g. ``"NH-O1-E1"``; an unknown one is skipped.
    :param bestallare: the delegation makes the person beställare there.
    :param attestant: the delegation makes the person attestant there.
    """

    vgr_id: str | None
    unit_code: str
    bestallare: bool = False
    attestant: bool = False


@dataclass(frozen=True)
class DemoSamples:
    """What a plugin adds to the demo region.

    :param held: permissions demo persons hold (spread over the region).
    :param held_by_end_user: permissions the demo end user (Slutanvändare) holds, for Förändring/Avslut.
    :param orders: items example orders are placed for.
    :param kostnadsstallen: kostnadsställen the plugin's examples need (a code already in the region is kept).
    :param unit_delegations: U delegations of demo identities (delegated by the unit's verksamhetschef).
    """

    held: tuple[DemoSample, ...] = ()
    held_by_end_user: tuple[DemoSample, ...] = ()
    orders: tuple[DemoSample, ...] = ()
    kostnadsstallen: tuple[DemoKostnadsstalle, ...] = ()
    unit_delegations: tuple[DemoUnitDelegation, ...] = ()
