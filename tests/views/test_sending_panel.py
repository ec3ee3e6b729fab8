"""Sending in the background from the Outbox tab: the user keeps working, pauses (nothing stays
claimed), resumes, or cancels and still gets the run's summary."""

from datetime import date, timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from app.db import session_scope
from app.models import OutboxMessage
from app.services.collection.approval import approve_campaign
from app.services.collection.builder import build_campaign
from tests import factories as f
from tests.services.dispatch.conftest import MailSink, free_port
from tests.views.test_dispatch_page import AS_OF, smtp_form_on

COUNT = 10


def many_emails(db):
    """COUNT debtors each with one invoice 3 days late: a first reminder by email each."""
    with session_scope(db) as s:
        f.company(s)
        f.default_plans(s)
        for i in range(COUNT):
            d = f.debtor(s, f"M{i}", f"Client {i}")
            f.contact(s, d, email=f"ap{i}@client.example")
            f.invoice(s, d, 100 + i, due=AS_OF - timedelta(days=3), issued=date(2025, 5, 28),
                      ref=f"M{i}")
    with session_scope(db) as s:
        built = build_campaign(s, AS_OF, user="Alice Martin")
        approve_campaign(s, built.campaign_id, user="Bruno Petit")


def email_states(db):
    with session_scope(db) as s:
        return [(m.state, m.claimed_by) for m in s.scalars(
            select(OutboxMessage).where(OutboxMessage.channel == "email"))]


@pytest.fixture
def throttled(window, ledger, memory_keyring):
    """The Outbox tab with a loopback server and 300 emails a minute (one every 0.2 s)."""
    sink = MailSink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    many_emails(ledger)
    page, form = smtp_form_on(window, controller.port)
    form.per_minute.setValue(300)
    form.save_button.click()
    page.setCurrentWidget(page.outbox)
    yield page.outbox, sink
    controller.stop()


def reminders(sink):
    return [rcpts for _, rcpts, _ in sink.envelopes if rcpts[0].startswith("ap")]


def test_pause_releases_the_queue_and_resume_sends_the_rest_once(throttled, ledger, qtbot):
    outbox, sink = throttled
    outbox.send_button.click()
    panel = outbox.sending
    assert panel.isVisible() and not outbox.send_button.isEnabled()
    qtbot.waitUntil(lambda: len(reminders(sink)) >= 2, timeout=10_000)
    panel.pause_button.click()
    assert panel.pause_button.text() == "Resume"
    qtbot.waitUntil(lambda: panel.status.text().startswith("Paused."), timeout=10_000)
    states = email_states(ledger)
    sent = len(reminders(sink))
    assert sent < COUNT and states.count(("queued", None)) == COUNT - sent
    assert all(state in ("queued", "sent") for state, _ in states)  # nothing held
    outbox.grab().save("/tmp/shots/sending_paused.png")
    window = outbox.window()  # the count is on the status bar of every page; its link leads here
    qtbot.waitUntil(lambda: "Sending paused: " in window.status_background.text())
    window.show_page("worklist")
    window.grab().save("/tmp/shots/sending_status_bar.png")
    window.status_background.linkActivated.emit("dispatch")
    assert window.stack.currentWidget() is window.page("dispatch")
    panel.pause_button.click()
    qtbot.waitUntil(lambda: outbox.summary.text().startswith("Done."), timeout=20_000)
    assert not panel.isVisible() and outbox.send_button.isEnabled()
    assert window.status_background.text() == ""
    assert sorted(r[0] for r in reminders(sink)) == sorted(
        f"ap{i}@client.example" for i in range(COUNT))  # each exactly once


def test_cancel_keeps_the_rest_queued_and_says_so(throttled, ledger, qtbot):
    outbox, sink = throttled
    outbox.send_button.click()
    qtbot.waitUntil(lambda: len(reminders(sink)) >= 1, timeout=10_000)
    outbox.sending.cancel_button.click()
    qtbot.waitUntil(lambda: outbox.summary.text().startswith("Cancelled"), timeout=10_000)
    sent = len(reminders(sink))
    assert sent < COUNT
    assert outbox.summary.text().startswith(
        f"Cancelled — the rest stays queued. email: {sent} sent")
    assert email_states(ledger).count(("queued", None)) == COUNT - sent


def test_send_while_a_scheduled_run_sends_says_so(throttled, ledger, qtbot, tmp_path):
    from app.config import data_dir
    from app.services.dispatch.sender_lock import exclusive_sending

    outbox, sink = throttled
    with exclusive_sending(data_dir(), ledger.url):  # `collecta dispatch` from the task scheduler
        outbox.send_button.click()
        qtbot.waitUntil(lambda: outbox.summary.text().startswith("Stopped:"), timeout=10_000)
    assert "already sending from this database" in outbox.summary.text()
    assert reminders(sink) == [] and outbox.send_button.isEnabled()
    assert email_states(ledger).count(("queued", None)) == COUNT
    box = outbox.ctx.jobs.error_box()
    assert box is not None and "already sending" in box.text()


def test_closing_the_window_while_sending_asks_first(throttled, ledger, qtbot, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    outbox, sink = throttled
    window = outbox.window()
    window.show()
    answers = [QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes]
    asked = []
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: asked.append(a[2]) or answers.pop(0))
    outbox.send_button.click()
    qtbot.waitUntil(lambda: len(reminders(sink)) >= 1, timeout=10_000)
    qtbot.waitUntil(lambda: window.status_background.text() != "")
    assert not window.close() and window.isVisible()  # "No": keeps sending
    assert asked and asked[0].startswith("Messages are being sent. Quit anyway?")
    assert window.close()  # "Yes": stops after the message in hand
    sent = len(reminders(sink))
    assert sent < COUNT and email_states(ledger).count(("queued", None)) == COUNT - sent
