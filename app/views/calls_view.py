"""Calls today: the current user's call tasks with the debtor's context, and the outcome form
(reached → promise, dispute or note; not reached → a retry date)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.clock import utcnow
from app.db import session_scope
from app.errors import UserError
from app.models import DISPUTE_CATEGORIES
from app.services import formatting
from app.services.changes import ChangeSet
from app.services.dispatch.calls import CallTask, calls_today, record_call_outcome
from app.views.context import AppContext

OUTCOME_TEXT = {"promise": "Reached – promise to pay", "dispute": "Reached – dispute",
                "note": "Reached – note", "not_reached": "Not reached – call again"}


def _qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


class CallsTodayView(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.tasks: list[CallTask] = []
        self.list = QListWidget()
        self.list.currentRowChanged.connect(self._show)
        self.context_label = QLabel()
        self.context_label.setWordWrap(True)
        self.outcome = QComboBox()
        for key, text in OUTCOME_TEXT.items():
            self.outcome.addItem(text, key)
        self.outcome.currentIndexChanged.connect(self._outcome_changed)
        self.when = QDateEdit(calendarPopup=True)
        self.when.setDisplayFormat("dd/MM/yyyy")
        self.amount = QLineEdit(placeholderText="amount promised")
        self.category = QComboBox()
        for c in DISPUTE_CATEGORIES:
            self.category.addItem(c.capitalize(), c)
        self.note = QLineEdit(placeholderText="what was said")
        self.save_button = QPushButton("Save outcome")
        self.save_button.clicked.connect(self.save)
        self.form = QFormLayout()
        self.form.addRow("Outcome", self.outcome)
        self.form.addRow("Date", self.when)
        self.form.addRow("Amount", self.amount)
        self.form.addRow("Category", self.category)
        self.form.addRow("Note", self.note)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.addWidget(self.context_label)
        rl.addLayout(self.form)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.save_button)
        rl.addLayout(row)
        rl.addStretch(1)
        split = QSplitter()
        split.addWidget(self.list)
        split.addWidget(right)
        split.setSizes([300, 700])
        layout = QVBoxLayout(self)
        layout.addWidget(split)
        ctx.changed.connect(lambda _c: self.refresh())
        self.refresh()
        self._outcome_changed()

    def refresh(self) -> None:
        with session_scope(self.ctx.db) as s:
            self.tasks = calls_today(s, self.ctx.as_of, self.ctx.user_name)
        self.list.clear()
        for t in self.tasks:
            self.list.addItem(f"{t.debtor_name} ({t.debtor_ref}) – {t.phone or 'no phone'}")
        if self.tasks:
            self.list.setCurrentRow(0)
        else:
            self._show(-1)

    def current(self) -> CallTask | None:
        row = self.list.currentRow()
        return self.tasks[row] if 0 <= row < len(self.tasks) else None

    def _show(self, _row: int) -> None:
        t = self.current()
        self.save_button.setEnabled(t is not None and not self.ctx.db.read_only)
        if t is None:
            self.context_label.setText("<i>No call to make today.</i>")
            return
        loc = self.ctx.locale
        items = "".join(
            f"<tr><td>{i.number}</td><td>{formatting.day(i.due_date, loc)}</td>"
            f"<td align='right'>{i.days_late} d</td>"
            f"<td align='right'>{formatting.money(i.residual, i.currency, loc)}</td></tr>"
            for i in t.items)
        totals = ", ".join(formatting.money(v, k, loc) for k, v in sorted(t.total().items()))
        touches = "<br>".join(t.last_touches) or "none"
        holds = "<br>".join(t.holds) or "none"
        self.context_label.setText(
            f"<h3>{t.debtor_name} <small>({t.debtor_ref})</small></h3>"
            f"<p>Call <b>{t.contact or 'the accounts department'}</b> on "
            f"<b>{t.phone or 'no number on file'}</b>"
            f"{f' – attempt {t.tries + 1}' if t.tries else ''}</p>"
            f"<table cellspacing='6'><tr><th align='left'>Invoice</th><th align='left'>Due</th>"
            f"<th>Late</th><th align='right'>Outstanding</th></tr>{items}</table>"
            f"<p><b>Overdue: {totals}</b></p><p><b>Last touches</b><br>{touches}</p>"
            f"<p><b>Disputes and promises</b><br>{holds}</p>")
        total = sum(t.total().values(), Decimal("0")) if len(t.total()) == 1 else None
        self.amount.setText(f"{total:.2f}" if total is not None else "")

    def _outcome_changed(self) -> None:
        key = self.outcome.currentData()
        self.when.setDate(_qdate(self.ctx.as_of + timedelta(days=7 if key == "promise" else 2)))
        for widget, wanted in ((self.when, key in ("promise", "not_reached")),
                               (self.amount, key == "promise"), (self.category, key == "dispute")):
            widget.setEnabled(wanted)

    def save(self) -> None:
        t = self.current()
        if t is None:
            return
        key = str(self.outcome.currentData())
        qd = self.when.date()
        when = date(qd.year(), qd.month(), qd.day())
        try:
            promise = None
            if key == "promise":
                try:
                    promise = (when, Decimal(self.amount.text().replace(",", ".").strip()))
                except InvalidOperation:
                    raise UserError(f"'{self.amount.text()}' is not an amount") from None
            with session_scope(self.ctx.db) as s:
                record_call_outcome(s, t.outbox_id, key, user=self.ctx.user_name, at=utcnow(),
                                    as_of=self.ctx.as_of, note=self.note.text(), promise=promise,
                                    dispute_category=str(self.category.currentData()),
                                    retry_on=when if key == "not_reached" else None)
        except UserError as exc:
            QMessageBox.warning(self, "Call outcome", str(exc))
            return
        self.note.clear()
        self.ctx.broadcast(ChangeSet(debtor_ids=frozenset({t.debtor_id}), campaigns=True))
