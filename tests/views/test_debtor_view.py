"""The debtor page on conftest.py's ledger, as of 2025-06-30, in French."""

from datetime import date

from PySide6.QtCore import QCoreApplication, QEvent, Qt
from sqlalchemy import select

from app.clock import today
from app.models import Activity
from app.services.changes import ChangeSet
from app.views.cell_format import local_time
from app.views.debtor_view import DebtorView

NNBSP, NBSP = "\u202f", "\xa0"


def open_debtor(window, ref: str) -> DebtorView:
    row = next(r for r in window.page("worklist").model.all_rows() if r.ref == ref)
    window.ctx.open_debtor(row.debtor_id)
    view = window.page("debtors").tabs.currentWidget()
    assert isinstance(view, DebtorView)
    return view


def column(model, col: int) -> list[str]:
    return [model.index(r, col).data() for r in range(model.rowCount())]


def test_open_items_age_like_the_domain_example(window):
    # DOMAIN.md §3 as of 2025-06-30: A current, B 20, C 60, D 76, E 121 days past due.
    view = open_debtor(window, "C1")
    assert column(view.items_model, 1) == ["E", "D", "C", "B", "A"]
    assert column(view.items_model, 6) == ["121", "76", "60", "20", ""]
    assert column(view.items_model, 5)[0] == f"800,00{NBSP}€"
    assert view.tabs.tabText(0) == "Open items (5)"


def test_header_shows_balances_contacts_and_a_limit_exceeded(window):
    view = open_debtor(window, "C1")
    assert view.name.text() == "Boulangerie Martin"
    assert view.identity.text() == "C1   ·   SMB   ·   Manager: Alice Martin   ·   FR/fr"
    assert view.balances.text() == (
        f"Open <b>5{NNBSP}800,00{NBSP}€</b> &nbsp;·&nbsp; overdue <b>4{NNBSP}800,00{NBSP}€</b>")
    # exposure 5,800 against a 5,000 limit: 116 %, shown in red
    assert "Over limit:" in view.credit.text()
    assert f"exposure 5{NNBSP}800,00{NBSP}€ (116 %)" in view.credit.text()
    contacts = view.contacts.model
    assert [(contacts.index(0, c).data()) for c in range(4)] == [
        "★", "Jeanne Martin", "compta@boulangerie-martin.fr", "+33 1 23 45 67 89"]


def test_a_debtor_without_limit_or_contact_says_so(window):
    view = open_debtor(window, "C3")
    assert view.credit.text() == "No credit limit set"
    assert view.contacts.empty.isVisible() and not view.contacts.table.isVisible()
    assert column(view.items_model, 6) == [""]  # due 07-31: not late


def test_adding_a_note_writes_an_activity_and_shows_it(window, qtbot):
    view = open_debtor(window, "C2")
    assert column(view.timeline_model, 3) == ["Promised to pay next week"]
    assert not view.note_button.isEnabled()
    qtbot.keyClicks(view.note_edit, "Called: cheque posted on Friday")
    assert view.note_button.isEnabled()
    with qtbot.waitSignal(window.ctx.changed, timeout=5000) as changed:
        qtbot.mouseClick(view.note_button, Qt.MouseButton.LeftButton)
    assert changed.args[0] == ChangeSet(debtor_ids=frozenset({view.debtor_id}))
    assert column(view.timeline_model, 3) == ["Called: cheque posted on Friday",
                                              "Promised to pay next week"]
    assert column(view.timeline_model, 1)[0] == "Alice Martin"
    assert view.note_edit.text() == ""
    with window.ctx.db.sessions() as s:
        notes = s.execute(select(Activity.author, Activity.summary)
                          .where(Activity.debtor_id == view.debtor_id, Activity.kind == "note")
                          ).all()
    assert notes == [("Alice Martin", "Called: cheque posted on Friday")]
    # the note is a touch, dated today: the worklist as of today shows it as C2's last touch
    window.ctx.set_as_of(today())
    worklist = window.page("worklist")
    qtbot.waitUntil(lambda: not worklist.loading)
    c2 = next(r for r in worklist.model.all_rows() if r.ref == "C2")
    assert c2.last_touch is not None and local_time(c2.last_touch).date() == today()


