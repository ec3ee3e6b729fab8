"""Notices (a rule's email to a person of the firm) go out with the reminders of an unattended
run, as queued: plain text, no statement, no re-render, no item dropping, at most once."""

from datetime import date

from sqlalchemy import select

from app.db import session_scope
from app.models import Activity, Debtor, Invoice, OutboxMessage
from app.services.dispatch.email_channel import EmailChannel
from app.services.dispatch.outbox import claim_next
from app.services.dispatch.sender import run_dispatch
from app.services.dispatch.smtp_settings import SmtpSettings
from tests import factories as f
from tests.services.dispatch.conftest import AS_OF, NOON, approved_campaign

BODY = ("Bonjour Marie,\n\nLa règle « Gros retard » s'est déclenchée le 12/06/2025 pour "
        "Client F1 (C-F1).\n\nFaits constatés : {{ retard }} > 30 jours, 100 % dû\n\n-- \n"
        "Collecta (règles d'automatisation).")


def channel(port):
    return EmailChannel(SmtpSettings(host="127.0.0.1", port=port, security="plain",
                                     from_address="relances@dupuis.fr",
                                     from_name="Atelier Dupuis", per_minute=0))


def queue_notice(db, debtor_ref="C-F1", message_id="<collecta.n.r1.d1.20250612.on.marie@dupuis.fr>",
                 recipient="marie@dupuis.fr"):
    with session_scope(db) as s:
        debtor = s.scalar(select(Debtor).where(Debtor.external_ref == debtor_ref))
        m = OutboxMessage(kind="notice", campaign_id=None, action_id=None, debtor_id=debtor.id,
                          channel="email", state="queued", message_id=message_id, as_of=AS_OF,
                          recipient=recipient, subject="Règle « Gros retard » déclenchée pour "
                          "Client F1 (C-F1)", body=BODY, attempts=0, created_at=NOON)
        s.add(m)
        s.flush()
        return m.id


def state(db, outbox_id):
    with session_scope(db) as s:
        return s.get(OutboxMessage, outbox_id).state


def test_a_campaign_run_leaves_notices_and_the_unattended_run_sends_them(db, smtp_server,
                                                                         clock):
    cid = approved_campaign(db, ("F1", "1200", date(2025, 6, 2)), mobile=None)
    notice = queue_notice(db)
    summary = run_dispatch(db, AS_OF, {"email": channel(smtp_server.port)}, campaign_id=cid,
                           clock=clock, domain="dupuis.fr")
    assert summary.counts == {"email": {"sent": 1}} and state(db, notice) == "queued"
    assert [m["To"] for m in smtp_server.messages()] == ["ap-f1@client.example"]

    summary = run_dispatch(db, AS_OF, {"email": channel(smtp_server.port)}, clock=clock,
                           domain="dupuis.fr")
    assert summary.counts == {"email": {"sent": 1}} and state(db, notice) == "sent"
    mail = smtp_server.messages()[1]
    assert smtp_server.envelopes[1][1] == ["marie@dupuis.fr"]
    assert mail["Message-ID"] == "<collecta.n.r1.d1.20250612.on.marie@dupuis.fr>"
    assert mail["Subject"] == "Règle « Gros retard » déclenchée pour Client F1 (C-F1)"
    assert mail["From"] == "Atelier Dupuis <relances@dupuis.fr>"
    assert not mail.is_multipart() and mail.get_content_type() == "text/plain"
    assert mail.get_content().replace("\r\n", "\n").rstrip("\n") == BODY  # as queued, verbatim
    assert list(mail.iter_attachments()) == []
    with session_scope(db) as s:
        line = s.scalar(select(Activity).where(Activity.kind == "notice_sent"))
        assert line.summary == ("Notice sent to marie@dupuis.fr: Règle « Gros retard » "
                                "déclenchée pour Client F1 (C-F1)")
        assert line.detail["outbox_id"] == notice and line.detail["campaign_id"] is None
    again = run_dispatch(db, AS_OF, {"email": channel(smtp_server.port)}, clock=clock)
    assert again.counts == {} and len(smtp_server.envelopes) == 2  # never twice


def test_a_notice_is_not_dropped_when_the_debtors_invoices_are_paid(db, smtp_server, clock):
    approved_campaign(db, ("F1", "1200", date(2025, 6, 2)), mobile=None)
    with session_scope(db) as s:
        inv = s.scalar(select(Invoice))
        f.payment(s, s.get(Debtor, inv.debtor_id), 1200, on=date(2025, 6, 12), settles=inv)
    notice = queue_notice(db)
    summary = run_dispatch(db, AS_OF, {"email": channel(smtp_server.port)}, clock=clock)
    assert summary.counts == {"email": {"dropped": 1, "sent": 1}}  # the reminder is dropped
    assert state(db, notice) == "sent"
    assert [m["To"] for m in smtp_server.messages()] == ["marie@dupuis.fr"]


def test_a_notice_left_sending_by_a_crash_becomes_unknown_and_is_not_resent(db, smtp_server,
                                                                            clock):
    approved_campaign(db, ("F1", "1200", date(2025, 6, 2)), mobile=None)
    notice = queue_notice(db)
    with session_scope(db) as s:  # pc-1 claimed the reminder and the notice, then died
        reminder = claim_next(s, channels=("email",), worker="pc-1", now=NOON)
        assert claim_next(s, channels=("email",), worker="pc-1", now=NOON) == notice
    summary = run_dispatch(db, AS_OF, {"email": channel(smtp_server.port)}, worker="pc-1",
                           clock=clock)
    assert summary.recovered_unknown == 2
    assert (state(db, reminder), state(db, notice)) == ("unknown", "unknown")
    assert smtp_server.messages() == []  # neither is sent again without a person's word


def test_a_notice_without_recipient_fails_with_the_reason(db, smtp_server, clock):
    approved_campaign(db, ("F1", "1200", date(2025, 6, 2)), mobile=None)
    notice = queue_notice(db, recipient="")
    run_dispatch(db, AS_OF, {"email": channel(smtp_server.port)}, clock=clock)
    assert state(db, notice) == "failed"
    with session_scope(db) as s:
        assert s.get(OutboxMessage, notice).last_error == "the notice has no recipient"


def test_outbox_list_names_a_notice_instead_of_a_campaign(db, capsys):
    import json

    from app.cli import main

    approved_campaign(db, ("F1", "1200", date(2025, 6, 2)))
    notice_id = queue_notice(db)
    assert main(["--db", db.url, "outbox", "list", "--format", "csv"]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith(f"{notice_id},"))
    assert line.split(",")[1] == "rule notice"
    assert main(["--db", db.url, "outbox", "list", "--format", "json"]) == 0
    rows = {r["id"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows[notice_id]["campaign"] is None
