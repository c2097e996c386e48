"""Katalogsynk från LDAP mot en riktig slapd: första körningen, ändringar, felaktiga poster, spärren."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from beh_core import ldap_region
from beh_core.db import get_database
from beh_core.demo import TITLES
from beh_core.identifiers import make_personnummer
from beh_core.ldap_server import PERSON_BASE, UNIT_BASE
from beh_core.models import (
    DirectorySyncRun, DirectorySyncStaged, Engagement, Enhet, Forvaltning, Kostnadsstalle, Omrade, Person,
)
from beh_core.services.directory_sync import sync_directory
from helpers import make_config

TODAY = date.today()
YESTERDAY = TODAY - timedelta(days=1)


@pytest.fixture
def app_config(migrated, tmp_path, kiv):
    return make_config(migrated, tmp_path, **kiv.settings())


def sync(app, **options):
    """One run as `flask beh directory sync` does it, in a session of its own."""
    with get_database(app).sessionmaker() as session:
        return sync_directory(session, app.config, **options)


def changes(report) -> dict:
    """What the run changed (every count except what it read)."""
    return {k: v for k, v in report.counts.items() if not k.startswith("lasta_")}


def snapshot(db) -> dict:
    """Every directory row as plain values, to compare before and after a run."""
    db.expire_all()
    rows = {}
    for model in (Forvaltning, Omrade, Enhet, Person, Engagement, Kostnadsstalle):
        columns = [c.key for c in model.__table__.columns]
        for row in db.execute(select(*[getattr(model, c) for c in columns])):
            rows[(model.__tablename__, row[0])] = tuple(row)
    return rows


def changed_rows(before: dict, after: dict) -> set:
    """(table, id) of rows that differ, appeared or disappeared."""
    return {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}


def person(db, n: int) -> Person:
    db.expire_all()
    return db.scalar(select(Person).where(Person.vgr_id == ldap_region.vgr_id(n)))


def test_första_synken_läser_en_hel_region_med_personer_enheter_chefer_och_kostnadsställen(app, kiv, db):
    report = sync(app)
    assert (report.status, report.mode, report.error_count) == ("ok", "full", 0)
    assert changes(report) == {"nya_forvaltningar": 4, "nya_omraden": 9, "nya_enheter": 27, "nya_personer": 1000,
                               "nya_engagemang": 1000, "andrade_chefer": 27, "nya_kostnadsstallen": 900}
    assert db.scalar(select(func.count(Person.id)).where(Person.active.is_(True))) == 1000
    five = person(db, 5)
    assert (five.hsa_id, five.titel, five.first_name_lc) == (ldap_region.hsa_id(5), TITLES[5 % len(TITLES)],
                                                             five.first_name.lower())
    assert [e.enhet.code for e in five.engagements] == [ldap_region.leaf_units()[5].code]
    assert five.engagements[0].kostnadsstalle == "60005" and five.engagements[0].end_date is None
    assert person(db, 7).engagements[0].end_date == TODAY - timedelta(days=30)  # an ended one stays ended
    assert person(db, 49).passnummer == "AB0000049" and person(db, 49).personnummer is None
    first_unit = db.scalar(select(Enhet).where(Enhet.code == "NH-O1-E1"))
    assert first_unit.chef.hsa_id == ldap_region.hsa_id(ldap_region.chef_index(0, 1000))
    assert first_unit.omrade.code == "NH-O1" and first_unit.omrade.forvaltning.name == "Närhälsan"
    assert db.scalar(select(Enhet.private_provider).where(Enhet.code == "NH-O1-E3")) is True
    assert db.scalar(select(Enhet.is_vardenhet).where(Enhet.code == "KSD-O1-E1")) is False
    ks = db.scalar(select(Kostnadsstalle).where(Kostnadsstalle.code == "60000"))
    assert ks.ansvarig.hsa_id == ldap_region.hsa_id(ldap_region.ansvarig_index(0, 1000))
    assert ks.forvaltning.code == "NH" and ks.active
    run = db.get(DirectorySyncRun, report.run_id)
    assert run.status == "ok" and run.finished_at and run.high_water
    assert db.scalar(select(func.count(DirectorySyncStaged.id))) == 0
    again = sync(app)
    assert (again.status, again.mode, changes(again)) == ("ok", "incremental", {})


def test_en_ändrad_titel_tas_med_av_nästa_körning_och_bara_den(app, kiv, db):
    sync(app)
    before = snapshot(db)
    kiv.replace(ldap_region.person_dn(10), title=["Överläkare"])
    report = sync(app)
    assert report.mode == "incremental" and changes(report) == {"andrade_personer": 1}
    assert report.counts["lasta_personer"] <= 2  # the changed entry (and the newest one of the last run)
    assert changed_rows(before, snapshot(db)) == {("persons", person(db, 10).id)}
    assert person(db, 10).titel == "Överläkare"


def test_ett_flyttat_engagemang_avslutar_det_gamla_och_lägger_till_det_nya(app, kiv, db):
    sync(app)
    old_unit, new_unit = ldap_region.leaf_units()[11], ldap_region.leaf_units()[20]
    before = snapshot(db)
    moved = ldap_region.engagement_value(new_unit.code, "anstalld", TODAY, None, True, "60123")
    kiv.replace(ldap_region.person_dn(11), kivEngagement=[moved])
    report = sync(app)
    assert changes(report) == {"andrade_personer": 1, "nya_engagemang": 1, "avslutade_engagemang": 1}
    eleven = person(db, 11)
    assert {(e.enhet.code, e.end_date) for e in eleven.engagements} == {(old_unit.code, YESTERDAY), (new_unit.code, None)}
    assert {table for table, _ in changed_rows(before, snapshot(db))} == {"engagements"}


def test_en_ny_verksamhetschef_tas_med_av_nästa_körning(app, kiv, db):
    sync(app)
    before = snapshot(db)
    unit = ldap_region.leaf_units()[0]
    kiv.replace(unit.dn, kivChef=[ldap_region.hsa_id(42)])
    report = sync(app)
    assert changes(report) == {"andrade_chefer": 1}
    unit_id = db.scalar(select(Enhet.id).where(Enhet.code == unit.code))
    assert changed_rows(before, snapshot(db)) == {("enheter", unit_id)}
    assert db.get(Enhet, unit_id).chef_id == person(db, 42).id


def test_en_borttagen_person_blir_inaktiv_men_finns_kvar(app, kiv, db):
    sync(app)
    kiv.delete(ldap_region.person_dn(13))
    report = sync(app)
    assert changes(report) == {"inaktiverade_personer": 1, "avslutade_engagemang": 1}
    gone = person(db, 13)
    assert gone is not None and gone.active is False and gone.engagements[0].end_date == YESTERDAY
    assert db.scalar(select(func.count(Person.id)).where(Person.active.is_(True))) == 999
    # Back in KiV: active again with the engagement KiV gives.
    kiv.add(ldap_region.person_dn(13), ldap_region.person_attributes(13, TODAY))
    back = sync(app)
    assert changes(back) == {"ateraktiverade_personer": 1, "andrade_engagemang": 1}
    assert person(db, 13).active and person(db, 13).engagements[0].end_date is None


def _bad_person(vgr: str, **changes) -> dict:
    attributes = ldap_region.person_attributes(3, TODAY)
    attributes.update({"uid": [vgr], "mail": [f"{vgr}@kiv.example"], "hsaIdentity": ["SE2321000131-P900000000001"],
                       "personalIdentityNumber": [make_personnummer(date(1990, 5, 17), 123)]})
    attributes.update(changes)
    return {k: v for k, v in attributes.items() if v}


def test_en_felaktig_post_rapporteras_och_hoppas_över_utan_att_personnumret_visas(app, kiv, db):
    good = make_personnummer(date(1990, 5, 17), 123)
    bad = good[:-1] + str((int(good[-1]) + 1) % 10)  # wrong check digit
    kiv.add(f"uid=felpnr,{PERSON_BASE}", _bad_person("felpnr", personalIdentityNumber=[bad]))
    kiv.add(f"uid=utanhsa,{PERSON_BASE}", _bad_person("utanhsa", hsaIdentity=[], personalIdentityNumber=[]))
    kiv.add(f"uid=okandenh,{PERSON_BASE}", _bad_person("okandenh", kivEngagement=["XX-1$anstalld$2020-01-01$$TRUE$"]))
    report = sync(app)
    assert report.status == "ok" and report.error_count == 3
    assert report.counts["nya_personer"] == 1000
    run = db.get(DirectorySyncRun, report.run_id)
    skipped = {e["post"]: e["fel"] for e in run.errors["poster"]}
    assert skipped == {"person felpnr": "ogiltigt personnummer eller samordningsnummer",
                       "person utanhsa": "HSA-id saknas", "person okandenh": "okänd enhet XX-1"}
    assert bad not in str(run.errors) and bad not in (run.message or "")
    assert db.scalar(select(func.count(Person.id)).where(Person.vgr_id.in_(["felpnr", "utanhsa", "okandenh"]))) == 0

    # A known person whose entry turns bad keeps what the portal had, and is never deactivated for it.
    before = snapshot(db)
    kiv.replace(ldap_region.person_dn(20), personalIdentityNumber=[bad], title=["Ny titel"])
    later = sync(app)
    assert later.status == "ok" and changes(later) == {} and later.error_count >= 1
    assert changed_rows(before, snapshot(db)) == set()
    assert person(db, 20).active


def test_ldap_som_stoppar_mitt_i_körningen_lämnar_katalogen_som_den_var(app, kiv, db):
    app.config["LDAP_PAGE_SIZE"] = 100

    def crash_at_third_person_page(kind, number):
        if kind == "person" and number == 3:
            kiv.server.kill()

    first = sync(app, on_page=crash_at_third_person_page)
    assert first.status == "failed" and "Inget har ändrats" in first.message
    assert db.scalar(select(func.count(Person.id))) == 0 and db.scalar(select(func.count(Enhet.id))) == 0
    assert db.scalar(select(func.count(DirectorySyncStaged.id))) == 0
    run = db.get(DirectorySyncRun, first.run_id)
    assert run.status == "failed" and run.finished_at and run.counts["lasta_personer"] == 300

    kiv.server.start()
    assert sync(app).status == "ok"
    before = snapshot(db)
    kiv.replace(ldap_region.person_dn(10), title=["Överläkare"])
    kiv.delete(ldap_region.person_dn(13))
    failed = sync(app, full=True, on_page=crash_at_third_person_page)
    assert failed.status == "failed"
    assert changed_rows(before, snapshot(db)) == set()
    assert db.scalar(select(func.count(DirectorySyncStaged.id))) == 0
    # The next run, with LDAP back, picks up what the failed one never saved.
    kiv.server.start()
    recovered = sync(app)
    assert recovered.status == "ok" and recovered.mode == "incremental"
    assert changes(recovered) == {"andrade_personer": 1, "inaktiverade_personer": 1, "avslutade_engagemang": 1}


def test_en_körning_som_skulle_inaktivera_för_många_stoppar_och_kräver_confirm(app, kiv, db):
    sync(app)
    for n in range(100, 160):  # 6 % of the region, above the 5 % limit
        kiv.delete(ldap_region.person_dn(n))
    stopped = sync(app)
    assert stopped.status == "stopped" and "--confirm" in stopped.message
    assert stopped.counts["skulle_inaktiveras"] == 60 and "inaktiverade_personer" not in stopped.counts
    assert db.scalar(select(func.count(Person.id)).where(Person.active.is_(True))) == 1000
    assert db.get(DirectorySyncRun, stopped.run_id).status == "stopped"
    confirmed = sync(app, confirm=True)
    assert confirmed.status == "ok" and confirmed.counts["inaktiverade_personer"] == 60
    assert db.scalar(select(func.count(Person.id)).where(Person.active.is_(True))) == 940


def test_ett_trasigt_filter_tömmer_aldrig_regionen(app, kiv, db):
    sync(app)
    app.config["LDAP_PERSON_FILTER"] = "(objectClass=finnsInte)"
    stopped = sync(app, full=True)
    assert stopped.status == "stopped" and stopped.counts["skulle_inaktiveras"] == 1000
    assert db.scalar(select(func.count(Person.id)).where(Person.active.is_(True))) == 1000


def test_en_enhet_under_fel_nivå_rapporteras(app, kiv, db):
    kiv.add(f"ou=Lös enhet,{UNIT_BASE.split(',', 1)[1]}", {"objectClass": ["organizationalUnit"], "ou": ["Lös enhet"]})
    kiv.add(f"ou=Utan område,ou=Närhälsan,{UNIT_BASE}", {"objectClass": ["organizationalUnit"], "ou": ["Utan område"]})
    report = sync(app)
    assert report.status == "ok" and report.error_count == 1  # the unit outside the unit base is not read at all
    assert db.get(DirectorySyncRun, report.run_id).errors["poster"] == [
        {"post": f"ou=Utan område,ou=Närhälsan,{UNIT_BASE}", "fel": "enheten saknar kod"}]


def test_när_databasen_vägrar_en_ändring_sparas_ingenting_av_körningen(app, kiv, db):
    sync(app)
    before = snapshot(db)
    first, second = ldap_region.leaf_units()[0], ldap_region.leaf_units()[1]
    kiv.replace(ldap_region.person_dn(10), title=["Överläkare"])
    kiv.replace(second.dn, hsaIdentity=[first.hsa_id])  # two units with one HSA-ID: the database refuses
    report = sync(app)
    assert report.status == "failed" and "kunde inte sparas (IntegrityError)" in report.message
    assert changed_rows(before, snapshot(db)) == set()  # not even the title of the same run
    assert db.get(DirectorySyncRun, report.run_id).status == "failed"
    assert db.scalar(select(func.count(DirectorySyncStaged.id))) == 0