def test_closing_a_debtor_tab_keeps_the_directory(window):
    page = window.page("debtors") or window.show_page("debtors")
    open_debtor(window, "C1")
    open_debtor(window, "C4")
    assert [v.detail.name for v in page.debtor_views()] == ["Boulangerie Martin",
                                                            "Pharmacie Lenoir"]
    page.close_tab(page.tabs.indexOf(page.debtor_views()[0]))
    page.close_tab(0)  # the directory cannot be closed
    assert page.tabs.tabText(0) == "All debtors"
    assert [v.detail.name for v in page.debtor_views()] == ["Pharmacie Lenoir"]


def test_a_closed_tab_no_longer_follows_changes(window, qtbot):
    page = window.show_page("debtors")
    view = open_debtor(window, "C2")
    page.close_tab(page.tabs.indexOf(view))
    qtbot.waitUntil(lambda: view not in page.debtor_views())
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    window.ctx.set_as_of(date(2025, 7, 31))  # would touch deleted widgets if still connected
    window.ctx.broadcast(ChangeSet(debtor_ids=frozenset({view.debtor_id})))
    assert window.ctx.jobs.wait_idle(5000)


def test_dispute_selected_invoices_from_the_items_tab_and_the_tooltip_explains(window, qtbot):
    from PySide6.QtCore import QItemSelectionModel

    from app.db import session_scope
    from app.models import Dispute, HoldItem
    from app.views.hold_dialogs import DisputeDialog
    from tests import factories as f

    with session_scope(window.ctx.db) as s:
        f.default_plans(s)
    view = open_debtor(window, "C1")
    first = view.items_model.rows()[0]  # E: 800 EUR, 121 days late
    selection = view.items_table.selectionModel()
    selection.select(view.items_model.index(0, 0),
                     QItemSelectionModel.SelectionFlag.Select
                     | QItemSelectionModel.SelectionFlag.Rows)
    assert view.selected_invoice_ids() == [first.item_id]
    view.dispute_button.click()
    dialog = view.hold_dialog
    assert isinstance(dialog, DisputeDialog)
    dialog.reason.setPlainText("Delivered damaged")
    dialog.save()
    qtbot.waitUntil(lambda: not dialog.isVisible())
    with window.ctx.db.sessions() as s:
        assert s.scalar(select(Dispute.category)) == "pricing"
        assert [h.invoice_id for h in s.scalars(select(HoldItem))] == [first.item_id]
    tip = view.items_model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert "dispute" in tip.lower()


def test_double_click_on_a_sent_entry_opens_its_archived_copy(window, tmp_path, monkeypatch):
    from PySide6.QtGui import QDesktopServices

    from app.db import session_scope
    from app.services.activity import log_activity

    proof = tmp_path / "letter-C1.pdf"
    proof.write_bytes(b"%PDF-1.4 archived letter")
    row = next(r for r in window.page("worklist").model.all_rows() if r.ref == "C1")
    with session_scope(window.ctx.db) as s:
        log_activity(s, author="Collecta", kind="letter_sent", debtor_id=row.debtor_id,
                     summary="Formal notice sent by letter", detail={"archive_path": str(proof)})
    view = open_debtor(window, "C1")
    view.reload()
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()))
    entries = view.timeline_model.rows()
    index = next(i for i, e in enumerate(entries) if e.kind == "letter_sent")
    assert "Double-click" in view.timeline_model.index(index, 3).data(Qt.ItemDataRole.ToolTipRole)
    view.open_proof(view.timeline_model.index(index, 0))
    assert opened == [str(proof)]
    proof.unlink()
    view.open_proof(view.timeline_model.index(index, 0))  # gone: an error, nothing opened
    assert opened == [str(proof)]
    assert "is missing" in window.ctx.jobs.last_error_box.text()
