"""The one authorization module: rights only from KiV and delegations, every rule documented, no view deciding."""
from __future__ import annotations

import inspect
import re
from datetime import date
from pathlib import Path

from beh_core import authz
from beh_core.models import Delegation, Enhet, Person
from helpers import person
from sqlalchemy import select

ROOT = Path(__file__).resolve().parent.parent
TODAY = date.today()
# Reading these on the Actor is deciding; only beh_core/authz.py (and the delegation operations it serves) may.
RIGHTS = re.compile(r"\.(is_chef|is_admin|is_fulfiller|area_bestallare|area_attestant|unit_bestallare|"
                    r"unit_attestant|delegations|chef_enhet_ids|chef_scopes)\b")


def test_ingen_vy_bestämmer_själv_utan_frågar_authz():
    offenders = [f"{path.name}:{n}: {line.strip()}" for path in sorted((ROOT / "beh_core" / "views").glob("*.py"))
                 for n, line in enumerate(path.read_text("utf-8").splitlines(), 1) if RIGHTS.search(line)]
    assert offenders == []


def test_varje_regel_har_en_docstring_och_finns_beskriven_i_docs():
    doc = (ROOT / "docs" / "authorization.md").read_text("utf-8")
    for name, function in inspect.getmembers(authz, inspect.isfunction):
        if function.__module__ == authz.__name__ and not name.startswith("_"):
            assert function.__doc__, f"authz.{name} has no docstring"
            if name.startswith("may_"):
                assert f"`{name}" in doc, f"authz.{name} is not described in docs/authorization.md"
    for rule in authz.ROUTE_RULES:
        assert f"`{rule}`" in doc, f"route rule {rule!r} is not described in docs/authorization.md"


def test_verksamhetschef_får_delegera_men_varken_beställa_eller_attestera_automatiskt(region, app):
    unit = region.scalar(select(Enhet).where(Enhet.code == "RH-O1-E1"))
    chef_only = region.scalar(select(Person).where(Person.id > 8, Person.id.not_in(select(Delegation.person_id)))
                              .order_by(Person.id))
    unit.chef_id = chef_only.id
    region.commit()
    actor = authz.load_actor(region, chef_only, TODAY, app.config, portal=app.extensions["beh_runtime"])
    assert authz.may_delegate(actor) and actor.delegations == []
    assert not any(authz.may_order(actor, c) for c in app.extensions["beh_runtime"].registry.catalogues)
    assert not authz.allows(actor, "attest") and not authz.allows(actor, "order", {"catalogue": "lr"})


def test_marho1_har_delegering_i_norr_men_inget_i_söder_där_hon_också_är_chef(region, app):
    actor = authz.load_actor(region, person(region, "marho1"), TODAY, app.config)
    soder = region.scalar(select(Enhet).where(Enhet.code == "NH-O2-E1")).omrade
    assert authz.may_delegate_lr(actor, soder.forvaltning_id, soder.id)
    assert not authz.may_order_in(actor, soder.forvaltning_id, soder.id)


def test_beställare_och_attestant_får_inte_delegera(region, app):
    for vgr_id in ("sarbe1", "johek1", "perwi1", "eriny1", "lensa1", "kardah"):
        actor = authz.load_actor(region, person(region, vgr_id), TODAY, app.config)
        assert not authz.may_delegate(actor) and not authz.allows(actor, "delegate"), vgr_id
