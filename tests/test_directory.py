"""The directory (KiV): JSON import and the demo region."""
import json
from datetime import date

import pytest
from sqlalchemy import func, select

from beh_core.demo import build_demo_region
from beh_core.identifiers import make_personnummer, normalise_hsa_id, normalise_personnummer
from beh_core.models import Delegation, Engagement, Enhet, Forvaltning, HeldPermission, Person
from beh_core.services.directory import has_active_engagement
from beh_core.services.directory_import import import_directory
from beh_core.services.errors import ValidationFailed

PNR = make_personnummer(date(1979, 11, 3), 456)


def kiv_file(**person_overrides):
    person = {"vgr_id": "testa1", "hsa_id": "SE2321000131-P000000777001", "personnummer": PNR,
              "first_name": "Testa", "last_name": "Testsson", "email": "testa1@example.org", "titel": "Läkare",
              "ansvarsnummer": "W11111",
              "engagements": [{"enhet": "X-O1-E1", "kind": "anstalld", "start": "2020-01-01", "end": None,
                               "primary": True, "kostnadsstalle": "60001"}],
              "permissions": [{"item": "lr.corpus", "from": "2021-01-01"}]}
    person.update(person_overrides)
    return {"forvaltningar": [{"code": "X", "name": "Exempelförvaltningen", "omraden": [
        {"code": "X-O1", "name": "Område Ett", "enheter": [
            {"code": "X-O1-E1", "name": "Exempelenheten", "hsa_id": "SE2321000131-E000000777001",
             "vardenhet": True, "private_provider": True, "chef": "testa1"}]}]}],
        "persons": [person]}


def test_import_från_json(db):
    counts = import_directory(db, kiv_file())
    assert counts == {"förvaltningar": 1, "enheter": 1, "personer": 1}
    person = db.scalar(select(Person).where(Person.vgr_id == "testa1"))
    assert person.personnummer == PNR and has_active_engagement(person, date.today())
    unit = db.scalar(select(Enhet))
    assert unit.chef_id == person.id and unit.private_provider
    assert db.scalar(select(HeldPermission.item_key)) == "lr.corpus"
    # A second import updates instead of duplicating.
    import_directory(db, kiv_file(titel="Överläkare"))
    assert db.scalar(select(func.count(Person.id))) == 1
    assert db.scalar(select(Person.titel)) == "Överläkare"


def test_import_med_fel_sparar_ingenting_och_visar_aldrig_personnumret(db):
    bad = PNR[:-1] + str((int(PNR[-1]) + 1) % 10)
    with pytest.raises(ValidationFailed) as failed:
        import_directory(db, kiv_file(personnummer=bad))
    assert "testa1: ogiltigt personnummer" in failed.value.errors["file"]
    assert bad not in str(failed.value)
    db.rollback()
    assert db.scalar(select(func.count(Forvaltning.id))) == 0


def test_import_via_kommandoraden(app, tmp_path):
    path = tmp_path / "kiv.json"
    path.write_text(json.dumps(kiv_file()), "utf-8")
    result = app.test_cli_runner().invoke(args=["beh", "directory", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "personer 1" in result.output


def test_demoregionen_är_sammanhängande(app, db):
    summary = build_demo_region(db, persons=500, orders=50, seed=3, rt=app.extensions["beh_runtime"])
    assert summary["personer"] == 500
    names = set(db.scalars(select(Forvaltning.name)))
    assert {"Närhälsan", "Regionhälsan"} <= names
    for person in db.scalars(select(Person)):
        if person.personnummer:
            assert normalise_personnummer(person.personnummer) == person.personnummer
        assert normalise_hsa_id(person.hsa_id) == person.hsa_id
    today = date.today()
    inactive = db.scalar(select(func.count(Person.id)).where(~Person.id.in_(
        select(Engagement.person_id).where((Engagement.end_date.is_(None)) | (Engagement.end_date >= today)))))
    assert inactive > 10
    assert db.scalar(select(func.count(Enhet.id)).where(Enhet.chef_id.is_not(None))) == db.scalar(select(func.count(Enhet.id)))
    assert db.scalar(select(func.count(Delegation.id)).where(Delegation.is_bestallare.is_(True))) > 0
    assert db.scalar(select(func.count(Delegation.id)).where(Delegation.is_attestant.is_(True))) > 0
    with pytest.raises(RuntimeError, match="tom databas"):
        build_demo_region(db, persons=10)
