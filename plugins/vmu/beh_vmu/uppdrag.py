"""The uppdrag of the data file and what step 2 lists: per vårdenhet of the beställare's U delegations.

Pure functions over the plugin's data and the read-only ``Directory``: no web, no session.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from beh_core.api import AVSLUT, DELEGATION_UNIT, NYUPPLAGG, CatalogItem, Choice, ChoiceGroup, Directory, UnitInfo

CATALOGUE = "vmu"          # Vårdmedarbetaruppdrag VMU En användare (the core's wizard); every order is in it
MASS_CATALOGUE = "vmu_flera"  # Vårdmedarbetaruppdrag VMU Flera användare (the plugin's own pages)
PAGE = "uppdrag"
PREFIX = CATALOGUE + "."
PRIVATE_NOTE = "Privat vårdgivare: här kan även administration spärr och logg beställas."
ENOUGH_NOTE = "Användaren har redan VoB för Pascal eller NPÖ vid vårdenheten. Det är tillräckligt."
HELD_NOTE = "Uppdrag som användaren redan har vid vårdenheten, eller som väntar på sitt startdatum, visas inte."
PRIVATE_HELD_NOTE = ("Privat vårdgivare: här kan även administration spärr och logg beställas. Uppdrag som "
                     "användaren redan har vid vårdenheten, eller som väntar på sitt startdatum, visas inte.")


@dataclass(frozen=True)
class Uppdrag:
    """One vårdmedarbetaruppdrag of the data file."""

    key: str
    system: str
    name: str
    description: str = ""
    note: str = ""
    private_only: bool = False
    enough: tuple[str, ...] = ()  # holding one of these (item keys) at the unit is enough

    @property
    def full_name(self) -> str:
        """The name shown on orders, mails and receipts: the system and the uppdrag ("Pascal VoB")."""
        return self.name if self.name == self.system else f"{self.system} {self.name}"

    @property
    def item_key(self) -> str:
        """The catalogue item's key: ``vmu.<key>``."""
        return PREFIX + self.key


@lru_cache(maxsize=8)
def load_uppdrag(data_dir: str | Path | None = None) -> tuple[Uppdrag, ...]:
    """The uppdrag of ``uppdrag.toml`` (the package's, or the one in ``PLUGIN_VMU_DATA_DIR``); read once."""
    if data_dir:
        text = (Path(data_dir) / "uppdrag.toml").read_text("utf-8")
    else:
        text = (resources.files("beh_vmu") / "data" / "uppdrag.toml").read_text("utf-8")
    rows = tomllib.loads(text)["uppdrag"]
    return tuple(Uppdrag(row["key"], row["system"], row["namn"], row.get("beskrivning", ""), row.get("not", ""),
                         bool(row.get("privat", False)), tuple(PREFIX + k for k in row.get("racker", ())))
                 for row in rows)


def items(uppdrag: tuple[Uppdrag, ...]) -> list[CatalogItem]:
    """One catalogue item per uppdrag, grouped by system, carried out automatically on the start date."""
    return [CatalogItem(key=u.item_key, name=u.full_name, catalogue=CATALOGUE, page=PAGE, group=u.system,
                        description=u.description, kinds=frozenset({NYUPPLAGG, AVSLUT}), fulfilment="on_start")
            for u in uppdrag]


def ordering_units(directory: Directory, actor_id: int) -> list[UnitInfo]:
    """The vårdenheter the person holds an active U delegation as beställare for, by name."""
    return directory.units(d.enhet_id for d in directory.delegations(actor_id, scope=DELEGATION_UNIT)
                           if d.is_bestallare and d.enhet_id)


def attesting_units(directory: Directory, actor_id: int) -> set[int]:
    """The vårdenheter the person holds an active U delegation as attestant for."""
    return {d.enhet_id for d in directory.delegations(actor_id, scope=DELEGATION_UNIT) if d.is_attestant and d.enhet_id}


def offered_at(u: Uppdrag, unit: UnitInfo) -> bool:
    """Administration spärr och logg only at units of private care providers; the rest everywhere."""
    return unit.private_provider or not u.private_only


def choice_groups(uppdrag: tuple[Uppdrag, ...], by_key: dict[str, CatalogItem], directory: Directory, kind: str,
                  actor_id: int, end_user_id: int) -> list[ChoiceGroup]:
    """Step 2: a group per vårdenhet of the beställare's U delegations (expandable), its uppdrag by system.

    Nyupplägg lists what may be ordered at the unit (the core leaves out what is held or on order and says
    why); Avslut lists the uppdrag the person holds at the unit.
    """
    units = ordering_units(directory, actor_id)
    held = directory.held_permissions(end_user_id, item_prefix=PREFIX)
    # An uppdrag attested and waiting for its start date counts as held: it is not offered again.
    held_at = {(h.item_key, h.scope_key) for h in directory.held_permissions(end_user_id, item_prefix=PREFIX,
                                                                              coming=True)}
    single = len(units) == 1
    groups = []
    for unit in units:
        scope = str(unit.id)
        if kind == AVSLUT:
            choices = tuple(Choice(by_key[h.item_key], scope, h.id) for h in held
                            if h.scope_key == scope and h.item_key in by_key)
            groups.append(ChoiceGroup(unit.name, choices, open=single))
            continue
        choices = []
        for u in uppdrag:
            if not offered_at(u, unit) or (u.item_key, scope) in held_at:
                continue
            note = ENOUGH_NOTE if any((k, scope) in held_at for k in u.enough) else u.note
            choices.append(Choice(by_key[u.item_key], scope, note=note))
        held_here = any(h_scope == scope for _, h_scope in held_at)
        note = {(True, True): PRIVATE_HELD_NOTE, (True, False): PRIVATE_NOTE, (False, True): HELD_NOTE,
                (False, False): ""}[(bool(unit.private_provider), held_here)]
        groups.append(ChoiceGroup(unit.name, tuple(choices), note=note, open=single))
    return groups
