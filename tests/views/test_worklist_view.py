"""The worklist page on the four-debtor ledger of conftest.py, as of 2025-06-30, in French."""

from datetime import date

import pytest
from PySide6.QtCore import Qt

from app.db import session_scope
from app.services.changes import ChangeSet
from app.services.collection.holds import put_on_hold
from app.views.debtor_view import DebtorView
from app.views.worklist_model import COLUMN_KEYS
from app.views.worklist_view import WorklistView

NNBSP, NBSP = "\u202f", "\xa0"


def worklist(window) -> WorklistView:
    view = window.page("worklist")
    assert isinstance(view, WorklistView)
    return view


def refs(view: WorklistView) -> list[str]:
    return [r.ref for r in view.model.rows()]


@pytest.mark.parametrize(
    ("column", "ascending", "descending"),
    [
        ("ref", ["C1", "C2", "C3", "C4"], ["C4", "C3", "C2", "C1"]),
        ("name", ["C3", "C1", "C2", "C4"], ["C4", "C2", "C1", "C3"]),
        # ties keep the service's order (most days past due first): C1 before C4
        ("segment", ["C2", "C3", "C1", "C4"], ["C1", "C4", "C3", "C2"]),
        ("manager", ["C1", "C4", "C2", "C3"], ["C2", "C1", "C4", "C3"]),  # no manager last
        ("open", ["C2", "C4", "C3", "C1"], ["C1", "C3", "C4", "C2"]),  # 300, 700, 1200, 5800
        ("overdue", ["C3", "C2", "C4", "C1"], ["C1", "C4", "C2", "C3"]),  # 0, 300, 700, 4800
        ("dpd", ["C3", "C2", "C4", "C1"], ["C1", "C4", "C2", "C3"]),  # 0, 10, 30, 121
        ("oldest", ["C1", "C4", "C2", "C3"], ["C3", "C2", "C4", "C1"]),
        ("touch", ["C4", "C2", "C1", "C3"], ["C2", "C4", "C1", "C3"]),  # never touched last
    ],
)
def test_every_column_sorts_the_rows(window, column, ascending, descending):
    view = worklist(window)
    index = COLUMN_KEYS.index(column)
    view.table.sortByColumn(index, Qt.SortOrder.AscendingOrder)
    assert refs(view) == ascending
    view.table.sortByColumn(index, Qt.SortOrder.DescendingOrder)
    assert refs(view) == descending


def test_default_order_is_most_days_past_due_first_with_french_figures(window):
    view = worklist(window)
    assert refs(view) == ["C1", "C4", "C2", "C3"]
    cells = [view.model.index(0, i).data() for i in range(len(COLUMN_KEYS))]
    assert cells == ["C1", "Boulangerie Martin", "SMB", "Alice Martin",
                     f"5{NNBSP}800,00{NBSP}€", f"4{NNBSP}800,00{NBSP}€", "121", "01/03/2025", "",
                     ""]
    c4 = [view.model.index(1, i).data() for i in (4, 6, 8)]
    assert c4 == [f"700,00{NBSP}£GB", "30", "02/06/2025"]
    not_due = [view.model.index(3, i).data() for i in (5, 6)]
    assert not_due == ["", ""]  # C3: nothing overdue, no days past due shown


def test_filters_count_rows_and_totals_follow(window, qtbot):
    view = worklist(window)
    assert view.footer.text() == (
        f"4 of 4 debtors   ·   EUR: open 7{NNBSP}300,00{NBSP}€, overdue 5{NNBSP}100,00{NBSP}€"
        f"   ·   GBP: open 700,00{NBSP}£GB, overdue 700,00{NBSP}£GB")
    qtbot.keyClicks(view.search, "garage")
    assert refs(view) == ["C2"]
    assert view.footer.text() == (
        f"1 of 4 debtors   ·   EUR: open 300,00{NBSP}€, overdue 300,00{NBSP}€")
    view.search.clear()
    view.search.setText("c4")  # references match too
    assert refs(view) == ["C4"]
    view.search.clear()
    view.segment.setCurrentIndex(view.segment.findData("smb"))
    assert refs(view) == ["C1", "C4"]
    view.segment.setCurrentIndex(0)
    view.manager.setCurrentIndex(view.manager.findData("Bruno Petit"))
    assert refs(view) == ["C2"]
    view.manager.setCurrentIndex(0)
    view.overdue_only.setChecked(True)
    assert refs(view) == ["C1", "C4", "C2"]
    assert view.footer.text().startswith("3 of 4 debtors")


