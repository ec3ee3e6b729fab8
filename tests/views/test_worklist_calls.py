"""Calls today from the worklist: Alice opens the worklist, sees "Calls today (3)" once the
count has loaded, opens the tab, and works each call through the outcome form (as of 2025-06-30,
every invoice below is due 2025-06-08: 22 days late, the phone-call step of the default plan)."""

from datetime import date, timedelta
from decimal import Decimal

from PySide6.QtCore import Qt
from sqlalchemy import select

from app.db import session_scope
from app.models import Activity, AppUser, Debtor, Dispute, OutboxMessage, Promise, PromiseInstalment
from app.services.changes import ChangeSet
from app.services.collection.approval import approve_campaign
from app.services.collection.builder import build_campaign
from app.views import calls_view
from tests import factories as f

AS_OF = date(2025, 6, 30)
DUE = date(2025, 6, 8)


def three_calls_for_alice(db) -> None:
    with session_scope(db) as s:
        f.company(s)
        f.default_plans(s)
        alice = s.scalar(select(AppUser).where(AppUser.name == "Alice Martin"))
        bruno = s.scalar(select(AppUser).where(AppUser.name == "Bruno Petit"))
        for ref, name, phone, amount, manager in (
                ("C6", "Menuiserie Blanc", "04 72 00 00 00", 880, alice),
                ("C7", "Plomberie Noir", "04 72 11 11 11", 1250, alice),
                ("C8", "Quincaillerie Vert", "04 72 22 22 22", 430, None),
                ("C9", "Boucherie Gris", "04 72 33 33 33", 610, bruno)):  # Bruno's call
            d = f.debtor(s, ref, name, account_manager_id=manager.id if manager else None)
            f.contact(s, d, name=f"Contact {ref}", phone=phone)
            f.invoice(s, d, amount, due=DUE, issued=DUE - timedelta(days=30), ref=f"{ref}-1")
    with session_scope(db) as s:
        built = build_campaign(s, AS_OF, user="Alice Martin")
        approve_campaign(s, built.campaign_id, user="Bruno Petit")  # queues the calls


def click_tab(qtbot, tabs, index):
    qtbot.mouseClick(tabs, Qt.MouseButton.LeftButton, pos=tabs.tabRect(index).center())


def choose(calls, ref):
    calls.list.setCurrentRow(next(i for i, t in enumerate(calls.tasks) if t.debtor_ref == ref))


def call_state(db, ref):
    with session_scope(db) as s:
        m = s.scalar(select(OutboxMessage).join(Debtor, Debtor.id == OutboxMessage.debtor_id)
                     .where(OutboxMessage.channel == "call", Debtor.external_ref == ref))
        return m.state, m.attempts, m.next_attempt_at and m.next_attempt_at.date()


