"""Godkänn markerade mails each person once: one list per beställare and per next attestant, not one per order."""
from sqlalchemy import select

from beh_core.models import OutboxMessage
from beh_core.services import mail
from helpers import make_order, people_without_permissions, person


def _to(db, who) -> list[str]:
    return [m.subject for m in db.scalars(select(OutboxMessage).where(OutboxMessage.to_person_id == who.id)
                                          .order_by(OutboxMessage.id))]


def test_en_beställare_med_flera_godkända_får_ett_mejl_och_den_med_en_får_det_vanliga(region, rt):
    sarbe1, marho1, johek1 = person(region, "sarbe1"), person(region, "marho1"), person(region, "johek1")
    end_users = people_without_permissions(region, 3)
    orders = [make_order(region, orderer=orderer, end_user=end_user, attestant=johek1, forvaltning_code="NH",
                         omrade_name="Område Norr", status="attesterad")
              for orderer, end_user in zip((sarbe1, sarbe1, marho1), end_users)]
    mail.mail_decisions(region, rt, [(order, "") for order in orders], decided_by=johek1)
    region.commit()
    assert _to(region, sarbe1) == ["2 beställningar är godkända"]
    assert _to(region, marho1) == [f"Beställning {orders[2].number} är godkänd"]
    body = region.scalar(select(OutboxMessage.body).where(OutboxMessage.to_person_id == sarbe1.id))
    assert all(order.number in body and order.end_user.display in body for order in orders[:2])
    assert orders[2].number not in body and johek1.display in body


def test_nästa_attestant_får_en_lista_för_flera_och_det_vanliga_mejlet_för_en(region, rt):
    sarbe1, johek1, marho1 = person(region, "sarbe1"), person(region, "johek1"), person(region, "marho1")
    end_users = people_without_permissions(region, 3)
    orders = [make_order(region, orderer=sarbe1, end_user=end_user, attestant=attestant, forvaltning_code="NH",
                         omrade_name="Område Norr")
              for attestant, end_user in zip((johek1, johek1, marho1), end_users)]
    mail.mail_attest_requests_of(region, rt, orders)
    region.commit()
    assert _to(region, johek1) == ["2 beställningar väntar på din attest"]
    assert _to(region, marho1) == [f"Beställning {orders[2].number} väntar på din attest"]


def test_godkännandet_säger_att_en_schemalagd_beställning_utförs_på_startdatumet(region, rt):
    sarbe1, johek1 = person(region, "sarbe1"), person(region, "johek1")
    now, later, alone = people_without_permissions(region, 3)
    orders = [make_order(region, orderer=sarbe1, end_user=end_user, attestant=johek1, forvaltning_code="NH",
                         omrade_name="Område Norr", status=status)
              for end_user, status in ((now, "attesterad"), (later, "schemalagd"))]
    mail.mail_decisions(region, rt, [(order, "") for order in orders], decided_by=johek1)
    scheduled = make_order(region, orderer=johek1, end_user=alone, attestant=sarbe1, forvaltning_code="NH",
                           omrade_name="Område Norr", status="schemalagd")
    mail.mail_decision(region, rt, scheduled, True, decided_by=sarbe1)
    region.commit()
    listed = region.scalar(select(OutboxMessage.body).where(OutboxMessage.to_person_id == sarbe1.id))
    assert "Beställningarna utförs nu, de med ett senare startdatum på startdatumet." in listed
    single = region.scalar(select(OutboxMessage.body).where(OutboxMessage.to_person_id == johek1.id))
    assert f"Beställningen utförs på startdatumet {scheduled.start_date.isoformat()}." in single
    assert "utförs nu" not in single