def test_filters_are_remembered_for_the_next_window(window, qtbot):
    view = worklist(window)
    view.search.setText("boul")
    view.overdue_only.setChecked(True)
    view.segment.setCurrentIndex(view.segment.findData("smb"))
    again = WorklistView(window.ctx)
    qtbot.addWidget(again)
    qtbot.waitUntil(lambda: not again.loading)
    assert again.search.text() == "boul"
    assert again.overdue_only.isChecked()
    assert again.segment.currentData() == "smb"
    assert refs(again) == ["C1"]


def test_as_of_change_reloads_the_figures(window, qtbot):
    view = worklist(window)
    window.ctx.set_as_of(date(2025, 7, 31))
    qtbot.waitUntil(lambda: not view.loading and view.model.rows()[0].max_dpd == 152)
    assert view.as_of.date().toPython() == date(2025, 7, 31)
    c3 = next(r for r in view.model.rows() if r.ref == "C3")
    assert c3.max_dpd == 0  # due on 07-31: not late yet on that day


def test_enter_opens_the_debtor_in_a_tab(window, qtbot):
    view = worklist(window)
    view.table.setFocus()
    view.table.selectRow(0)
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    page = window.page("debtors")
    assert window.stack.currentWidget() is page
    debtor = page.tabs.currentWidget()
    assert isinstance(debtor, DebtorView)
    assert debtor.name.text() == "Boulangerie Martin"
    assert [i.number for i in debtor.items_model.rows()] == ["E", "D", "C", "B", "A"]
    # opening the same debtor again shows its tab instead of a second one
    window.show_page("worklist")
    qtbot.keyClick(view.table, Qt.Key.Key_Enter)
    assert len(page.debtor_views()) == 1


def test_double_click_opens_the_debtor_too(window, qtbot):
    view = worklist(window)
    rect = view.table.visualRect(view.model.index(2, 1))  # C2, Garage Dupont
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    debtor = window.page("debtors").tabs.currentWidget()
    assert isinstance(debtor, DebtorView)
    assert debtor.name.text() == "Garage Dupont"


def test_footer_totals_are_the_services_totals(window):
    from app.services.worklist import totals_per_currency

    view = worklist(window)
    for flt in ("", "a", "pharm"):
        view.search.setText(flt)
        assert view.model.visible_totals() == totals_per_currency(view.model.rows())


def test_the_dashboard_can_ask_for_a_segment_a_manager_or_a_debtor(window, qtbot):
    view = worklist(window)
    view.overdue_only.setChecked(True)
    view.search.setText("zzz")
    window.show_page("settings")
    window.ctx.open_worklist_filter(segment="smb")
    assert window.stack.currentWidget() is view
    assert refs(view) == ["C1", "C4"]  # the other filters were cleared
    assert view.search.text() == "" and not view.overdue_only.isChecked()
    window.ctx.open_worklist_filter(manager=None)  # accounts without a manager
    assert view.manager.currentText() == "No manager"
    assert refs(view) == ["C3"]
    window.ctx.open_worklist_filter(manager="Bruno Petit")
    assert refs(view) == ["C2"]
    c4 = next(r.debtor_id for r in view.model.all_rows() if r.ref == "C4")
    window.ctx.open_worklist_filter(debtor_id=c4)
    assert refs(view) == ["C4"]
    window.ctx.open_worklist_filter(segment="public_sector")
    assert refs(view) == ["C3"]


def test_a_request_during_a_load_applies_when_the_rows_arrive(window, qtbot):
    view = worklist(window)
    window.ctx.set_as_of(date(2025, 7, 31))  # starts a reload
    assert view.loading
    window.ctx.open_worklist_filter(segment="key_accounts")
    qtbot.waitUntil(lambda: not view.loading)
    assert refs(view) == ["C2"]


def test_hold_column_shows_the_kind_and_the_full_reason_in_the_tooltip(window, qtbot):
    view = worklist(window)
    with session_scope(window.ctx.db) as s:
        c2 = next(r.debtor_id for r in view.model.all_rows() if r.ref == "C2")
        hold_id = put_on_hold(s, c2, author="Alice Martin", reason="Awaiting a credit note",
                              start=date(2025, 6, 26), end=date(2025, 7, 10))
    window.ctx.broadcast(ChangeSet(debtor_ids=frozenset({c2})))
    qtbot.waitUntil(lambda: not view.loading and any(r.hold for r in view.model.rows()))
    column = COLUMN_KEYS.index("hold")
    row = refs(view).index("C2")
    cell = view.model.index(row, column)
    assert cell.data() == "Manual hold"
    assert cell.data(Qt.ItemDataRole.ToolTipRole) == (
        f"Held: manual hold #{hold_id} until 2025-07-10 (Awaiting a credit note)")
    assert view.model.index(refs(view).index("C1"), column).data() == ""
    view.table.sortByColumn(column, Qt.SortOrder.AscendingOrder)
    assert refs(view)[0] == "C2"  # the held debtor first, rows without a hold after
