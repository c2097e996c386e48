"""Helpers for tests: a browser-like client and small lookups. Import with ``from helpers import ...``."""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import select

from beh_core.models import Person

CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def make_config(database_url: str, tmp_path: Path, **extra) -> dict:
    """Settings for a test app: demo login on, CSRF on (tests send the token like a browser)."""
    config = {
        "TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret", "DEMO": True,
        "DEMO_LOGIN": True, "FULFILLERS": ["lensa1"], "ADMINS": ["kardah"], "BASE_URL": "http://localhost",
        "SERVER_NAME": None,
        # The older HTTP flow tests attest without a card; SITHS tests set "required".
        "ATTEST_SIGNING": "off",
        # Tests log in and search far more often than people do; the rate limit tests set their own.
        "RATE_LIMIT_LOGIN": "10000 per minute", "RATE_LIMIT_SEARCH": "10000 per minute",
        "RATE_LIMIT_SUGGEST": "10000 per minute",
        "RATE_LIMIT_SITHS_CHALLENGE": "10000 per minute",
    }
    config.update(extra)
    return config


class Browser:
    """A test client that behaves like a browser with cookies and CSRF tokens."""

    def __init__(self, client) -> None:
        self.client = client
        self.token: str | None = None

    def _remember(self, response):
        match = CSRF_RE.search(response.get_data(as_text=True))
        if match:
            self.token = match.group(1)
        return response

    def get(self, url: str, **kwargs):
        """GET a page and remember its CSRF token."""
        return self._remember(self.client.get(url, **kwargs))

    def post(self, url: str, data: dict | None = None, *, csrf: bool = True, **kwargs):
        """POST a form with the CSRF token of the last page (like a browser)."""
        payload = dict(data or {})
        if csrf:
            if self.token is None:
                self.get("/login")
            payload.setdefault("csrf_token", self.token)
        return self._remember(self.client.post(url, data=payload, **kwargs))

    def login(self, vgr_id: str):
        """Log in with the demo login."""
        self.get("/login")
        response = self.post("/login/demo", {"vgr_id": vgr_id})
        assert response.status_code == 302, response.get_data(as_text=True)
        self.get("/")
        return response


def attest_step(attestant_id: int, order_status: str = "vantar_pa_attest"):
    """The one attest step of an order inserted directly (L/R: Attest by an area attestant)."""
    from beh_core.models import OrderAttestStep

    status = {"vantar_pa_attest": "vantar", "avslagen": "avslagen"}.get(order_status, "godkand")
    return OrderAttestStep(position=0, key="attest", label="Attest", rule="area", attestant_id=attestant_id,
                           status=status)


def person(db, vgr_id: str) -> Person:
    """The person with the VGR-ID."""
    return db.scalar(select(Person).where(Person.vgr_id == vgr_id))


def text_of(response) -> str:
    """The response body as text."""
    return response.get_data(as_text=True)



def forvaltning_id(db, code: str) -> int:
    """Id of the förvaltning with the code (NH, RH, SU, KSD)."""
    from beh_core.models import Forvaltning

    return db.scalar(select(Forvaltning.id).where(Forvaltning.code == code))


def first_unit(db, forvaltning_code: str, omrade_name: str):
    """(område id, first enhet id) of an område in a förvaltning."""
    from beh_core.models import Enhet, Forvaltning, Omrade

    omrade = db.scalar(select(Omrade).join(Forvaltning).where(Forvaltning.code == forvaltning_code,
                                                               Omrade.name == omrade_name))
    enhet = db.scalar(select(Enhet).where(Enhet.omrade_id == omrade.id).order_by(Enhet.name))
    return omrade.id, enhet.id


def people_without_permissions(db, count: int, today: date | None = None) -> list[Person]:
    """``count`` persons with an active engagement who hold nothing (fresh end users); adds persons if needed."""
    from beh_core.identifiers import make_personnummer
    from beh_core.models import Engagement, Enhet

    found: list[Person] = []
    for n in range(count):
        someone = person_without_permissions(db, today, exclude=tuple(p.vgr_id for p in found))
        if someone is None:
            unit = db.scalar(select(Enhet).order_by(Enhet.id))
            someone = Person(vgr_id=f"tillf{n}", first_name="Tillfällig", last_name=f"Person{n}",
                             first_name_lc="tillfällig", last_name_lc=f"person{n}", email=f"tillf{n}@demo.beh.example",
                             personnummer=make_personnummer(date(1990, 1, 1 + n % 28), 500 + n),
                             hsa_id=f"SE2321000131-T{n:012d}")
            someone.engagements.append(Engagement(enhet_id=unit.id, start_date=date(2020, 1, 1), is_primary=True))
            db.add(someone)
            db.commit()
        found.append(someone)
    return found


