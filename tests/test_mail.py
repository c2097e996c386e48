"""E-mail through the outbox, delivered by a sender to a real SMTP server on loopback."""
import inspect
from datetime import timedelta, timezone

import pytest
from sqlalchemy import func, select

from beh_core.db import get_database
from beh_core.models import OutboxMessage, utcnow
from beh_core.services.mail import enqueue_mail, send_pending
from helpers import make_config, people_without_permissions, person, person_without_permissions, text_of
from test_fulfil_support import Inbox, SmtpServer, link_path, outbox, place, send_all, smtp_settings


@pytest.fixture
def smtp():
    server = SmtpServer()  # not started: each test decides when the server is up
    yield server
    server.stop()


@pytest.fixture
def app_config(migrated, tmp_path, smtp):
    return make_config(migrated, tmp_path, **{**smtp_settings(smtp), "MAIL_RETRY_BASE_SECONDS": 60})


def test_enqueue_mail_har_den_överenskomna_signaturen():
    signature = inspect.signature(enqueue_mail)
    assert list(signature.parameters) == ["session", "rt", "to", "subject", "template", "context", "link_path"]
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for name, p in signature.parameters.items()
               if name not in ("session", "rt"))
    assert signature.parameters["link_path"].default is None


def test_smtp_nere_när_50_beställningar_läggs_inget_försvinner_och_allt_skickas_en_gång(app, region, smtp):
    end_users = people_without_permissions(region, 50)
    orders = [place(app, region, end_user) for end_user in end_users]
    assert len(outbox(region)) == 50

    # The server is down: every message is kept and scheduled again with back-off.
    report = send_pending(get_database(app), app.config)
    assert (report.claimed, report.sent, report.retried) == (50, 0, 50)
    rows = outbox(region)
    assert {row.status for row in rows} == {"pending"} and {row.attempts for row in rows} == {1}
    assert all("SMTP-servern svarar inte" in row.last_error for row in rows)
    assert send_pending(get_database(app), app.config).claimed == 0  # back-off: not due yet

    # Back again: after the back-off every mail goes out exactly once.
    smtp.start()
    later = utcnow() + timedelta(minutes=5)
    assert send_all(app, now=later) == 50
    assert send_all(app, now=later + timedelta(hours=1)) == 0
    received = smtp.inbox.to("johek1@demo.beh.example")
    assert len(received) == 50
    assert len({m["Message-ID"] for m in received}) == 50
    assert sorted(m["Subject"].split()[1] for m in received) == sorted(o.number for o in orders)
    assert {row.status for row in outbox(region)} == {"sent"}


def test_ett_långt_smtp_avbrott_ger_aldrig_upp_ett_meddelande(app, region, smtp):
    """Days of outage: hundreds of attempts, at most an hour apart, and the mail still goes out once."""
    place(app, region, person_without_permissions(region))
    now = utcnow()
    for attempt in range(1, 201):  # 200 attempts, two hours apart: more than 16 days without SMTP
        report = send_pending(get_database(app), app.config, now=now)
        assert (report.claimed, report.retried, report.failed) == (1, 1, 0)
        [row] = outbox(region)
        assert row.status == "pending" and row.attempts == attempt
        # The back-off grows, but is capped at MAIL_RETRY_MAX_SECONDS (one hour).
        assert naive(row.next_attempt_at) - naive(now) == timedelta(minutes=min(2 ** (attempt - 1), 60))
        now += timedelta(hours=2)

    smtp.start()
    assert send_all(app, now=now) == 1
    assert len(smtp.inbox.to("johek1@demo.beh.example")) == 1
    assert outbox(region)[0].status == "sent"


def naive(moment):
    """UTC without tzinfo (SQLite gives stored times back without it)."""
    return moment.astimezone(timezone.utc).replace(tzinfo=None) if moment.tzinfo else moment


