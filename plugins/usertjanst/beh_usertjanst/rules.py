"""The rules of Hantera användartjänst (manual 004), shared by the plugin's hooks and pages.

Plain functions over the core's read-only directory (``beh_core.api.Directory``); no web
imports. Messages are ``(msgid, params)`` pairs: the pages translate them, the hooks give the
Swedish text.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path

from beh_core.api import (DELEGATION_AREA, Directory, EngagementInfo, HeldPermissionInfo,
                          KostnadsstalleInfo, latest_start, mask_personnummer_text, parse_date)

CATALOGUE = "usertjanst"
ITEM = "usertjanst"  # one item: the level is its field, so a person holds one användartjänst at most
LEVEL_FIELD = "niva"
# A frikod is an optional accounting code of 1–8 digits (docs/decisions.md), e.g. 2074 or 40044.
FRIKOD_RE = re.compile(r"^[0-9]{1,8}$")  # ASCII digits only: "１２３" is not a frikod
KOSTNADSSTALLE_MAX = 20

Message = tuple[str, dict]


def _N(text: str) -> str:  # noqa: N802 - marks a msgid for extraction; the pages translate it when shown
    return text


@dataclass(frozen=True)
class Level:
    """One level of the service (Avancerad, Enkel, Grund, Lokal) as the data file describes it."""

    key: str
    name: str
    kort: str
    text: str
    ingar: tuple[str, ...]
    epost: bool
    privat: bool


@dataclass(frozen=True)
class Preset:
    """A preset of Välj kostnadsställe (e.g. LifeCare light: 69002, frikod 1 2074, frikod 2 40044)."""

    key: str
    name: str
    kostnadsstalle: str
    frikod1: str = ""
    frikod2: str = ""
    niva: str = ""


@dataclass(frozen=True)
class Data:
    """The plugin's data file: levels, reasons, presets and the demo's kostnadsställen."""

    levels: tuple[Level, ...]
    reasons: tuple[str, ...]
    presets: tuple[Preset, ...]
    demo_kostnadsstallen: tuple[dict, ...]

    def level(self, key: str | None) -> Level | None:
        """The level with the key, or None."""
        return next((level for level in self.levels if level.key == key), None)

    def preset(self, key: str | None) -> Preset | None:
        """The preset with the key, or None."""
        return next((preset for preset in self.presets if preset.key == key), None)


def load_data(data_dir: str | Path | None = None) -> Data:
    """Read ``usertjanst.toml`` from the package (or from ``PLUGIN_USERTJANST_DATA_DIR``)."""
    if data_dir:
        raw = tomllib.loads((Path(data_dir) / "usertjanst.toml").read_text("utf-8"))
    else:
        raw = tomllib.loads((resources.files("beh_usertjanst") / "data" / "usertjanst.toml").read_text("utf-8"))
    levels = tuple(Level(n["key"], n["name"], n["kort"], n["text"], tuple(n.get("ingar", ())), bool(n.get("epost")),
                         bool(n.get("privat"))) for n in raw["nivaer"])
    presets = tuple(Preset(f["key"], f["name"], str(f["kostnadsstalle"]), str(f.get("frikod1", "")),
                           str(f.get("frikod2", "")), f.get("niva", "")) for f in raw.get("forval", ()))
    return Data(levels, tuple(raw.get("orsaker", ())), presets, tuple(raw.get("demo_kostnadsstallen", ())))


# --- Who and where ------------------------------------------------------------------------

def _covers(delegations, engagement: EngagementInfo) -> bool:
    unit = engagement.unit
    return any(d.is_bestallare and d.scope == DELEGATION_AREA and d.omrade_id == unit.omrade_id
               and (d.enhet_id is None or d.enhet_id == unit.id) for d in delegations)


def contexts(directory: Directory, end_user_id: int, orderer_id: int) -> list[EngagementInfo]:
    """The engagements that can be the order's Verksamhetskontext, the one to prefill first.

    Engagements that have not ended and lie where the beställare's L/R delegations cover (so the
    same as "may order for"): the primary one active today first, then other active ones, then
    coming ones by start date (a nyanställd, or a new engagement registered ahead).
    """
    today = directory.today
    delegations = directory.delegations(orderer_id, scope=DELEGATION_AREA)
    usable = [e for e in directory.engagements(end_user_id)
              if (e.end_date is None or e.end_date >= today) and _covers(delegations, e)]
    return sorted(usable, key=lambda e: (not e.is_active(today), not e.is_primary, e.start_date, e.id))


def _same(text: str, **params) -> str:
    return text % params if params else text


def context_label(engagement: EngagementInfo, today: date, translate=_same) -> str:
    """'Närhälsan – Närhälsan Åsby vårdcentral (primärt engagemang)', or '… (kommande, från 2026-12-20)'.

    ``translate`` is the pages' gettext; the order stores the Swedish label.
    """
    label = f"{engagement.unit.forvaltning.name} – {engagement.unit.name}"
    if engagement.start_date > today:
        return label + " " + translate(_N("(kommande, från %(date)s)"), date=engagement.start_date.isoformat())
    return label + (" " + translate(_N("(primärt engagemang)")) if engagement.is_primary else "")


def default_dates(engagement: EngagementInfo, today: date) -> tuple[date, date | None]:
    """Empty Startdatum and Slutdatum: the engagement's own dates; a start already passed is today
    (the service starts right after attest)."""
    return max(engagement.start_date, today), engagement.end_date


def held_service(directory: Directory, person_id: int) -> HeldPermissionInfo | None:
    """The person's användartjänst, granted by policy or an earlier order (also one starting later)."""
    held = directory.held_permissions(person_id, item_prefix=ITEM, coming=True)
    return next((h for h in held if h.item_key == ITEM), None)