def person_without_permissions(db, today: date | None = None, exclude: tuple[str, ...] = ()) -> Person:
    """A person with an active engagement who holds nothing and has nothing on order (a fresh end user)."""
    from beh_core.models import Engagement, HeldPermission, Order

    today = today or date.today()
    held = select(HeldPermission.person_id).union(select(Order.end_user_id))
    active = select(Engagement.person_id).where(Engagement.start_date <= today,
                                                (Engagement.end_date.is_(None)) | (Engagement.end_date >= today))
    return db.scalar(select(Person).where(Person.id.not_in(held), Person.id.in_(active),
                                          Person.personnummer.is_not(None), Person.vgr_id.not_in(exclude),
                                          Person.id > 8).order_by(Person.id))


def start_wizard(browser, end_user: Person, forvaltning: int, kind: str = "nyupplagg"):
    """Steps 1 and 2 of the wizard: search by VGR-ID, Fortsätt, choose förvaltning and alternativ."""
    found = browser.post("/lr/", {"field": "vgr_id", "q": end_user.vgr_id})
    assert found.status_code == 200 and end_user.vgr_id in text_of(found)
    assert browser.post("/lr/person", {"person_id": end_user.id}).status_code == 302
    response = browser.post("/lr/behorigheter", {"forvaltning_id": forvaltning, "kind": kind})
    assert response.status_code == 302 and "/sida/" in response.headers["Location"], text_of(response)
    return response


def post_step(browser, url: str, data: dict):
    """POST a wizard step like a browser: a redirect back to the same page (Post/Redirect/Get with the
    errors) is followed and that page returned; a redirect onwards (the step passed) is returned as is."""
    response = browser.post(url, data)
    if response.status_code == 302 and urlsplit(response.headers["Location"]).path == url:
        return browser.get(url)
    return response


def choose_systems(browser, scope: str, choices: dict[str, dict[str, str]], *, catalogue: str = "lr", **extra):
    """Tick systems on the Lokala/Regionala page: {token: {field: value}}; press Nästa."""
    data: dict = {"action": "next", "choose": list(choices), **extra}
    for token, values in choices.items():
        for name, value in values.items():
            data[f"f.{token}.{name}"] = value
    return post_step(browser, f"/{catalogue}/sida/{scope}", data)


def review(browser, *, catalogue: str = "lr", **fields):
    """Post step 3 (Granska / Beställ) with the given fields (action=submit by default)."""
    fields.setdefault("action", "submit")
    return post_step(browser, f"/{catalogue}/granska", fields)


def make_order(db, *, orderer: Person, end_user: Person, attestant: Person, forvaltning_code: str,
               omrade_name: str, status: str = "vantar_pa_attest", item=("lr.esmaker", "esMaker")):
    """Insert an order directly (for tests of lists and rights, not of the wizard)."""
    from beh_core.models import Order, OrderLine

    omrade_id, enhet_id = first_unit(db, forvaltning_code, omrade_name)
    order = Order(catalogue="lr", kind="nyupplagg", status=status, orderer_id=orderer.id, end_user_id=end_user.id,
                  attestant_id=attestant.id, forvaltning_id=forvaltning_id(db, forvaltning_code),
                  omrade_id=omrade_id, enhet_id=enhet_id, start_date=date.today())
    order.lines.append(OrderLine(position=0, item_key=item[0], item_name=item[1], scope="regional", values={}))
    order.attest_steps.append(attest_step(attestant.id, status))
    db.add(order)
    db.flush()
    order.number = f"c{900000 + order.id}"
    db.commit()
    return order


def load_script(name: str):
    """A script of ``scripts/`` (``bench_plans``) loaded as a module, for testing its functions."""
    import importlib.util

    path = Path(__file__).resolve().parent.parent / "scripts" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
