"""Email over SMTP to a real aiosmtpd server on 127.0.0.1, parsed back with `email`."""

import io
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from app.db import session_scope
from app.errors import UserError
from app.models import Activity, AppUser, Debtor, OutboxMessage
from app.services.dispatch.email_channel import EmailChannel
from app.services.dispatch.sender import run_dispatch
from app.services.dispatch.smtp_settings import (
    SmtpSettings,
    load_smtp_settings,
    save_smtp_settings,
    smtp_password,
)
from tests.services.dispatch.conftest import AS_OF, approved_campaign


def smtp(port, **kw):
    return SmtpSettings(host="127.0.0.1", port=port, security="plain",
                        from_address="relances@dupuis.fr", from_name="Atelier Dupuis",
                        per_minute=0, **kw)


def with_manager(db):
    with session_scope(db) as s:
        manager = s.scalar(select(AppUser).where(AppUser.name == "Marie Curie"))
        for d in s.scalars(select(Debtor)):
            d.account_manager_id = manager.id


def states(db):
    with session_scope(db) as s:
        return sorted((m.channel, m.state) for m in s.scalars(select(OutboxMessage)))


def test_emails_arrive_with_headers_both_parts_and_a_pdf_statement(db, smtp_server, tmp_path,
                                                                   clock):
    settings = smtp(smtp_server.port, bcc="archive@dupuis.fr")
    with session_scope(db) as s:  # set up before the approval, which queues the messages
        save_smtp_settings(s, settings, user="Marie Curie")
    cid = approved_campaign(db, ("F1", "1200", date(2025, 6, 2)), ("F2", "300", date(2025, 6, 1)),
                            mobile=None)
    with_manager(db)
    channel = EmailChannel(settings, archive_dir=tmp_path / "archive")
    summary = run_dispatch(db, AS_OF, {"email": channel}, clock=clock, domain="dupuis.fr")
    assert summary.counts == {"email": {"sent": 2}}
    assert channel.connections == 1 and len(smtp_server.sessions) == 1  # one per batch
    assert sorted(rcpts for _, rcpts, _ in smtp_server.envelopes) == [
        ["ap-f1@client.example", "archive@dupuis.fr"],
        ["ap-f2@client.example", "archive@dupuis.fr"]]
    mail = next(m for m in smtp_server.messages() if m["To"] == "ap-f1@client.example")
    with session_scope(db) as s:
        action_id = s.scalar(select(OutboxMessage.action_id)
                             .where(OutboxMessage.recipient == "ap-f1@client.example"))
    assert mail["Message-ID"] == f"<collecta.c{cid}.a{action_id}.email@dupuis.fr>"
    assert mail["From"] == "Atelier Dupuis <relances@dupuis.fr>"
    assert mail["Reply-To"] == "marie@example.com" and mail["Bcc"] is None
    assert "Atelier Dupuis SAS" in mail["Subject"]
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    assert "F1" in text and "F2" not in text and "<p>" in html and "F1" in html
    attachment = next(mail.iter_attachments())
    assert attachment.get_filename() == "statement-C-F1-2025-06-12.pdf"
    pdf = PdfReader(io.BytesIO(attachment.get_content()))
    page = pdf.pages[0].extract_text()
    assert "F1" in page and "1 200,00 €" in page and "RF" in page
    with session_scope(db) as s:
        sent = s.scalars(select(Activity).where(Activity.kind == "email_sent")).all()
        assert len(sent) == 2
        path = sent[0].detail["archive_path"]
    assert Path(path).read_bytes().startswith(b"From: Atelier Dupuis")


