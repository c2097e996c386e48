"""Inloggningsuppgifter are encrypted at rest (Fernet), readable only by the orderer, and keys can be rotated."""
import re

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import func, select

from beh_core.models import AuditEvent, Credential
from beh_core.services import credentials
from helpers import make_config, person_without_permissions, text_of
from test_fulfil_support import approve, place

PASSWORD_RE = re.compile(r"Lösenord: <code>([^<]+)</code>")
OLD_KEY, NEW_KEY = Fernet.generate_key().decode(), Fernet.generate_key().decode()


@pytest.fixture
def app_config(migrated, tmp_path):
    return make_config(migrated, tmp_path, CREDENTIALS_KEYS=[OLD_KEY])


def fulfilled_flexlab(app, db):
    order = place(app, db, person_without_permissions(db))
    approve(app, db, order)
    return order


def test_lösenordet_lagras_krypterat_med_den_inställda_nyckeln(app, region, login):
    order = fulfilled_flexlab(app, region)
    row = region.scalar(select(Credential).where(Credential.order_id == order.id))
    password = PASSWORD_RE.search(text_of(login("sarbe1").get(f"/aterkoppling/{order.number}"))).group(1)
    assert password not in row.ciphertext
    assert Fernet(OLD_KEY.encode()).decrypt(row.ciphertext.encode()).decode() == f'{{"losenord": "{password}"}}'


def test_bara_beställaren_ser_uppgifterna_och_varje_visning_loggas(app, region, login):
    order = fulfilled_flexlab(app, region)
    orderer = login("sarbe1")
    for _ in range(3):
        assert "Lösenord: <code>" in text_of(orderer.get(f"/aterkoppling/{order.number}"))
    for other in ("johek1", "perwi1", "lensa1", "kardah", "marho1"):
        assert login(other).get(f"/aterkoppling/{order.number}").status_code == 403
        assert login(other).post(f"/aterkoppling/{order.number}/ta-bort-losenord", {"bekraftad": "1"}).status_code == 403
    events = list(region.scalars(select(AuditEvent).where(AuditEvent.action == "credentials.viewed")))
    assert len(events) == 3 and all(e.actor.vgr_id == "sarbe1" for e in events)
    assert region.scalar(select(func.count(Credential.id))) == 1
    assert "Lösenord" not in text_of(login("lensa1").get(f"/servicedesk/{order.number}"))


def test_nyckelbyte_ny_nyckel_först_och_rotate_credentials(app, region, login):
    order = fulfilled_flexlab(app, region)
    orderer = login("sarbe1")
    password = PASSWORD_RE.search(text_of(orderer.get(f"/aterkoppling/{order.number}"))).group(1)

    app.config["CREDENTIALS_KEYS"] = [NEW_KEY, OLD_KEY]
    result = app.test_cli_runner().invoke(args=["beh", "rotate-credentials"])
    assert result.exit_code == 0 and "Omkrypterade inloggningsuppgifter: 1" in result.output
    region.expire_all()
    row = region.scalar(select(Credential))
    assert Fernet(NEW_KEY.encode()).decrypt(row.ciphertext.encode())

    app.config["CREDENTIALS_KEYS"] = [NEW_KEY]  # the old key is retired
    assert f"Lösenord: <code>{password}</code>" in text_of(orderer.get(f"/aterkoppling/{order.number}"))
    assert region.scalar(select(AuditEvent).where(AuditEvent.action == "credentials.rotated")) is not None


def test_utan_rätt_nyckel_visas_ett_begripligt_fel_inte_ett_serverfel(app, region, login):
    order = fulfilled_flexlab(app, region)
    app.config["CREDENTIALS_KEYS"] = [NEW_KEY]
    page = login("sarbe1").get(f"/aterkoppling/{order.number}")
    assert page.status_code == 200
    assert "Inloggningsuppgifterna kan inte läsas" in text_of(page)


def test_utan_inställda_nycklar_härleds_en_nyckel_ur_instansens_hemlighet(app):
    config = {"SECRET_KEY": "hemlig", "TESTING": True, "CREDENTIALS_KEYS": []}
    token = credentials.encrypt({"losenord": "abc"}, config)
    assert credentials.decrypt(token, config) == {"losenord": "abc"}
    assert Fernet(credentials.derived_key("hemlig")).decrypt(token.encode())
    assert credentials.fernet({**config, "CREDENTIALS_KEYS": f"{NEW_KEY},{OLD_KEY}"}).encrypt(b"x")
    result = app.test_cli_runner().invoke(args=["beh", "new-credentials-key"])
    assert Fernet(result.output.strip().encode())


def test_ta_bort_lösenordsuppgifter_två_gånger_tar_bort_en_gång_och_loggas_en_gång(app, region, login):
    order = fulfilled_flexlab(app, region)
    orderer = login("sarbe1")
    page = orderer.get(f"/aterkoppling/{order.number}")  # two tabs with the same page
    assert "Ta bort lösenordsuppgifter" in text_of(page)
    assert orderer.post(f"/aterkoppling/{order.number}/ta-bort-losenord", {"bekraftad": "1"}).status_code == 302
    assert "Lösenordsuppgifterna är borttagna." in text_of(orderer.get(f"/aterkoppling/{order.number}"))
    assert orderer.post(f"/aterkoppling/{order.number}/ta-bort-losenord", {"bekraftad": "1"}).status_code == 302
    assert "Lösenordsuppgifterna är redan borttagna." in text_of(orderer.get(f"/aterkoppling/{order.number}"))
    region.expire_all()
    assert region.scalar(select(func.count(Credential.id))) == 0
    [event] = region.scalars(select(AuditEvent).where(AuditEvent.action == "credentials.deleted")).all()
    assert event.details["lines"] == 1


def test_bekräftelsen_av_ta_bort_nämner_fältet_på_användarens_språk(app, region, login):
    order = fulfilled_flexlab(app, region)
    orderer = login("sarbe1")
    swedish = text_of(orderer.get(f"/aterkoppling/{order.number}/ta-bort-losenord"))
    assert "Flexlab: Lösenord" in swedish
    english = text_of(orderer.get(f"/aterkoppling/{order.number}/ta-bort-losenord?lang=en"))
    assert "Flexlab: Password" in english and "Lösenord" not in english
    page = text_of(orderer.get(f"/aterkoppling/{order.number}?lang=en"))
    assert "Flexlab: Password" in page
