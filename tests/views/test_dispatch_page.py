"""The Sending section as a new user meets it: set up SMTP, send a test email, send the
approved campaign in the background and see the outbox; the sent email opens from its row."""

from datetime import date

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from app.db import session_scope
from app.models import Activity
from app.services.collection.approval import approve_campaign
from app.services.collection.builder import build_campaign
from tests import factories as f
from tests.services.dispatch.conftest import MailSink, free_port

AS_OF = date(2025, 6, 30)


def approved(db):
    with session_scope(db) as s:
        f.company(s)
        f.default_plans(s)
        c5 = f.debtor(s, "C5", "Fleuriste Rose")  # 3 days late: first reminder, by email
        f.contact(s, c5, email="compta@fleuriste-rose.fr")
        f.invoice(s, c5, 450, due=date(2025, 6, 27), issued=date(2025, 5, 28), ref="R1")
    with session_scope(db) as s:
        built = build_campaign(s, AS_OF, user="Alice Martin")
        approve_campaign(s, built.campaign_id, user="Bruno Petit")


def smtp_form_on(window, port):
    """The Sending page's email form, filled in as a user would for the loopback server."""
    page = window.show_page("dispatch")
    form = page.smtp
    page.setCurrentWidget(form)
    form.host.setText("127.0.0.1")
    form.port.setValue(port)
    form.security.setCurrentIndex(form.security.findData("plain"))
    form.from_address.setText("relances@dupuis.fr")
    form.per_minute.setValue(0)
    return page, form


@pytest.mark.usefixtures("memory_keyring")
def test_configure_smtp_send_a_test_email_then_send_the_campaign(window, ledger, qtbot):
    sink = MailSink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        approved(ledger)
        page, form = smtp_form_on(window, controller.port)
        form.from_name.setText("Atelier Dupuis")
        form.test_to.setText("alice@dupuis.fr")
        window.resize(1280, 800)
        form.test_button.click()
        qtbot.waitUntil(lambda: "accepted by the server" in form.status.text(), timeout=10_000)
        form.grab().save("/tmp/shots/dispatch_smtp.png")
        assert sink.messages()[0]["Subject"] == "Collecta test email"

        outbox = page.outbox
        page.setCurrentWidget(outbox)
        outbox.send_button.click()
        qtbot.waitUntil(lambda: outbox.summary.text().startswith("Done."), timeout=30_000)
        # C1's oldest item is 121 days late: the formal notice letter; C4 has no address
        assert outbox.summary.text() == "Done. email: 1 sent; letter: 1 failed, 1 sent"
        rows = outbox.model.rows
        assert sorted((r.debtor_ref, r.channel, r.state, r.last_error) for r in rows) == [
            ("C1", "letter", "sent", None),
            ("C4", "letter", "failed", "the debtor has no postal address"),
            ("C5", "email", "sent", None)]
        assert len(sink.envelopes) == 2  # the test email and C5's reminder
        outbox.table.selectRow(next(i for i, r in enumerate(rows) if r.debtor_ref == "C5"))
        assert outbox.open_button.isEnabled() and not outbox.sent_button.isEnabled()
        outbox.grab().save("/tmp/shots/dispatch_outbox.png")
        with session_scope(ledger) as s:
            sent = s.scalar(select(Activity).where(Activity.kind == "email_sent")
                            .order_by(Activity.id.desc()).limit(1))
            letter = s.scalar(select(Activity).where(Activity.kind == "letter_sent"))
            assert letter.detail["archive_path"].endswith(".pdf")
            assert sent is not None and sent.detail["archive_path"].endswith(".eml")
    finally:
        controller.stop()


def test_the_outbox_filters_by_channel_and_state(window, ledger):
    approved(ledger)  # queued at approval: C1's letter, C4's letter, C5's email
    outbox = window.show_page("dispatch").outbox
    assert sorted(r.channel for r in outbox.model.rows) == ["email", "letter", "letter"]
    outbox.channel.setCurrentIndex(outbox.channel.findData("letter"))
    assert outbox.channel.currentText() == "Letters"
    assert sorted(r.debtor_ref for r in outbox.model.rows) == ["C1", "C4"]
    outbox.state.setCurrentIndex(outbox.state.findData("sent"))
    assert outbox.model.rows == []
    outbox.channel.setCurrentIndex(0)
    outbox.state.setCurrentIndex(0)
    assert len(outbox.model.rows) == 3
