"""Vårdmedarbetaruppdrag VMU Flera användare: read the list, check every row, build the orders.

Plain functions over the read-only ``Directory`` (no web): the page parses the request, calls
``read_list`` and ``check_rows`` and shows each row with its result; nothing is saved until the
beställare sends the valid rows, which ``requests_for`` turns into one order per person for
``create_orders`` (one transaction, one mail to the attestant). Every check asks the directory a
constant number of questions for the whole list, never one per row.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import asdict, dataclass
from datetime import date

from beh_core.api import (NYUPPLAGG, START_TOO_LATE, Directory, LineInput, N_, OrderRequest,
                          PersonInfo, UnitInfo, ValidationFailed, latest_start, mask_personnummer_text,
                          parse_date)

from .uppdrag import CATALOGUE, Uppdrag, offered_at

MAX_ROWS = 10_000
MAX_FILE_BYTES = 2_000_000
TEMPLATE_CSV = "identitet\n19121212-1212\nSE2321000131-P000000123456\neriny1\n"
NOTHING_TO_ORDER = N_("Ingen rad kan beställas. Ändra listan och kontrollera igen.")
NOBODY = N_("Ingen person med denna identitet finns i KiV.")
# At most this many rows of personnummer that nobody in KiV has: a list of a birth date's thousand possible
# numbers would otherwise say, by which row names someone, whose number is which (a beställare's own list
# has a typo or two, not hundreds).
UNKNOWN_PERSONNUMMER_MAX = 20
_NUMBERISH = re.compile(r"^[\d\s+-]+$")


def shown(text: str) -> str:
    """What a row shows of the identifier: a personnummer masked (ÅÅÅÅMMDD-****, ÅÅMMDD-****), the rest as
    typed, with any personnummer inside it masked too ("PNR 19121212–1212", a number with a dash from Word)."""
    if _NUMBERISH.match(text):
        digits = re.sub(r"\D", "", text)
        if len(digits) == 10:  # ÅÅMMDD-NNNN
            return f"{digits[:6]}-****"
        return f"{digits[:8]}-****" if len(digits) >= 8 else "****"
    return mask_personnummer_text(text)[:60]


@dataclass
class Row:
    """One row of the list: what was typed, who it is, and why it cannot be ordered (empty: it can)."""

    number: int
    text: str
    person_id: int | None = None
    person: str = ""  # "Förnamn Efternamn (vgr-id)", never a personnummer
    problem: str = ""

    @property
    def ok(self) -> bool:
        """The row can be ordered."""
        return not self.problem

    def to_dict(self) -> dict:
        """Plain form for the server-side draft (a problem keeps its msgid and values)."""
        data = asdict(self)
        problem = self.problem
        data["problem"] = {"msgid": getattr(problem, "msgid", str(problem)), "params": getattr(problem, "params", {})} \
            if problem else None
        return data

    @classmethod
    def from_dict(cls, data: dict) -> "Row":
        """Inverse of to_dict."""
        problem = data.get("problem")
        return cls(data["number"], data["text"], data.get("person_id"), data.get("person", ""),
                   N_(problem["msgid"], **problem.get("params", {})) if problem else "")


def read_list(pasted: str, upload: bytes | None) -> list[str]:
    """The identifiers, one per row, from an uploaded CSV file and the pasted text (both, when both are
    given: the file's rows first); ValidationFailed if bad.

    A CSV file: UTF-8 (with or without BOM) or Windows-1252 text, comma or semicolon separated, the
    identifier in the first column, an optional header row ``identitet``. Blank rows are skipped.
    """
    rows = _without_header(_csv_rows(upload)) if upload else []
    rows += _without_header([line.strip() for line in (pasted or "").splitlines()])
    field = "identiteter" if (pasted or "").strip() or not upload else "fil"
    if not rows:
        raise ValidationFailed({field: N_("Ange minst en identitet, en per rad.")})
    if len(rows) > MAX_ROWS:
        raise ValidationFailed({field: N_("Listan har %(count)s rader. Högst %(max)s rader kan beställas på en gång; "
                                          "dela upp listan.", count=len(rows), max=MAX_ROWS)})
    return rows


def _without_header(rows: list[str]) -> list[str]:
    rows = [r for r in rows if r]
    if rows and rows[0].strip().lower() in ("identitet", "identiteter", "id"):
        rows = rows[1:]
    return rows


def _csv_rows(upload: bytes) -> list[str]:
    not_csv = N_("Filen är inte en CSV-fil. Ladda ner mallen och spara listan som CSV (en identitet per rad).")
    if len(upload) > MAX_FILE_BYTES:
        raise ValidationFailed({"fil": N_("Filen är för stor. Högst %(max)s rader kan beställas på en gång.",
                                          max=MAX_ROWS)})
    if b"\0" in upload:
        raise ValidationFailed({"fil": not_csv})
    try:
        text = upload.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = upload.decode("cp1252", errors="strict") if _cp1252(upload) else None
    if text is None or any(ord(c) < 32 and c not in "\r\n\t" for c in text):
        raise ValidationFailed({"fil": not_csv})
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t") if ("," in text or ";" in text) else csv.excel
    except csv.Error:
        dialect = csv.excel
    try:
        return [(row[0] if row else "").strip() for row in csv.reader(io.StringIO(text), dialect)]
    except csv.Error:
        raise ValidationFailed({"fil": not_csv}) from None


def _cp1252(data: bytes) -> bool:
    try:
        data.decode("cp1252")
        return True
    except UnicodeDecodeError:
        return False


def check_rows(directory: Directory, texts: list[str], *, unit: UnitInfo, item_key: str,
               attestant_id: int | None) -> list[Row]:
    """Every row with its result: duplicate row? an identifier? found in KiV? an active engagement in KiV?
    already holds the uppdrag there? already ordered and waiting? Constant queries per list."""
    found, malformed = directory.find_persons(texts)
    ids = {p.id for p in found.values()}
    # As for En användare (manual 003): Nyupplägg needs an active engagement in KiV, not one at this vårdenhet.
    engaged = directory.engaged_at(ids, None)
    holds = directory.holding(ids, item_key, str(unit.id))
    waiting = directory.pending_for(ids, item_key, str(unit.id))
    rows: list[Row] = []
    seen_text: dict[str, int] = {}
    seen_person: dict[int, int] = {}
    for number, raw in enumerate(texts, start=1):
        text = raw.strip()
        row = Row(number, shown(text))
        person: PersonInfo | None = found.get(text)
        if person is not None:
            row.person_id, row.person = person.id, person.display
        key = text.replace("-", "").replace(" ", "").lower()
        if key in seen_text:
            row.problem = N_("Dubblett: samma identitet som rad %(row)s.", row=seen_text[key])
        elif text in malformed:
            row.problem = malformed[text]
        elif person is None:
            row.problem = NOBODY
        elif person.id in seen_person:
            row.problem = N_("Dubblett: samma person som rad %(row)s.", row=seen_person[person.id])
        elif not person.active or person.id not in engaged:
            row.problem = N_("Användaren har inget aktivt engagemang i KiV.")
        elif person.id in holds:
            row.problem = N_("Användaren har redan uppdraget vid vårdenheten.")
        elif person.id in waiting:
            row.problem = N_("Uppdraget är redan beställt för användaren och väntar (%(number)s).",
                             number=waiting[person.id])
        elif person.id == attestant_id:
            row.problem = N_("Användaren är vald attestant och kan inte attestera sin egen beställning.")
        seen_text.setdefault(key, number)
        if person is not None:
            seen_person.setdefault(person.id, number)
        rows.append(row)
    return rows


def unknown_personnummer(rows: list[Row], texts: list[str]) -> int:
    """How many rows are a personnummer that nobody in KiV has (each counts as a search of its own)."""
    return sum(1 for row, text in zip(rows, texts) if getattr(row.problem, "msgid", None) == NOBODY.msgid
               and _NUMBERISH.match(text.strip()) and len(re.sub(r"\D", "", text)) > 8)


def too_many_unknown(rows: list[Row], texts: list[str]) -> ValidationFailed | None:
    """The refusal of a whole list in which more than ``UNKNOWN_PERSONNUMMER_MAX`` personnummer name nobody;
    None otherwise. Such a list is not shown row by row (that would answer whose each number is)."""
    unknown = unknown_personnummer(rows, texts)
    if unknown <= UNKNOWN_PERSONNUMMER_MAX:
        return None
    return ValidationFailed({"identiteter": N_(
        "%(count)s personnummer i listan finns inte i KiV (högst %(max)s får saknas). Rätta listan och "
        "kontrollera igen.", count=unknown, max=UNKNOWN_PERSONNUMMER_MAX)})


def check_choices(*, units: list[UnitInfo], unit_id: int | None, uppdrag: tuple[Uppdrag, ...], item_key: str,
                  attestants: list[PersonInfo], attestant_id: int | None, start: str, today: date,
                  actor_id: int) -> dict[str, str]:
    """The choices made once for the whole list: vårdenhet, uppdrag, attestant, startdatum; every problem at
    once (one message per submit had the beställare send the form five times)."""
    errors: dict[str, str] = {}
    unit = next((u for u in units if u.id == unit_id), None)
    if unit_id is None:
        errors["enhet_id"] = N_("Välj vårdenhet.")
    elif unit is None:
        errors["enhet_id"] = N_("Du har ingen beställardelegering för denna vårdenhet.")
    chosen = next((u for u in uppdrag if u.item_key == item_key), None)
    if chosen is None:
        errors["uppdrag"] = N_("Välj vårdmedarbetaruppdrag.")
    elif unit is not None and not offered_at(chosen, unit):
        errors["uppdrag"] = N_("Administration spärr och logg kan bara beställas vid en privat vårdgivare.")
    if attestant_id not in {a.id for a in attestants if a.id != actor_id}:
        errors["attestant_id"] = N_("Välj attestant i listan.")
    day = parse_date(start)
    if day is None:
        errors["start_date"] = N_("Ange startdatum enligt formatet ÅÅÅÅ-MM-DD.") if (start or "").strip() \
            else N_("Ange startdatum.")
    else:
        if day < today:
            errors["start_date"] = N_("Startdatum kan inte vara tidigare än dagens datum.")
        elif day > latest_start(today):
            errors["start_date"] = START_TOO_LATE
    return errors


def requests_for(rows: list[Row], *, unit_id: int, item_key: str, attestant_id: int, start: str) -> list[OrderRequest]:
    """One Nyupplägg order per valid row: the uppdrag at the vårdenhet, the attestant, the start date."""
    return [OrderRequest(catalogue=CATALOGUE, kind=NYUPPLAGG, end_user_id=row.person_id,
                         lines=[LineInput(item_key, scope_key=str(unit_id), page="uppdrag")], enhet_id=unit_id,
                         attestants={"attest": attestant_id}, start_date=start)
            for row in rows if row.ok and row.person_id]
