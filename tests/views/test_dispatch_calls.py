"""Calls today: Alice sees her call with the debtor's context and records a promise."""

from datetime import date

from sqlalchemy import select

from app.db import session_scope
from app.models import AppUser, OutboxMessage, Promise
from app.services.collection.approval import approve_campaign
from app.services.collection.builder import build_campaign
from tests import factories as f

AS_OF = date(2025, 6, 30)


def test_a_call_task_is_worked_from_calls_today(window, ledger, qtbot):
    with session_scope(ledger) as s:
        f.company(s)
        f.default_plans(s)
        alice = s.scalar(select(AppUser).where(AppUser.name == "Alice Martin"))
        c6 = f.debtor(s, "C6", "Menuiserie Blanc", account_manager_id=alice.id)
        f.contact(s, c6, name="Paul Blanc", phone="04 72 00 00 00")
        f.invoice(s, c6, 880, due=date(2025, 6, 8), issued=date(2025, 5, 9), ref="M1")
    with session_scope(ledger) as s:
        built = build_campaign(s, AS_OF, user="Alice Martin")
        approve_campaign(s, built.campaign_id, user="Bruno Petit")  # queues the calls
    page = window.show_page("dispatch")
    calls = page.calls
    page.setCurrentWidget(calls)
    calls.refresh()  # in the background, on the read lane
    window.resize(1280, 800)
    qtbot.waitUntil(lambda: bool(calls.tasks), timeout=5_000)
    assert [t.debtor_ref for t in calls.tasks] == ["C6"]  # 22 days late: the phone call step
    text = calls.context_label.text()
    assert "Paul Blanc" in text and "04 72 00 00 00" in text and "M1" in text
    assert "880,00" in text and calls.amount.text() == "880.00"
    calls.grab().save("/tmp/shots/h2_dispatch_calls.png")
    calls.outcome.setCurrentIndex(calls.outcome.findData("promise"))
    calls.note.setText("Will pay next Monday")
    calls.save_button.click()
    qtbot.waitUntil(lambda: calls.tasks == [], timeout=5_000)
    assert "No call to make today" in calls.context_label.text()
    with session_scope(ledger) as s:
        assert s.scalar(select(Promise.status)) == "pending"
        assert s.scalar(select(OutboxMessage.state).where(OutboxMessage.channel == "call")) \
            == "sent"