class PickyInbox(Inbox):
    """Answers RCPT TO for chosen addresses with a given SMTP reply (4xx or 5xx)."""

    def __init__(self) -> None:
        super().__init__()
        self.answers: dict[str, str] = {}

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 - aiosmtpd's hook
        if address in self.answers:
            return self.answers[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"


def test_4xx_försöks_igen_men_5xx_för_mottagaren_markeras_misslyckat_och_kan_läggas_i_kön_igen(app, region, smtp):
    smtp.inbox = PickyInbox()
    smtp.start()
    place(app, region, person_without_permissions(region))
    now = utcnow()

    # "451 try again later" (greylisting, full mailbox): temporary, kept and retried.
    smtp.inbox.answers["johek1@demo.beh.example"] = "451 4.7.1 Greylisted, try again later"
    report = send_pending(get_database(app), app.config, now=now)
    assert (report.retried, report.failed) == (1, 0)
    [row] = outbox(region)
    assert row.status == "pending" and "451" in row.last_error

    # "550 no such user": a permanent rejection of the recipient, the only reason to give up.
    smtp.inbox.answers["johek1@demo.beh.example"] = "550 5.1.1 No such user"
    report = send_pending(get_database(app), app.config, now=now + timedelta(hours=1))
    assert (report.retried, report.failed) == (0, 1)
    [row] = outbox(region)
    assert row.status == "failed" and "550" in row.last_error and "permanent" in row.last_error
    assert send_all(app, now=now + timedelta(days=1)) == 0  # failed stays failed ...

    # ... until the operator has fixed it and runs send-mail --retry-failed.
    del smtp.inbox.answers["johek1@demo.beh.example"]
    result = app.test_cli_runner().invoke(args=["beh", "send-mail", "--retry-failed"])
    assert result.exit_code == 0, result.output
    assert "Åter i kön: 1 misslyckade meddelanden." in result.output and "Skickade: 1" in result.output
    [row] = outbox(region)
    assert row.status == "sent" and row.last_error is None
    assert len(smtp.inbox.to("johek1@demo.beh.example")) == 1


def test_länken_i_mejlet_fungerar_bara_för_mottagaren(app, region, login, smtp):
    smtp.start()
    order = place(app, region, person_without_permissions(region))
    send_all(app)
    [message] = smtp.inbox.to("johek1@demo.beh.example")
    link = link_path(message)
    assert "Länken fungerar bara för dig" in message.get_content()

    anonymous = app.test_client().get(link)
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    for other in ("perwi1", "sarbe1", "kardah"):
        forwarded = login(other).get(link)
        assert forwarded.status_code == 403
        assert "Länken gäller bara den person som e-postmeddelandet skickades till." in text_of(forwarded)
    assert login("johek1").get(link).headers["Location"].endswith(f"/attest/{order.number}")
    assert login("johek1").get(link[:-3] + "abc").status_code == 404


def test_byt_attestant_mejlar_den_nya_attestanten(app, region, login, smtp):
    smtp.start()
    order = place(app, region, person_without_permissions(region))
    orderer = login("sarbe1")
    orderer.get(f"/bestallningar/{order.number}/byt-attestant")
    changed = orderer.post(f"/bestallningar/{order.number}/byt-attestant", {
        "omrade_id": order.omrade_id, "enhet_id": order.enhet_id, "attestant_id": person(region, "perwi1").id,
        "action": "ok"})
    assert changed.status_code == 302, text_of(changed)
    send_all(app)
    [message] = smtp.inbox.to("perwi1@demo.beh.example")
    assert "Beställaren har bytt attestant." in message.get_content()
    assert login("perwi1").get(link_path(message)).headers["Location"].endswith(f"/attest/{order.number}")


def test_mottagare_utan_epostadress_sparas_som_misslyckad_och_försvinner_inte(app, region, smtp):
    someone = person_without_permissions(region)
    someone.email = None
    region.commit()
    with app.app_context():
        message = enqueue_mail(region, app.extensions["beh_runtime"], to=someone, subject="Hej",
                               template="mail/_footer.txt", context={}, link_path="/")
    region.commit()
    assert message.status == "failed" and "saknar e-postadress" in message.last_error
    assert region.scalar(select(func.count(OutboxMessage.id))) == 1
    assert send_pending(get_database(app), app.config).claimed == 0

    # Still without an address, --retry-failed tries once and it is failed again (nothing reaches SMTP).
    runner = app.test_cli_runner()
    assert "Åter i kön: 1" in runner.invoke(args=["beh", "send-mail", "--retry-failed"]).output
    [row] = outbox(region)
    assert row.status == "failed" and "saknar e-postadress" in row.last_error

    # KiV gets the address: the requeued mail goes to it.
    someone.email = "ny.adress@demo.beh.example"
    region.commit()
    smtp.start()
    assert "Skickade: 1" in runner.invoke(args=["beh", "send-mail", "--retry-failed"]).output
    assert len(smtp.inbox.to("ny.adress@demo.beh.example")) == 1


def test_en_avbruten_sändare_tas_över_när_dess_lån_gått_ut(app, region, smtp):
    smtp.start()
    place(app, region, person_without_permissions(region))
    [row] = outbox(region)
    row.status, row.claimed_by, row.claimed_until = "sending", "kraschad", utcnow() + timedelta(minutes=5)
    region.commit()
    assert send_pending(get_database(app), app.config).claimed == 0  # the lease still holds
    assert send_all(app, now=utcnow() + timedelta(minutes=6)) == 1
    assert len(smtp.inbox.messages) == 1
