"""Steps of Hantera användartjänst (manual 004) over HTTP, as a beställare clicks them.

Every POST answers with a redirect (Post/Redirect/Get); ``step`` follows it and returns the
page the browser shows next. Import with ``from usertjanst_steps import ...``.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from datetime import date

from sqlalchemy import func, select

from beh_core.models import Engagement, Kostnadsstalle, Order, Person
from helpers import text_of

BASE = "/anvandartjanst"


def step(browser, path: str, data: dict):
    """POST a step's form like a browser and follow the redirect: (page path, page text)."""
    response = browser.post(BASE + path, data)
    assert response.status_code == 302, (response.status_code, text_of(response)[:3000])
    where = urlsplit(response.headers["Location"])
    target = where.path + (f"?{where.query}" if where.query else "")
    page = browser.get(target)
    assert page.status_code == 200, (target, page.status_code, text_of(page)[:3000])
    return where.path, text_of(page)


def choose_identity(browser, person: Person):
    """Välj identitet by VGR-ID (the only match) and Fortsätt: (page path, text)."""
    return step(browser, "/", {"q": person.vgr_id, "action": "fortsatt"})


def costs(browser, kostnadsstalle: str, frikod1: str = "", frikod2: str = "", action: str = "fortsatt"):
    """Välj kostnadsställe: type it (and frikoder), Fortsätt."""
    return step(browser, "/kostnadsstalle", {"kostnadsstalle": kostnadsstalle, "frikod1": frikod1,
                                             "frikod2": frikod2, "action": action})


def details(browser, *, orsak: str = "Nyanställd", kontext: int | str | None = None, start: str = "",
            end: str = "", action: str = "fortsatt"):
    """Specificera detaljer: orsak, verksamhetskontext (default: the one prefilled), dates; Fortsätt."""
    if kontext is None:
        page = text_of(browser.get(BASE + "/detaljer"))
        kontext = page.split('name="verksamhetskontext"', 1)[1].split('value="', 1)[1].split('"', 1)[0]
    return step(browser, "/detaljer", {"orsak": orsak, "verksamhetskontext": kontext, "start_date": start,
                                       "end_date": end, "action": action})


def add(browser, level: str):
    """Lägg till a level in Dina val."""
    return step(browser, "/val", {"action": f"add:{level}"})


def send(browser):
    """Skicka: (path of the page shown, its text)."""
    return step(browser, "/val", {"action": "skicka"})


def order_up_to_levels(browser, person: Person, kostnadsstalle: str, **details_args):
    """Identity, kostnadsställe and details, ending on Sök och välj."""
    path, _ = choose_identity(browser, person)
    assert path == BASE + "/kostnadsstalle", path
    path, page = costs(browser, kostnadsstalle)
    assert path == BASE + "/detaljer", page[:2000]
    path, page = details(browser, **details_args)
    assert path == BASE + "/val", page[:2000]
    return page


def orders(db) -> int:
    """How many orders there are (to see that nothing was saved)."""
    db.expire_all()
    return db.scalar(select(func.count(Order.id)))


def latest_order(db) -> Order:
    """The newest order."""
    db.expire_all()
    return db.scalar(select(Order).order_by(Order.id.desc()).limit(1))


def person_by_index(db, n: int) -> Person:
    """The n:th person of the demo region (0-based; the fixed identities first)."""
    return db.scalar(select(Person).order_by(Person.id).offset(n).limit(1))


def ansvarig_of(db, code: str) -> Person:
    """Who answers for the kostnadsställe."""
    return db.scalar(select(Person).join(Kostnadsstalle, Kostnadsstalle.ansvarig_id == Person.id)
                     .where(Kostnadsstalle.code == code))


def kostnadsstalle_of(db, person: Person) -> str:
    """The primary engagement's kostnadsställe."""
    return db.scalar(select(Engagement.kostnadsstalle).where(Engagement.person_id == person.id,
                                                             Engagement.is_primary.is_(True)))


def order_request_with_lines(db, rt, draft, lines, kind: str | None = None) -> str:
    """Send the draft's order with other lines (or another kind) straight to the core's create_orders, as a
    forged form would: the Swedish messages of the refusal, joined ("" when the order was made)."""
    from beh_core import authz
    from beh_core.models import Engagement
    from beh_core.services.errors import ValidationFailed
    from beh_core.services.ordering import OrderRequest, create_orders

    data = draft.data
    orderer = db.get(Person, draft.person_id)
    engagement = db.get(Engagement, int(data["detaljer"]["verksamhetskontext"])) if data.get("detaljer") else \
        db.scalar(select(Engagement).where(Engagement.person_id == data["person_id"]))
    unit = engagement.enhet
    request = OrderRequest(
        catalogue="usertjanst", kind=kind or data.get("kind") or "nyupplagg", end_user_id=data["person_id"],
        lines=lines, forvaltning_id=unit.omrade.forvaltning_id, omrade_id=unit.omrade_id, enhet_id=unit.id,
        start_date=date.today().isoformat(),
        fields={"kostnadsstalle": "69002", "orsak": "Nyanställd", "verksamhetskontext": str(engagement.id)})
    actor = authz.load_actor(db, orderer, config=rt.config, portal=rt)
    try:
        create_orders(db, rt, actor, [request])
    except ValidationFailed as failed:
        return " ".join(failed.errors.values())
    return ""
