"""``flask beh directory sync``: the directory from KiV/HSA over LDAP, safely (docs/directory-sync.md).

A run has two phases, and that is how "one transaction per batch" and "a failing
run changes nothing half-way" go together:

1. Read. Every LDAP page (units, kostnadsställen, persons) is validated and
   written to ``directory_sync_staged`` in one transaction per page, together
   with the run record's progress. The portal's own tables are not touched, so
   LDAP may die at any page: the run is marked failed, its staged rows are
   removed, and the directory is exactly as before.
2. Apply. When LDAP has answered in full, the mass-deactivation guard is
   checked, then one transaction turns the staged rows into changes of units,
   persons, engagements, chefs and kostnadsställen, writes the audit event and
   marks the run ok. It commits whole or not at all. Its locks are held for
   seconds (the diff), never while waiting for LDAP.

An entry that does not validate is recorded in the run (by VGR-ID or DN, never
by personnummer) and skipped; it still counts as present, so a typo in KiV
never deactivates a person.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Callable

from sqlalchemy import delete, exists, func, select, text
from sqlalchemy.orm import Session

from .. import audit
from ..labels import _N
from ..models import DirectorySyncRun, DirectorySyncStaged, Person, utcnow
from ..models.directory_sync import RUN_FAILED, RUN_OK, RUN_RUNNING, RUN_STOPPED
from . import ldap_source
from .directory_apply import apply_staged
from .ldap_source import BadEntry, LdapSettings, LdapUnavailable, SyncConfigError

log = logging.getLogger(__name__)

MODE_LABELS = {"full": _N("Full avstämning"), "incremental": _N("Ändringar sedan förra körningen")}
STATUS_LABELS = {RUN_RUNNING: _N("Pågår"), RUN_OK: _N("Klar"), RUN_FAILED: _N("Misslyckades"),
                 RUN_STOPPED: _N("Stoppad: kräver --confirm")}
COUNT_LABELS = {
    "lasta_enheter": _N("Lästa enheter"), "lasta_kostnadsstallen": _N("Lästa kostnadsställen"),
    "lasta_personer": _N("Lästa personer"), "nya_forvaltningar": _N("Nya förvaltningar"),
    "nya_omraden": _N("Nya områden"), "nya_enheter": _N("Nya enheter"), "andrade_enheter": _N("Ändrade enheter"),
    "enheter_saknas_i_ldap": _N("Enheter som saknas i LDAP (behålls)"), "nya_personer": _N("Nya personer"),
    "andrade_personer": _N("Ändrade personer"), "ateraktiverade_personer": _N("Återaktiverade personer"),
    "inaktiverade_personer": _N("Inaktiverade personer"), "skulle_inaktiveras": _N("Skulle inaktiveras"),
    "nya_engagemang": _N("Nya engagemang"), "andrade_engagemang": _N("Ändrade engagemang"),
    "avslutade_engagemang": _N("Avslutade engagemang"), "andrade_chefer": _N("Ändrade verksamhetschefer"),
    "nya_kostnadsstallen": _N("Nya kostnadsställen"), "andrade_kostnadsstallen": _N("Ändrade kostnadsställen"),
    "inaktiverade_kostnadsstallen": _N("Inaktiverade kostnadsställen"),
}
ERRORS_KEPT = 500  # skipped entries listed on the run; the count is always complete
PRESENT_KINDS = ("person", "present")


class SyncBusy(Exception):
    """Another sync run is under way."""


@dataclass
class SyncReport:
    """What a run did: its id, final status, counts and how many entries were skipped."""

    run_id: int
    status: str
    mode: str
    counts: dict = field(default_factory=dict)
    error_count: int = 0
    message: str | None = None

    def __str__(self) -> str:
        counts = "".join(f"{k} {v}, " for k, v in self.counts.items())
        return f"Katalogsynk {self.run_id} ({self.mode}): {self.status}. {counts}överhoppade poster {self.error_count}." \
            + (f" {self.message}" if self.message else "")


class _Run:
    """The run record and its error list while a run reads LDAP."""

    def __init__(self, session: Session, run: DirectorySyncRun) -> None:
        self.session, self.run = session, run
        self.errors: list[dict] = []
        self.error_count = 0
        self.counts: dict[str, int] = {}

    def skip(self, key: str, reason: str) -> None:
        """Record a skipped entry (kept in the run up to ERRORS_KEPT)."""
        self.error_count += 1
        if len(self.errors) < ERRORS_KEPT:
            self.errors.append({"post": key, "fel": reason})

    def add(self, name: str, n: int = 1) -> None:
        """Add to a count."""
        self.counts[name] = self.counts.get(name, 0) + n

    def save(self) -> None:
        """Copy counts and errors into the run record (in the caller's transaction)."""
        self.run.counts = dict(self.counts)
        self.run.errors = {"poster": list(self.errors)}
        self.run.error_count = self.error_count


def last_ok_run(session: Session) -> DirectorySyncRun | None:
    """The newest successful run (its high_water starts the next incremental run)."""
    return session.scalar(select(DirectorySyncRun).where(DirectorySyncRun.status == RUN_OK)
                          .order_by(DirectorySyncRun.id.desc()).limit(1))


def _claim(session: Session, mode: str, started_by: str, stale_seconds: int) -> DirectorySyncRun:
    """Mark crashed runs failed, refuse when one is running, then create this run's record (committed)."""
    stale_before = utcnow() - timedelta(seconds=stale_seconds)
    for old in session.scalars(select(DirectorySyncRun).where(DirectorySyncRun.status == RUN_RUNNING)):
        if old.started_at.replace(tzinfo=old.started_at.tzinfo or utcnow().tzinfo) < stale_before:
            old.status, old.finished_at = RUN_FAILED, utcnow()
            old.message = "Körningen avbröts utan att avslutas (processen dog); inget av den sparades."
            session.execute(delete(DirectorySyncStaged).where(DirectorySyncStaged.run_id == old.id))
        else:
            session.rollback()
            raise SyncBusy(f"Katalogsynk {old.id} pågår sedan {old.started_at:%Y-%m-%d %H:%M}.")
    run = DirectorySyncRun(mode=mode, status=RUN_RUNNING, started_by=started_by, counts={}, errors={}, error_count=0)
    session.add(run)
    session.commit()
    return run


def _stage(session: Session, state: _Run, kind: str, rows: list[tuple[str, dict]]) -> None:
    """One page: its staged rows and the run's progress, in one transaction."""
    session.add_all(DirectorySyncStaged(run_id=state.run.id, kind=kind, key=key[:200], data=data) for key, data in rows)
    state.save()
    session.commit()


def _read(session: Session, state: _Run, settings: LdapSettings, incremental_from: str | None,
          on_page: Callable[[str, int], None] | None) -> str | None:
    """Phase 1: read LDAP page by page into the staging table; returns the newest modifyTimestamp seen."""
    amap = settings.attributes
    conn = ldap_source.connect(settings)
    high_water: str | None = incremental_from
    try:
        def pages(kind: str, base: str, filterstr: str, attributes: list[str]):
            for number, page in enumerate(ldap_source.paged_search(conn, base, filterstr, attributes,
                                                                   settings.page_size), start=1):
                yield page
                if on_page is not None:
                    on_page(kind, number)

        for page in pages("unit", settings.unit_base, settings.unit_filter, ldap_source.unit_attributes(amap)):
            rows = []
            for dn, entry in page:
                try:
                    record = ldap_source.unit_record(dn, entry, amap, settings.unit_base)
                except BadEntry as bad:
                    state.skip(bad.key, bad.reason)
                    continue
                if record:
                    rows.append(record)
            state.add("lasta_enheter", len(rows))
            _stage(session, state, "unit", rows)
        if settings.kostnadsstalle_base:
            for page in pages("kostnad", settings.kostnadsstalle_base, settings.kostnadsstalle_filter,
                              ldap_source.kostnadsstalle_attributes(amap)):
                rows = [r for r in (ldap_source.kostnadsstalle_record(dn, e, amap) for dn, e in page) if r]
                state.add("lasta_kostnadsstallen", len(rows))
                _stage(session, state, "kostnad", rows)
        person_filter = settings.person_filter
        if incremental_from:
            person_filter = f"(&{settings.person_filter}(modifyTimestamp>={incremental_from}))"
        for page in pages("person", settings.person_base, person_filter, ldap_source.person_attributes(amap)):
            rows, present = [], []
            for dn, entry in page:
                try:
                    key, record = ldap_source.person_record(dn, entry, amap)
                except BadEntry as bad:
                    state.skip(bad.key, bad.reason)
                    if bad.present:  # still in KiV: never deactivated because of a bad value
                        present.append((bad.present, {}))
                    continue
                rows.append((key, record))
                if record["modified"] and (high_water is None or record["modified"] > high_water):
                    high_water = record["modified"]
            state.add("lasta_personer", len(rows))
            _stage(session, state, "person", rows)
            if present:
                _stage(session, state, "present", present)
        if incremental_from:
            # Who is still in KiV at all: only the key of each person, so deletions are seen too.
            for page in pages("present", settings.person_base, settings.person_filter,
                              [amap["vgr_id"], "modifyTimestamp"]):
                rows = []
                for _, entry in page:
                    key = (ldap_source._one(entry, amap["vgr_id"]) or "").lower()
                    if key:
                        rows.append((key, {}))
                    stamp = ldap_source._one(entry, "modifyTimestamp")
                    if stamp and stamp > (high_water or ""):
                        high_water = stamp
                _stage(session, state, "present", rows)
    finally:
        try:
            conn.unbind_s()
        except Exception:  # noqa: BLE001 - the server may already be gone; nothing to clean up
            pass
    return high_water


def _to_deactivate(session: Session, run_id: int):
    present = select(DirectorySyncStaged.id).where(
        DirectorySyncStaged.run_id == run_id, DirectorySyncStaged.kind.in_(PRESENT_KINDS),
        DirectorySyncStaged.key == Person.vgr_id)
    return select(Person.id).where(Person.active.is_(True), ~exists(present))


def _finish_failed(session: Session, state: _Run, status: str, message: str) -> None:
    """Mark the run failed or stopped and drop its staged rows, in one transaction."""
    session.rollback()
    run_id = state.run.id  # reloaded after the rollback
    session.execute(delete(DirectorySyncStaged).where(DirectorySyncStaged.run_id == run_id))
    run = session.get(DirectorySyncRun, run_id)
    state.run = run
    state.save()
    run.status, run.finished_at, run.message = status, utcnow(), message
    session.commit()


def sync_directory(session: Session, config, *, full: bool = False, confirm: bool = False,
                   started_by: str = "cli", today: date | None = None,
                   on_page: Callable[[str, int], None] | None = None) -> SyncReport:
    """Run one directory sync from LDAP: incremental after a successful run, else (or with ``full``) a full one.

    Raises SyncConfigError for missing or unsafe settings and SyncBusy when another run is under way;
    every other outcome (ok, failed, stopped by the guard) is in the returned report and the run record.
    ``on_page(kind, page_number)`` is called after each page is staged (progress output).
    """
    settings = LdapSettings.from_config(config)
    today = today or date.today()
    previous = None if full else last_ok_run(session)
    incremental_from = previous.high_water if previous is not None else None
    mode = "incremental" if incremental_from else "full"
    run = _claim(session, mode, started_by, int(config.get("LDAP_STALE_RUN_SECONDS", 4 * 3600)))
    run_id = run.id  # usable in messages even after a failed transaction
    state = _Run(session, run)
    try:
        high_water = _read(session, state, settings, incremental_from, on_page)
    except (LdapUnavailable, SyncConfigError) as error:
        message = f"{error} Inget har ändrats i katalogen."
        log.warning("Directory sync %s failed while reading LDAP: %s", run_id, error)
        _finish_failed(session, state, RUN_FAILED, message)
        return _report(state, RUN_FAILED, message)
    if session.get_bind().dialect.name == "postgresql":
        # Fresh statistics, so the planner joins the staged keys to persons by hash, not row by row.
        session.execute(text("ANALYZE directory_sync_staged"))
        session.commit()
    active = session.scalar(select(func.count(Person.id)).where(Person.active.is_(True))) or 0
    # Decided once, on the committed directory: the apply adds or reactivates only persons that are present.
    missing = list(session.scalars(_to_deactivate(session, run.id)))
    leaving = len(missing)
    limit = int(config.get("LDAP_MAX_DEACTIVATE_PERCENT", 5))
    if active and leaving * 100 > active * limit and not confirm:
        message = (f"Körningen skulle inaktivera {leaving} av {active} aktiva personer, mer än {limit} %. "
                   f"Kontrollera LDAP-filtret och sökbaserna; kör igen med --confirm om det stämmer. "
                   f"Inget har ändrats i katalogen.")
        state.add("skulle_inaktiveras", leaving)
        _finish_failed(session, state, RUN_STOPPED, message)
        return _report(state, RUN_STOPPED, message)
    try:
        counts = apply_staged(session, run.id, today=today, skip=state.skip,
                              deactivate=missing,
                              kostnadsstallen_synced=bool(settings.kostnadsstalle_base))
        for name, value in counts.items():
            state.add(name, value)
        run.status, run.finished_at, run.high_water = RUN_OK, utcnow(), high_water
        state.save()
        session.execute(delete(DirectorySyncStaged).where(DirectorySyncStaged.run_id == run.id))
        audit.record(session, None, "directory.synced", "directory_sync_run", run.id, mode=mode,
                     started_by=started_by, skipped=state.error_count,
                     **{k: v for k, v in state.counts.items() if v})
        session.commit()
    except Exception as error:  # noqa: BLE001 - any failure of the apply transaction: nothing of it stays
        # The class name only: a database error's text may quote the values of a row.
        message = f"Ändringarna kunde inte sparas ({type(error).__name__}). Inget har ändrats i katalogen."
        log.error("Directory sync %s failed while applying: %s", run_id, type(error).__name__)
        _finish_failed(session, state, RUN_FAILED, message)
        return _report(state, RUN_FAILED, message)
    return _report(state, RUN_OK, None)


def _report(state: _Run, status: str, message: str | None) -> SyncReport:
    return SyncReport(run_id=state.run.id, status=status, mode=state.run.mode, counts=dict(state.counts),
                      error_count=state.error_count, message=message)


def changes_total(run: DirectorySyncRun) -> int:
    """How many changes a run made (every count except what it read)."""
    return sum(v for k, v in (run.counts or {}).items()
               if not k.startswith("lasta_") and k not in ("enheter_saknas_i_ldap", "skulle_inaktiveras"))


def recent_runs(session: Session, limit: int = 50) -> list[DirectorySyncRun]:
    """The newest runs first (the administrators' Katalogsynk page)."""
    return list(session.scalars(select(DirectorySyncRun).order_by(DirectorySyncRun.id.desc()).limit(limit)))