def pending_order(directory: Directory, person_id: int) -> str | None:
    """The number of an unfinished order of an användartjänst for the person, or None."""
    pending = [line for line in directory.pending_lines(person_id, item_prefix=ITEM) if line.item_key == ITEM]
    return pending[0].order_number if pending else None


# --- Checks (msgid, params), None when fine --------------------------------------------------

def kostnadsstalle_problem(directory: Directory, code: str, orderer_id: int, end_user_id: int) -> Message | None:
    """A kostnadsställe must exist in KiV, be active and have someone (not the orderer or end user) answering for it."""
    code = (code or "").strip()
    if not code:
        return _N("Ange ett kostnadsställe."), {}
    if len(code) > KOSTNADSSTALLE_MAX:
        return _N("Kostnadsstället får vara högst %(max)s tecken."), {"max": KOSTNADSSTALLE_MAX}
    found = directory.kostnadsstalle(code)
    if found is None:
        # The code is said back as typed, but a personnummer typed into the wrong field is masked here too.
        return (_N("Kostnadsställe %(code)s finns inte i KiV. Kontrollera numret eller sök fram kostnadsstället."),
                {"code": mask_personnummer_text(code)})
    return responsible_problem(found, orderer_id, end_user_id)


def responsible_problem(found: KostnadsstalleInfo, orderer_id: int, end_user_id: int) -> Message | None:
    """Who answers for the kostnadsställe makes the ekonomisk attest: never the orderer or the end user."""
    if not found.active:
        return _N("Kostnadsställe %(code)s är inte aktivt. Välj ett annat kostnadsställe."), {"code": found.code}
    if found.ansvarig_id is None:
        return (_N("Kostnadsställe %(code)s har ingen ansvarig som kan göra den ekonomiska attesten. "
                   "Välj ett annat kostnadsställe."), {"code": found.code})
    if found.ansvarig_id == orderer_id:
        return (_N("Du ansvarar själv för kostnadsställe %(code)s och kan inte attestera din egen beställning. "
                   "Välj ett annat kostnadsställe."), {"code": found.code})
    if found.ansvarig_id == end_user_id:
        return (_N("Användaren ansvarar själv för kostnadsställe %(code)s och kan inte attestera sin egen "
                   "användartjänst. Välj ett annat kostnadsställe."), {"code": found.code})
    return None


def frikod_problem(label: str, value: str) -> Message | None:
    """Frikod 1 and 2 are optional; when given, 1–8 digits."""
    value = (value or "").strip()
    if value and not FRIKOD_RE.match(value):
        return _N("%(label)s ska vara 1–8 siffror, till exempel 2074."), {"label": label}
    return None


def parse_day(text: str) -> date | None:
    """ÅÅÅÅ-MM-DD, or None (the core's reading: no week dates, no compact form)."""
    return parse_date(text)


def dates_problems(start_text: str, end_text: str, engagement: EngagementInfo | None, today: date
                   ) -> dict[str, Message]:
    """Startdatum and Slutdatum: optional, in form, not before today, and the end not before the start
    (empty ones count as the engagement's dates)."""
    problems: dict[str, Message] = {}
    start, end = parse_day(start_text), parse_day(end_text)
    if start_text.strip() and start is None:
        problems["start_date"] = _N("Ange startdatum enligt formatet ÅÅÅÅ-MM-DD."), {}
    elif start is not None and start < today:
        problems["start_date"] = _N("Startdatum kan inte vara tidigare än dagens datum."), {}
    elif start is not None and start > latest_start(today):  # told here, not first at Skicka
        problems["start_date"] = _N("Startdatum kan vara högst ett år fram i tiden."), {}
    if end_text.strip() and end is None:
        problems["end_date"] = _N("Ange slutdatum enligt formatet ÅÅÅÅ-MM-DD."), {}
    if problems:
        return problems
    default_start, default_end = default_dates(engagement, today) if engagement else (today, None)
    start, end = start or default_start, end or (default_end if not end_text.strip() else None)
    if end is not None and end < start:
        if end_text.strip():
            problems["end_date"] = _N("Slutdatum kan inte vara tidigare än startdatum."), {}
        else:
            problems["end_date"] = (_N("Engagemanget slutar %(end)s, före startdatum. Ange ett slutdatum eller "
                                       "ändra startdatum."), {"end": end.isoformat()})
    return problems


def effective_dates(start_text: str, end_text: str, engagement: EngagementInfo,
                    today: date) -> tuple[date, date | None]:
    """The order's Startdatum and Slutdatum: what was typed, else the engagement's own dates."""
    default_start, default_end = default_dates(engagement, today)
    return parse_day(start_text) or default_start, parse_day(end_text) or default_end


def swedish(message: Message) -> str:
    """The Swedish text of a message (for hook answers; the pages translate instead)."""
    text, params = message
    return text % params if params else text