def test_a_refused_recipient_fails_and_a_busy_one_is_retried(db, smtp_server, clock):
    approved_campaign(db, ("F1", "1200", date(2025, 6, 2)), ("F2", "300", date(2025, 6, 1)),
                      mobile=None)
    smtp_server.refuse["ap-f1@client.example"] = "550 5.1.1 mailbox unknown"
    smtp_server.refuse["ap-f2@client.example"] = "451 4.7.1 greylisted, try later"
    channel = EmailChannel(smtp(smtp_server.port))
    summary = run_dispatch(db, AS_OF, {"email": channel}, clock=clock, sleep=clock.sleep,
                           max_attempts=2)
    assert summary.counts == {"email": {"failed": 2}}
    assert smtp_server.envelopes == []
    with session_scope(db) as s:
        reasons = sorted(a.summary for a in s.scalars(
            select(Activity).where(Activity.kind == "email_failed")))
    assert reasons == [
        "Email not sent: recipient ap-f1@client.example refused: 5.1.1 mailbox unknown (SMTP 550)",
        "Email not sent: recipient ap-f2@client.example refused: 4.7.1 greylisted, try later "
        "(SMTP 451) (gave up after 2 tries)"]
    assert len(clock.waits) == 1 and 25 <= clock.waits[0] <= 30  # one 30 s backoff for F2


def test_an_unreachable_server_stops_the_run_and_leaves_the_messages_queued(db, clock):
    from tests.services.dispatch.conftest import free_port
    approved_campaign(db, ("F1", "1200", date(2025, 6, 2)), mobile=None)
    with pytest.raises(UserError, match=r"Cannot connect to SMTP server 127.0.0.1:\d+"):
        run_dispatch(db, AS_OF, {"email": EmailChannel(smtp(free_port()))}, clock=clock)
    assert states(db) == [("email", "queued"), ("sms", "queued")]


def test_settings_live_in_the_database_and_the_password_in_the_keyring(db, memory_keyring):
    settings = smtp(2525, username="relances")
    with session_scope(db) as s:
        save_smtp_settings(s, settings, user="Marie Curie", password="s3cret")
    with session_scope(db) as s:
        loaded = load_smtp_settings(s)
        stored = s.get(__import__("app.models").models.Setting, "dispatch.smtp").value
    assert loaded == settings and "s3cret" not in str(stored)
    assert smtp_password(loaded) == "s3cret"
    with session_scope(db) as s, pytest.raises(UserError, match="port 0 is not a valid port"):
        save_smtp_settings(s, smtp(0), user="Marie Curie")


def test_login_uses_the_password_from_the_keyring(db, memory_keyring, clock):
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    from tests.services.dispatch.conftest import MailSink, free_port

    logins = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=auth_data.password == b"s3cret", handled=False)

    sink = MailSink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port(),
                            authenticator=authenticator, auth_require_tls=False,
                            auth_exclude_mechanism=["LOGIN"])  # smtplib tries PLAIN
    controller.start()
    try:
        approved_campaign(db, ("F1", "1200", date(2025, 6, 2)), mobile=None)
        settings = smtp(controller.port, username="relances")
        with session_scope(db) as s:
            save_smtp_settings(s, settings, user="Marie Curie", password="s3cret")
        channel = EmailChannel(settings, smtp_password(settings))
        assert run_dispatch(db, AS_OF, {"email": channel}, clock=clock).counts == {
            "email": {"sent": 1}}
        memory_keyring.set_password("Collecta", settings.keyring_user, "wrong")
        with pytest.raises(UserError, match="refused the login for 'relances'"):
            EmailChannel(settings, smtp_password(settings)).send_mail(
                channel.render_test("ap@client.example"), "ap@client.example")
    finally:
        controller.stop()
    assert logins[0] == (b"relances", b"s3cret") and len(sink.envelopes) == 1


def test_send_test_email(smtp_server):
    from app.services.dispatch.email_channel import send_test_email
    answer = send_test_email(smtp(smtp_server.port), None, "marie@dupuis.fr")
    assert answer.startswith("2.0.0 queued")
    mail = smtp_server.messages()[0]
    assert mail["Subject"] == "Collecta test email" and mail["To"] == "marie@dupuis.fr"
    smtp_server.refuse["nobody@dupuis.fr"] = "550 5.1.1 no such user"
    with pytest.raises(UserError, match="Test email to nobody@dupuis.fr not sent: recipient"):
        send_test_email(smtp(smtp_server.port), None, "nobody@dupuis.fr")
