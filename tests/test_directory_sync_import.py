"""KiV-importen (JSON) bär kostnadsställen och vem som ansvarar för varje; demoregionen har dem också."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from beh_core.demo import build_demo_region
from beh_core.models import Engagement, Kostnadsstalle
from beh_core.services.directory_import import import_directory
from beh_core.services.errors import ValidationFailed
from test_directory import kiv_file


def with_kostnadsstallen(*records, **person_overrides):
    data = kiv_file(**person_overrides)
    data["kostnadsstallen"] = list(records)
    return data


def test_import_av_kostnadsställen_med_ansvarig(db):
    data = with_kostnadsstallen({"code": "60001", "name": "Exempelenheten", "forvaltning": "X", "ansvarig": "testa1"})
    counts = import_directory(db, data)
    assert counts["kostnadsställen"] == 1
    ks = db.scalar(select(Kostnadsstalle).where(Kostnadsstalle.code == "60001"))
    assert (ks.name, ks.forvaltning.code, ks.ansvarig.vgr_id, ks.active) == ("Exempelenheten", "X", "testa1", True)
    # Again, with a new name and no longer active: updated by code, not duplicated.
    data["kostnadsstallen"][0].update(name="Nytt namn", active=False)
    import_directory(db, data)
    db.expire_all()
    assert db.scalar(select(func.count(Kostnadsstalle.id))) == 1
    assert (ks.name, ks.active) == ("Nytt namn", False)


def test_kostnadsställe_med_okänd_ansvarig_eller_förvaltning_sparar_ingenting(db):
    data = with_kostnadsstallen({"code": "60001", "name": "A", "forvaltning": "NOPE", "ansvarig": "finnsej1"},
                                {"code": "", "name": ""})
    with pytest.raises(ValidationFailed) as failed:
        import_directory(db, data)
    message = failed.value.errors["file"]
    assert "okänd förvaltning 'NOPE'" in message and "ansvarig finnsej1 finns inte" in message
    assert "kostnadsställe ?: kod (högst 20 tecken) och namn krävs" in message
    assert db.scalar(select(func.count(Kostnadsstalle.id))) == 0


def test_demoregionens_engagemang_har_kostnadsställen_med_ansvarig(db):
    summary = build_demo_region(db, persons=80, orders=0, seed=3)
    used = set(db.scalars(select(Engagement.kostnadsstalle).distinct()))
    known = {k.code: k for k in db.scalars(select(Kostnadsstalle))}
    assert summary["kostnadsställen"] == len(known) and used == set(known)
    assert all(k.ansvarig_id and k.forvaltning_id for k in known.values())
