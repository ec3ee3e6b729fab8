"""Calls today: the current user's call tasks with the debtor's context, and the outcome form
(reached → promise, dispute or note; not reached → a retry date).

The tasks load through the job runner on the "read" lane, so neither the Sending page nor the
worklist waits for them; `loaded(int)` says how many calls there are after each load."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPushButton,
    QScrollArea,
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
from app.views.jobs import JobContext

READ_LANE = "read"  # the worklist's lane: reads queue behind each other, never behind writes
OUTCOME_TEXT = {"promise": "Reached – promise to pay", "dispute": "Reached – dispute",
                "note": "Reached – note", "not_reached": "Not reached – call again"}
SAVED_TEXT = {"promise": "promise to pay recorded", "dispute": "dispute opened",
              "note": "note saved", "not_reached": "call moved to {when}"}


def _qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def load_calls(as_of: date, user: str) -> Any:
    """The job body: the user's calls due by `as_of`."""

    def work(jc: JobContext) -> list[CallTask]:
        with jc.session() as s:
            return calls_today(s, as_of, user)

    return work


class CallsTodayView(QWidget):
    loaded = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *,
                 tasks: list[CallTask] | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.tasks: list[CallTask] = []
        self.loading = False
        self._reload_pending = False
        self.heading = QLabel()
        self.list = QListWidget()
        self.list.currentRowChanged.connect(self._show)
        self.list.setMinimumWidth(260)
        self.context_label = QLabel()
        self.context_label.setWordWrap(True)
        self.context_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.context_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.context_label)
        self.outcome = QComboBox()
        for key, text in OUTCOME_TEXT.items():
            self.outcome.addItem(text, key)
        self.outcome.currentIndexChanged.connect(self._outcome_changed)
        self.when = QDateEdit()
        self.when.setCalendarPopup(True)
        self.when.setDisplayFormat("dd/MM/yyyy")
        self.amount = QLineEdit(placeholderText="amount promised")
        self.category = QComboBox()
        for c in DISPUTE_CATEGORIES:
            self.category.addItem(c.capitalize(), c)
        self.note = QLineEdit(placeholderText="what was said")
        self.save_button = QPushButton("Save outcome")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.open_button = QPushButton("Open debtor")
        self.open_button.clicked.connect(self.open_debtor)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.form = QFormLayout()
        self.form.addRow("Outcome", self.outcome)
        self.form.addRow("Date", self.when)
        self.form.addRow("Amount", self.amount)
        self.form.addRow("Category", self.category)
        self.form.addRow("Note", self.note)
        box = QGroupBox("Outcome of the call")
        box.setMaximumWidth(640)  # a form, not a spreadsheet: keep the fields readable
        bl = QVBoxLayout(box)
        bl.addLayout(self.form)
        row = QHBoxLayout()
        row.addWidget(self.open_button)
        row.addStretch(1)
        row.addWidget(self.save_button)
        bl.addLayout(row)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.addWidget(scroll, 1)
        rl.addWidget(box)
        rl.addWidget(self.status)
        split = QSplitter()
        split.addWidget(self.list)
        split.addWidget(right)
        split.setStretchFactor(1, 1)
        split.setSizes([320, 700])
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(split, 1)
        ctx.changed.connect(self._on_changed)
        ctx.as_of_changed.connect(lambda _d: self.refresh())
        self._outcome_changed()
        if tasks is None:
            self.refresh()
        else:
            self.set_tasks(tasks)

    # --- loading -----------------------------------------------------------------------------
    def _on_changed(self, change: ChangeSet) -> None:
        if change.everything or change.campaigns or change.settings or change.debtor_ids:
            self.refresh()

    def refresh(self) -> None:
        """Load the calls in the background; a refresh asked while loading runs after it."""
        if self.loading:
            self._reload_pending = True
            return
        assert self.ctx.jobs is not None
        self.loading = True
        job = self.ctx.jobs.run("Loading today's calls",
                                load_calls(self.ctx.as_of, self.ctx.user_name), self.set_tasks,
                                lane=READ_LANE, show_progress=False)
        job.finished.connect(self._load_finished)

    def _load_finished(self, _job: Any) -> None:
        self.loading = False
        if self._reload_pending:
            self._reload_pending = False
            self.refresh()

    def set_tasks(self, tasks: list[CallTask]) -> None:
        previous = self.current()
        self.tasks = list(tasks)
        self.heading.setText(
            f"<b>Calls for {self.ctx.user_name}</b> due by "
            f"{formatting.day(self.ctx.as_of, self.ctx.locale)} — {len(self.tasks)} to make")
        self.list.blockSignals(True)
        self.list.clear()
        for t in self.tasks:
            self.list.addItem(f"{t.debtor_name} ({t.debtor_ref}) – {t.phone or 'no phone'}")
        keep = next((i for i, t in enumerate(self.tasks)
                     if previous is not None and t.outbox_id == previous.outbox_id), 0)
        self.list.setCurrentRow(keep if self.tasks else -1)
        self.list.blockSignals(False)
        self._show(self.list.currentRow())
        self.loaded.emit(len(self.tasks))

    def current(self) -> CallTask | None:
        row = self.list.currentRow()
        return self.tasks[row] if 0 <= row < len(self.tasks) else None

    # --- the context pane --------------------------------------------------------------------
    def _show(self, _row: int) -> None:
        t = self.current()
        self.save_button.setEnabled(t is not None and not self.ctx.db.read_only)
        self.open_button.setEnabled(t is not None)
        if t is None:
            self.context_label.setText("<i>No call to make today.</i>")
            self.amount.clear()
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
            f"<p><b>Overdue: {totals or 'nothing'}</b></p>"
            f"<p><b>Last touches</b><br>{touches}</p>"
            f"<p><b>Disputes and promises</b><br>{holds}</p>")
        total = sum(t.total().values(), Decimal("0")) if len(t.total()) == 1 else None
        self.amount.setText(f"{total:.2f}" if total is not None else "")

    def _outcome_changed(self) -> None:
        key = self.outcome.currentData()
        self.when.setDate(_qdate(self.ctx.as_of + timedelta(days=7 if key == "promise" else 2)))
        for widget, wanted in ((self.when, key in ("promise", "not_reached")),
                               (self.amount, key == "promise"), (self.category, key == "dispute")):
            widget.setEnabled(wanted)
        self.note.setPlaceholderText("what the customer disputes" if key == "dispute"
                                     else "what was said")

    # --- actions -----------------------------------------------------------------------------
    def open_debtor(self) -> None:
        t = self.current()
        if t is not None:
            self.ctx.open_debtor(t.debtor_id)

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
                    raise UserError(f"Promise for {t.debtor_name}: '{self.amount.text()}' is "
                                    "not an amount") from None
            with session_scope(self.ctx.db) as s:
                record_call_outcome(s, t.outbox_id, key, user=self.ctx.user_name, at=utcnow(),
                                    as_of=self.ctx.as_of, note=self.note.text(), promise=promise,
                                    dispute_category=str(self.category.currentData()),
                                    retry_on=when if key == "not_reached" else None)
        except UserError as exc:
            QMessageBox.warning(self, "Call outcome", str(exc))
            return
        self.note.clear()
        self.status.setText(f"{t.debtor_name}: "
                            + SAVED_TEXT[key].format(when=formatting.day(when, self.ctx.locale)))
        self.ctx.broadcast(ChangeSet(debtor_ids=frozenset({t.debtor_id}), campaigns=True))
