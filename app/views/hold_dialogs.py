"""Holds from the debtor page: a dispute on selected invoices, a promise to pay (one or several
instalments), a manual hold or a legal file. Each dialog takes (ctx, debtor_id, invoice ids),
calls one service in one transaction and broadcasts the debtor as changed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.db import session_scope
from app.errors import UserError
from app.models import DISPUTE_CATEGORIES
from app.services.changes import ChangeSet
from app.services.collection.disputes import open_dispute
from app.services.collection.holds import put_on_hold
from app.services.collection.promises import record_promise
from app.views.context import AppContext


def _date_edit(day: date) -> QDateEdit:
    edit = QDateEdit(QDate(day.year, day.month, day.day))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("dd/MM/yyyy")
    return edit


def _picked(edit: QDateEdit) -> date:
    q = edit.date()
    return date(q.year(), q.month(), q.day())


class _HoldDialog(QDialog):
    """Shared frame: a form, an inline error line, OK/Cancel; `save()` does the write."""

    title = "Hold"

    def __init__(self, ctx: AppContext, debtor_id: int, invoice_ids: list[int],
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.debtor_id, self.invoice_ids = ctx, debtor_id, list(invoice_ids)
        self.setWindowTitle(self.title)
        self.form = QFormLayout()
        self.error = QLabel()
        self.error.setStyleSheet("color: #b91c1c;")
        self.error.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.save)  # each dialog below defines save()
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def _write(self, work: Callable[[], None]) -> bool:
        self.error.clear()
        try:
            work()
        except UserError as exc:
            self.error.setText(str(exc))
            return False
        self.ctx.broadcast(ChangeSet(debtor_ids=frozenset({self.debtor_id})))
        self.accept()
        return True


class DisputeDialog(_HoldDialog):
    title = "Open a dispute"

    def __init__(self, ctx: AppContext, debtor_id: int, invoice_ids: list[int],
                 parent: QWidget | None = None):
        super().__init__(ctx, debtor_id, invoice_ids, parent)
        self.category = QComboBox()
        for c in DISPUTE_CATEGORIES:
            self.category.addItem(c.capitalize(), c)
        self.reason = QPlainTextEdit()
        self.reason.setPlaceholderText("What the customer contests, in their words")
        self.reason.setFixedHeight(80)
        self.form.addRow("Invoices", QLabel(f"{len(self.invoice_ids)} selected"))
        self.form.addRow("Category", self.category)
        self.form.addRow("Reason", self.reason)

    def save(self) -> None:
        def work() -> None:
            with session_scope(self.ctx.db) as s:
                open_dispute(s, self.debtor_id, self.invoice_ids,
                             category=str(self.category.currentData()),
                             reason=self.reason.toPlainText(), author=self.ctx.user_name,
                             on=self.ctx.as_of)
        self._write(work)


class PromiseDialog(_HoldDialog):
    title = "Record a promise to pay"

    def __init__(self, ctx: AppContext, debtor_id: int, invoice_ids: list[int],
                 parent: QWidget | None = None):
        super().__init__(ctx, debtor_id, invoice_ids, parent)
        self.instalments = QTableWidget(0, 2)
        self.instalments.setHorizontalHeaderLabels(["Date", "Amount"])
        self.instalments.setColumnWidth(0, 130)
        self.instalments.setToolTip("One row per instalment: date as YYYY-MM-DD, then amount")
        self.instalments.horizontalHeader().setStretchLastSection(True)
        self.instalments.setMinimumWidth(360)
        add = QPushButton("Add instalment")
        add.clicked.connect(lambda: self.add_instalment(
            self.ctx.as_of + timedelta(days=7 * (self.instalments.rowCount() + 1)), ""))
        remove = QPushButton("Remove")
        remove.clicked.connect(lambda: self.instalments.removeRow(
            max(0, self.instalments.currentRow())))
        row = QHBoxLayout()
        row.addWidget(add)
        row.addWidget(remove)
        row.addStretch(1)
        self.grace = QSpinBox()
        self.grace.setRange(0, 60)
        self.grace.setValue(2)
        self.grace.setSuffix(" days")
        self.note = QLineEdit()
        self.form.addRow("Invoices", QLabel(f"{len(self.invoice_ids)} selected"))
        self.form.addRow("Instalments", self.instalments)
        self.form.addRow("", row)
        self.form.addRow("Grace", self.grace)
        self.form.addRow("Note", self.note)
        self.add_instalment(self.ctx.as_of + timedelta(days=7), "")

    def add_instalment(self, day: date, amount: str) -> None:
        r = self.instalments.rowCount()
        self.instalments.insertRow(r)
        self.instalments.setItem(r, 0, QTableWidgetItem(day.isoformat()))
        self.instalments.setItem(r, 1, QTableWidgetItem(amount))

    def _instalments(self) -> list[tuple[date, Decimal]]:
        out = []
        for r in range(self.instalments.rowCount()):
            day_item, amount_item = self.instalments.item(r, 0), self.instalments.item(r, 1)
            text_day = day_item.text().strip() if day_item else ""
            text_amount = (amount_item.text() if amount_item else "").strip()
            try:
                day = date.fromisoformat(text_day)
            except ValueError:
                raise UserError(f"Instalment {r + 1}: '{text_day}' is not a date "
                                "(YYYY-MM-DD)") from None
            try:
                amount = Decimal(text_amount.replace(" ", "").replace(",", "."))
            except InvalidOperation:
                raise UserError(f"Instalment {r + 1}: '{text_amount}' is not an amount") from None
            out.append((day, amount))
        return out

    def save(self) -> None:
        def work() -> None:
            instalments = self._instalments()
            with session_scope(self.ctx.db) as s:
                record_promise(s, self.debtor_id, self.invoice_ids, instalments,
                               author=self.ctx.user_name, on=self.ctx.as_of,
                               grace_days=self.grace.value(), note=self.note.text().strip())
        self._write(work)


class ManualHoldDialog(_HoldDialog):
    title = "Put the debtor on hold"

    def __init__(self, ctx: AppContext, debtor_id: int, invoice_ids: list[int] | None = None,
                 parent: QWidget | None = None):
        super().__init__(ctx, debtor_id, invoice_ids or [], parent)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("Why reminders stop (seen by the whole team)")
        self.until = _date_edit(ctx.as_of + timedelta(days=14))
        self.legal = QCheckBox("Legal file: hand over and leave automated plans (no end date)")
        self.legal.toggled.connect(lambda on: self.until.setEnabled(not on))
        self.form.addRow("Reason", self.reason)
        self.form.addRow("Until (inclusive)", self.until)
        self.form.addRow("", self.legal)

    def save(self) -> None:
        def work() -> None:
            with session_scope(self.ctx.db) as s:
                put_on_hold(s, self.debtor_id, author=self.ctx.user_name,
                            reason=self.reason.text(), start=self.ctx.as_of,
                            end=_picked(self.until), legal=self.legal.isChecked())
        self._write(work)
