"""Migration 0008 on a database that earlier races left inconsistent: it cleans up and then holds the rules.

Duplicate active held permissions and overlapping delegations (what the
races of issue 8 produced) must not stop the upgrade: the oldest stays, the
others are ended. Card sessions move to login_sessions.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from alembic import command
from sqlalchemy import MetaData, select

from beh_core import create_app
from beh_core.cli import alembic_config
from beh_core.db import get_database

TODAY = date.today()
NOW = datetime.now(timezone.utc)


def test_migreringen_städar_upp_efter_gamla_kapplöpningar(empty_database, tmp_path):
    app = create_app({"DATABASE_URL": empty_database, "SECRET_KEY": "m", "DEMO": True, "TESTING": True})
    config = alembic_config(app)
    command.upgrade(config, "0006")
    engine = get_database(app).engine
    meta = MetaData()
    meta.reflect(engine)
    t = meta.tables
    with engine.begin() as conn:
        conn.execute(t["forvaltningar"].insert().values(id=1, code="NH", name="Närhälsan"))
        conn.execute(t["omraden"].insert().values(id=1, code="NH-O1", name="Norr", forvaltning_id=1))
        conn.execute(t["persons"].insert().values(id=1, vgr_id="anna1", first_name="A", last_name="B",
                                                  first_name_lc="a", last_name_lc="b"))
        delegation = dict(person_id=1, scope="omrade", forvaltning_id=1, omrade_id=1, is_bestallare=True,
                          is_attestant=False, created_at=NOW)
        conn.execute(t["delegations"].insert(), [
            {**delegation, "id": 1, "valid_from": TODAY, "valid_to": TODAY + timedelta(days=300)},
            {**delegation, "id": 2, "valid_from": TODAY, "valid_to": TODAY + timedelta(days=300)},
            {**delegation, "id": 3, "valid_from": TODAY + timedelta(days=301), "valid_to": TODAY + timedelta(days=400)}])
        held = dict(person_id=1, item_key="lr.corpus", details={}, forvaltning_id=None,
                    valid_from=TODAY - timedelta(days=9), created_at=NOW)
        conn.execute(t["held_permissions"].insert(), [
            {**held, "id": 1, "valid_to": None}, {**held, "id": 2, "valid_to": None},
            {**held, "id": 3, "valid_to": TODAY - timedelta(days=2)},
            {**held, "id": 4, "item_key": "lr.nh.navet", "forvaltning_id": 1, "valid_to": None}])
        conn.execute(t["siths_sessions"].insert().values(sid="abc", person_id=1, method="challenge",
                                                         certificate_sha256="f" * 64, created_at=NOW))
    command.upgrade(config, "heads")
    meta = MetaData()
    meta.reflect(engine)
    t = meta.tables
    with engine.connect() as conn:
        ended = {row.id: row.ended_at is not None for row in conn.execute(select(t["held_permissions"]))}
        assert ended == {1: False, 2: True, 3: True, 4: False}
        scope_keys = dict(conn.execute(select(t["held_permissions"].c.id, t["held_permissions"].c.scope_key)).all())
        assert scope_keys[4] == "1" and scope_keys[1] == ""
        delegations = {row.id: row for row in conn.execute(select(t["delegations"]))}
        assert delegations[2].valid_to < delegations[2].valid_from and delegations[2].ended_at is not None
        assert delegations[1].ended_at is None and delegations[3].ended_at is None
        [session] = conn.execute(select(t["login_sessions"])).all()
        assert session.sid == "abc" and session.method == "challenge"
        assert "siths_sessions" not in t
    engine.dispose()