def test_calls_today_is_a_tab_of_the_worklist_and_each_outcome_closes_the_task(
        window, ledger, qtbot, monkeypatch):
    three_calls_for_alice(ledger)
    view = window.show_page("worklist")
    tab = view.calls
    window.ctx.broadcast(ChangeSet(campaigns=True))  # what approving in the GUI broadcasts
    qtbot.waitUntil(lambda: tab.tabs.tabText(1) == "Calls today (3)", timeout=8_000)
    assert tab.view is None  # the calls screen is built when first chosen, not with the worklist
    window.resize(1280, 800)
    view.grab().save("/tmp/shots/h2_worklist_tab.png")

    click_tab(qtbot, tab.tabs, 1)
    calls = tab.view
    assert calls is not None and tab.stack.currentWidget() is calls
    assert [t.debtor_ref for t in calls.tasks] == ["C6", "C7", "C8"]  # not Bruno's C9
    assert "3 to make" in calls.heading.text()
    text = calls.context_label.text()
    assert "Contact C6" in text and "04 72 00 00 00" in text and "C6-1" in text
    assert "880,00" in text and "22 d" in text and calls.amount.text() == "880.00"
    window.grab().save("/tmp/shots/h2_worklist_calls.png")

    # A promise with an amount that is not one: a message, and nothing changes.
    warnings = []
    monkeypatch.setattr(calls_view.QMessageBox, "warning",
                        lambda _parent, _title, text: warnings.append(text))
    calls.outcome.setCurrentIndex(calls.outcome.findData("promise"))
    calls.amount.setText("huit cents")
    qtbot.mouseClick(calls.save_button, Qt.MouseButton.LeftButton)
    assert warnings == ["Promise for Menuiserie Blanc: 'huit cents' is not an amount"]
    assert call_state(ledger, "C6") == ("queued", 0, None)

    # C6 reached: a promise of 880 on 2025-07-07 (the form's default date, as of + 7).
    calls.amount.setText("880,00")
    calls.note.setText("Will pay next Monday")
    qtbot.mouseClick(calls.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: [t.debtor_ref for t in calls.tasks] == ["C7", "C8"], timeout=5_000)
    assert tab.tabs.tabText(1) == "Calls today (2)"
    assert calls.status.text() == "Menuiserie Blanc: promise to pay recorded"
    assert call_state(ledger, "C6")[0] == "sent"
    with session_scope(ledger) as s:
        promise = s.scalar(select(Promise))
        assert promise.status == "pending"
        instalment = s.scalar(select(PromiseInstalment))
        assert (instalment.due_date, instalment.amount) == (date(2025, 7, 7), Decimal("880.00"))

    # C7 reached: the customer disputes the delivery.
    choose(calls, "C7")
    calls.outcome.setCurrentIndex(calls.outcome.findData("dispute"))
    assert not calls.amount.isEnabled() and calls.category.isEnabled()
    calls.category.setCurrentIndex(calls.category.findData("delivery"))
    calls.note.setText("Half of the pipes never arrived")
    qtbot.mouseClick(calls.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: [t.debtor_ref for t in calls.tasks] == ["C8"], timeout=5_000)
    with session_scope(ledger) as s:
        assert s.scalar(select(Dispute.category)) == "delivery"
    assert call_state(ledger, "C7")[0] == "sent"

    # C8 not reached: a retry date today is refused; 2025-07-02 (the default) is taken.
    choose(calls, "C8")
    calls.outcome.setCurrentIndex(calls.outcome.findData("not_reached"))
    calls.when.setDate(calls.when.date().addDays(-2))
    qtbot.mouseClick(calls.save_button, Qt.MouseButton.LeftButton)
    assert warnings[-1] == "Not reached: choose a retry date after today"
    calls.outcome.setCurrentIndex(calls.outcome.findData("note"))
    calls.outcome.setCurrentIndex(calls.outcome.findData("not_reached"))  # default date again
    qtbot.mouseClick(calls.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: calls.tasks == [], timeout=5_000)
    assert tab.tabs.tabText(1) == "Calls today (0)"
    assert "No call to make today" in calls.context_label.text()
    assert call_state(ledger, "C8") == ("queued", 1, date(2025, 7, 2))
    with session_scope(ledger) as s:
        assert s.scalar(select(Activity.summary).where(Activity.kind == "call_not_reached")) \
            == "Call: not reached; try again on 2025-07-02"

    # On the retry date the call is back, as a second attempt.
    window.ctx.set_as_of(date(2025, 7, 2))
    qtbot.waitUntil(lambda: [t.debtor_ref for t in calls.tasks] == ["C8"], timeout=5_000)
    assert "attempt 2" in calls.context_label.text()
    calls.outcome.setCurrentIndex(calls.outcome.findData("note"))
    calls.note.setText("Accountant on holiday until the 15th")
    qtbot.mouseClick(calls.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: calls.tasks == [], timeout=5_000)
    assert call_state(ledger, "C8")[:2] == ("sent", 2)


def test_the_worklist_tab_shows_the_debtors_again_and_the_directory_has_no_calls_tab(
        window, qtbot):
    view = window.show_page("worklist")
    click_tab(qtbot, view.calls.tabs, 1)
    assert view.calls.stack.currentWidget() is view.calls.view
    window.ctx.open_worklist_filter(segment="smb")  # a dashboard click
    assert view.calls.tabs.currentIndex() == 0 and view.table.isVisible()
    debtors = window.show_page("debtors")
    assert debtors.directory.calls is None
