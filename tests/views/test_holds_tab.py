"""The Holds tab of the debtor page (C1 Boulangerie Martin of tests/views/conftest.py, 2025-06-30):
list the debtor's holds, move a dispute along with a note, release a manual hold."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QItemSelectionModel
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import select

from app.db import session_scope
from app.models import Activity, Debtor, Dispute, Hold, Invoice
from app.services.collection.disputes import open_dispute
from app.services.collection.holds import put_on_hold
from app.services.collection.promises import record_promise
from app.views.disputes_view import DisputeStatusDialog
from tests.factories import D
from tests.views.test_debtor_view import column, open_debtor


def _holds(window):
    with session_scope(window.ctx.db) as s:
        d = s.scalar(select(Debtor).where(Debtor.external_ref == "C1"))
        ids = {i.number: i.id for i in s.scalars(select(Invoice).where(Invoice.debtor_id == d.id))}
        dispute = open_dispute(s, d.id, [ids["C"]], category="delivery",
                               reason="Pallet 3 never arrived", author="Alice Martin",
                               on=date(2025, 6, 20))
        record_promise(s, d.id, [ids["B"]], [(date(2025, 7, 10), D(1000))],
                       author="Alice Martin", on=date(2025, 6, 25))
        manual = put_on_hold(s, d.id, author="Alice Martin", reason="Owner in hospital",
                             start=date(2025, 6, 28), end=date(2025, 7, 14))
    return dispute.dispute_id, manual


def _select(panel, row: int) -> None:
    panel.table.selectionModel().select(
        panel.model.index(row, 0),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)


def test_the_tab_lists_holds_and_moves_a_dispute_along(window, qtbot):
    dispute_id, manual = _holds(window)
    view = open_debtor(window, "C1")
    panel = view.holds_panel
    assert view.tabs.tabText(3) == "Holds (3 active)"
    assert column(panel.model, 0) == [f"Manual hold #{manual}", "Promise to pay #1",
                                      f"Dispute #{dispute_id} (delivery)"]
    assert column(panel.model, 1) == ["Active", "Pending", "Open"]
    assert column(panel.model, 2)[1:] == ["B", "C"] and column(panel.model, 2)[0] == "Whole debtor"
    assert column(panel.model, 4) == ["14/07/2025", "12/07/2025", ""]
    assert not panel.status_button.isEnabled() and not panel.release_button.isEnabled()

    _select(panel, 2)
    assert panel.status_button.isEnabled() and not panel.release_button.isEnabled()
    assert "Alice Martin: Open — Pallet 3 never arrived" in panel.detail.text()
    view.tabs.setCurrentIndex(3)
    view.resize(1100, 560)
    view.grab().save("/tmp/shots/holds_tab.png")
    panel.status_button.click()
    dialog = panel.status_dialog
    assert isinstance(dialog, DisputeStatusDialog)
    assert [dialog.status.itemText(i) for i in range(dialog.status.count())] == [
        "In progress", "Resolved", "Credited", "Rejected"]
    dialog.status.setCurrentIndex(dialog.status.findData("credited"))
    dialog.save()
    assert dialog.error.text().startswith("Say how the dispute ended")
    dialog.note.setPlainText("Credit note AV-0042 issued for the missing pallet")
    dialog.grab().save("/tmp/shots/dispute_status_dialog.png")
    dialog.save()
    qtbot.waitUntil(lambda: not dialog.isVisible())
    with window.ctx.db.sessions() as s:
        d = s.get(Dispute, dispute_id)
        assert (d.status, d.resolution) == (
            "credited", "Credit note AV-0042 issued for the missing pallet")
        assert s.get(Hold, d.hold_id).end_date == date(2025, 6, 30)
    # The debtor was broadcast: the tab reloaded, the dispute no longer holds anything.
    assert view.tabs.tabText(3) == "Holds (2 active)"
    assert column(panel.model, 1) == ["Active", "Pending", "Credited"]


def test_release_a_manual_hold_after_confirming(window, qtbot, monkeypatch):
    _, manual = _holds(window)
    view = open_debtor(window, "C1")
    panel = view.holds_panel
    _select(panel, 0)
    assert panel.release_button.isEnabled() and not panel.status_button.isEnabled()
    asked = []

    def answer(_parent, title, text, *_args):
        asked.append(text)
        return QMessageBox.StandardButton.No if len(asked) == 1 else QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", answer)
    panel.release_button.click()  # "No": nothing changes
    with window.ctx.db.sessions() as s:
        assert s.get(Hold, manual).end_date == date(2025, 7, 14)
    panel.release_button.click()
    assert asked[0] == f"Release Manual hold #{manual}? Reminders resume after 30/06/2025."
    with window.ctx.db.sessions() as s:
        assert s.get(Hold, manual).end_date == date(2025, 6, 30)
        assert s.scalar(select(Activity.summary).where(Activity.kind == "hold_released")) == (
            f"Hold #{manual} (manual) released on 2025-06-30")
    assert column(panel.model, 1)[0] == "Ends today"
    _select(panel, 0)
    assert not panel.release_button.isEnabled()
