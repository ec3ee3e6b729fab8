"""Holds from the debtor page (C1 Boulangerie Martin of tests/views/conftest.py, 2025-06-30)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app.db import session_scope
from app.models import Debtor, Dispute, Hold, Invoice, Promise
from app.services.collection.holds import held_debtor_ids
from app.views.context import AppContext
from app.views.hold_dialogs import DisputeDialog, ManualHoldDialog, PromiseDialog
from tests.views.conftest import AS_OF


def _c1(ledger):
    with session_scope(ledger) as s:
        d = s.scalar(select(Debtor).where(Debtor.external_ref == "C1"))
        ids = {i.number: i.id for i in s.scalars(select(Invoice).where(Invoice.debtor_id == d.id))}
        return d.id, ids


def _ctx(ledger):
    changes = []
    ctx = AppContext(ledger, "Alice Martin", AS_OF, locale="fr_FR")
    ctx.changed.connect(changes.append)
    return ctx, changes


def test_dispute_on_selected_invoices(qtbot, ledger):
    debtor_id, ids = _c1(ledger)
    ctx, changes = _ctx(ledger)
    dialog = DisputeDialog(ctx, debtor_id, [ids["C"]])
    qtbot.addWidget(dialog)
    dialog.category.setCurrentIndex(dialog.category.findData("delivery"))
    dialog.reason.setPlainText("Pallet 3 never arrived")
    dialog.save()
    assert dialog.result() == DisputeDialog.DialogCode.Accepted
    assert [c.debtor_ids for c in changes] == [frozenset({debtor_id})]
    with session_scope(ledger) as s:
        dispute = s.scalar(select(Dispute))
        assert (dispute.category, dispute.status, dispute.hold.reason) == (
            "delivery", "open", "Pallet 3 never arrived")
        assert [i.invoice_id for i in dispute.hold.items] == [ids["C"]]


def test_promise_with_two_instalments_and_a_bad_amount_reported_inline(qtbot, ledger):
    debtor_id, ids = _c1(ledger)
    ctx, changes = _ctx(ledger)
    dialog = PromiseDialog(ctx, debtor_id, [ids["B"], ids["C"]])
    qtbot.addWidget(dialog)
    dialog.instalments.item(0, 1).setText("1 500,00")
    dialog.add_instalment(date(2025, 7, 31), "deux mille")
    dialog.save()
    assert dialog.error.text() == "Instalment 2: 'deux mille' is not an amount"
    assert changes == []
    dialog.instalments.item(1, 1).setText("2000")
    dialog.save()
    assert [c.debtor_ids for c in changes] == [frozenset({debtor_id})]
    with session_scope(ledger) as s:
        promise = s.scalar(select(Promise))
        assert [(i.due_date, i.amount) for i in promise.instalments] == [
            (date(2025, 7, 7), 1500), (date(2025, 7, 31), 2000)]
        assert promise.hold.end_date == date(2025, 8, 2)  # last instalment + 2 days of grace
    dialog.grab().save("/tmp/shots/promise_dialog.png")


def test_manual_hold_until_a_date_shows_in_the_worklist_hook(qtbot, ledger):
    debtor_id, _ = _c1(ledger)
    ctx, _ = _ctx(ledger)
    dialog = ManualHoldDialog(ctx, debtor_id)
    qtbot.addWidget(dialog)
    dialog.save()
    assert dialog.error.text() == "A hold needs a reason"
    dialog.reason.setText("Owner in hospital")
    dialog.save()
    with session_scope(ledger) as s:
        hold = s.scalar(select(Hold))
        assert (hold.kind, hold.end_date) == ("manual", date(2025, 7, 14))
        assert held_debtor_ids(s, AS_OF) == {
            debtor_id: f"held: manual hold #{hold.id} until 2025-07-14 (Owner in hospital)"}
    dialog.grab().save("/tmp/shots/manual_hold_dialog.png")
