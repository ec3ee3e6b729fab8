"""The Holds tab of the debtor page: the debtor's disputes, promises, manual holds and legal files;
move a dispute along (open → in progress → resolved | credited | rejected) with a note, release a
manual hold. Each write is one service call in one transaction, then the debtor is broadcast."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.db import session_scope
from app.errors import UserError
from app.services import formatting
from app.services.changes import ChangeSet
from app.services.collection.disputes import set_dispute_status
from app.services.collection.hold_list import HoldRow, debtor_holds
from app.services.collection.holds import release_hold
from app.views.cell_format import local_time
from app.views.context import AppContext
from app.views.debtor_models import Column, DtoTableModel
from app.views.table_style import style_table

STATUS_LABELS = {"open": "Open", "in_progress": "In progress", "resolved": "Resolved",
                 "credited": "Credited", "rejected": "Rejected", "pending": "Pending",
                 "kept": "Kept", "broken": "Broken", "scheduled": "Scheduled",
                 "active": "Active", "ends today": "Ends today", "ended": "Ended"}
ACTIVE = "#b45309"
DONE = "#5d6166"


def _covers(r: HoldRow) -> str:
    return ", ".join(r.invoices) if r.invoices else "Whole debtor"


class HoldsTableModel(DtoTableModel[HoldRow]):
    columns = (
        Column("Hold", False, lambda r, _: r.title, lambda r: r.hold_id),
        Column("Status", False, lambda r, _: STATUS_LABELS.get(r.status, r.status),
               lambda r: r.status),
        Column("Covers", False, lambda r, _: _covers(r), lambda r: r.invoices),
        Column("From", True, lambda r, loc: formatting.day(r.start, loc), lambda r: r.start),
        Column("Until", True, lambda r, loc: formatting.day(r.end, loc) if r.end else "",
               lambda r: r.end or r.start),
        Column("Reason", False, lambda r, _: r.reason.splitlines()[0], lambda r: r.reason),
        Column("By", False, lambda r, _: r.author, lambda r: r.author),
    )

    def extra(self, row: HoldRow, column: int, role: int) -> Any:
        if column == 1 and role == Qt.ItemDataRole.ForegroundRole:
            return QColor(ACTIVE if row.active else DONE)
        if role == Qt.ItemDataRole.ToolTipRole:
            return row.reason
        return None


class DisputeStatusDialog(QDialog):
    """Pick the dispute's next status and say why; OK writes it."""

    def __init__(self, ctx: AppContext, row: HoldRow, parent: QWidget | None = None):
        super().__init__(parent)
        assert row.dispute_id is not None
        self.ctx, self.row = ctx, row
        self.setWindowTitle(f"{row.title}: change status")
        self.status = QComboBox()
        for status in row.next_statuses:
            self.status.addItem(STATUS_LABELS[status], status)
        self.note = QPlainTextEdit()
        self.note.setPlaceholderText("What happened: the customer's answer, the credit note "
                                     "number, why the claim is rejected…")
        self.note.setFixedHeight(80)
        self.error = QLabel()
        self.error.setStyleSheet("color: #b91c1c;")
        self.error.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Now", QLabel(STATUS_LABELS[row.status]))
        form.addRow("Covers", QLabel(_covers(row)))
        form.addRow("New status", self.status)
        form.addRow("Note", self.note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(460, self.sizeHint().height())

    def save(self) -> None:
        status, note = self.status.currentData(), self.note.toPlainText().strip()
        dispute_id = self.row.dispute_id
        assert dispute_id is not None
        if status != "in_progress" and not note:
            self.error.setText("Say how the dispute ended (this note is kept as its resolution)")
            return

        def work() -> None:
            with session_scope(self.ctx.db) as session:
                set_dispute_status(session, dispute_id, status, author=self.ctx.user_name,
                                   on=self.ctx.as_of, note=note or None)

        if _write(self.ctx, self.row, work, self.error.setText):
            self.accept()


def _write(ctx: AppContext, row: HoldRow, work: Callable[[], None],
           show_error: Callable[[str], None]) -> bool:
    try:
        work()
    except UserError as exc:
        show_error(str(exc))
        return False
    ctx.broadcast(ChangeSet(debtor_ids=frozenset({row.debtor_id})))
    return True


class HoldsPanel(QWidget):
    """Lists one debtor's holds as of ctx.as_of; the debtor page reloads it with its content."""

    def __init__(self, ctx: AppContext, debtor_id: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.debtor_id = ctx, debtor_id
        self.model = HoldsTableModel(ctx.locale, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        style_table(self.table)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSortIndicator(3, Qt.SortOrder.DescendingOrder)
        self.table.setSortingEnabled(True)  # newest first, as the service returns them
        self.table.selectionModel().selectionChanged.connect(self._selected)
        self.status_button = QPushButton("Change dispute status…")
        self.status_button.clicked.connect(self.change_status)
        self.release_button = QPushButton("Release hold")
        self.release_button.setToolTip("End this hold today: reminders resume tomorrow")
        self.release_button.clicked.connect(self.release)
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.error = QLabel()
        self.error.setStyleSheet("color: #b91c1c;")
        row = QHBoxLayout()
        row.addWidget(self.status_button)
        row.addWidget(self.release_button)
        row.addWidget(self.error, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.table, 3)
        layout.addWidget(self.detail, 1)
        self._selected()

    def reload(self) -> None:
        with self.ctx.db.sessions() as session:
            rows = debtor_holds(session, self.debtor_id, self.ctx.as_of)
        self.model.set_rows(rows)
        self.table.resizeColumnsToContents()
        header = self.table.horizontalHeader()
        for column in range(header.count() - 1):
            header.resizeSection(column, header.sectionSize(column) + 16)
        self._selected()

    def active_count(self) -> int:
        return sum(1 for r in self.model.rows() if r.active)

    def selected(self) -> HoldRow | None:
        picked = self.table.selectionModel().selectedRows()
        return self.model.rows()[picked[0].row()] if picked else None

    def _selected(self, *_: object) -> None:
        r = self.selected()
        writable = not self.ctx.read_only
        self.status_button.setEnabled(writable and r is not None and bool(r.next_statuses))
        self.release_button.setEnabled(writable and r is not None and r.releasable)
        self.error.clear()
        self.detail.setText(self._detail_text(r) if r is not None else
                            "Select a hold to read its history.")

    def _detail_text(self, r: HoldRow) -> str:
        loc = self.ctx.locale
        lines = [f"{r.title} — {STATUS_LABELS.get(r.status, r.status)}. {r.reason}"]
        for h in r.history:
            at = local_time(h.at)
            lines.append(f"  {formatting.day(at.date(), loc)} {at:%H:%M}  {h.author}: "
                         f"{STATUS_LABELS.get(h.status, h.status)}"
                         + (f" — {h.note}" if h.note else ""))
        if r.promised and r.currency:
            lines += [f"  {formatting.day(day, loc)}: {formatting.money(amount, r.currency, loc)}"
                      for day, amount in r.promised]
        return "\n".join(lines)

    def change_status(self) -> None:
        r = self.selected()
        if r is None or not r.next_statuses:
            return
        self.status_dialog = DisputeStatusDialog(self.ctx, r, self)
        self.status_dialog.open()

    def release(self) -> None:
        r = self.selected()
        if r is None or not r.releasable:
            return
        day = formatting.day(self.ctx.as_of, self.ctx.locale)
        answer = QMessageBox.question(self, "Release hold",
                                      f"Release {r.title}? Reminders resume after {day}.")
        if answer != QMessageBox.StandardButton.Yes:
            return

        def work() -> None:
            with session_scope(self.ctx.db) as session:
                release_hold(session, r.hold_id, author=self.ctx.user_name, on=self.ctx.as_of)

        _write(self.ctx, r, work, self.error.setText)
