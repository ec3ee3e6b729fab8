"""The Sending section: the outbox with its states, "Send approved campaigns" as a background job
(progress, pause, cancel, a summary per channel), confirming unknown messages, opening sent files,
"Print letters…" of a campaign, today's calls, and the email and SMS settings."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.clock import utcnow
from app.config import data_dir
from app.db import session_scope
from app.models import OUTBOX_CHANNELS, OUTBOX_STATES
from app.services.changes import ChangeSet
from app.services.dispatch.configured import configured_senders
from app.services.dispatch.outbox import confirm_message, list_outbox
from app.services.dispatch.sender import DispatchSummary, run_dispatch
from app.services.dispatch.sender_lock import exclusive_sending
from app.views.calls_view import CallsTodayView
from app.views.context import AppContext
from app.views.dispatch_models import OutboxTableModel
from app.views.jobs import Job, JobContext
from app.views.print_letters import LetterPrinter, letters
from app.views.sending_panel import SEND_LANE, SendingPanel
from app.views.sms_settings import SmsSettingsForm
from app.views.smtp_settings import SmtpSettingsForm

CHANNEL_NAMES = {"email": "Emails", "sms": "SMS", "letter": "Letters", "call": "Calls"}


def dispatch_work(user: str, as_of_day: object) -> object:
    """The job body: send with the configured channels, reporting progress and honouring
    pause and cancel (the message in hand finishes; the rest stays queued)."""

    def work(jc: JobContext) -> DispatchSummary:
        with jc.session() as s:
            senders, domain = configured_senders(s, data_dir() / "archive")
        with exclusive_sending(data_dir(), jc.db.url):
            return run_dispatch(jc.db, as_of_day, senders, author=user,  # type: ignore[arg-type]
                                domain=domain, progress=jc.progress, cancelled=jc.cancelled,
                                paused=jc.paused)

    return work


class OutboxView(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.model = OutboxTableModel(ctx.locale, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)  # by number until a header is clicked
        self.state = QComboBox()
        self.state.addItem("All states", None)
        for st in OUTBOX_STATES:
            self.state.addItem(st.capitalize(), st)
        self.state.currentIndexChanged.connect(self.refresh)
        self.channel = QComboBox()
        self.channel.addItem("All channels", None)
        for ch in OUTBOX_CHANNELS:
            self.channel.addItem(CHANNEL_NAMES.get(ch, ch.capitalize()), ch)
        self.channel.currentIndexChanged.connect(self.refresh)
        self.send_button = QPushButton("Send approved campaigns")
        self.send_button.clicked.connect(self.send)
        self.sent_button = QPushButton("It arrived")
        self.sent_button.setToolTip("An unknown message did reach the customer: mark it sent")
        self.sent_button.clicked.connect(lambda: self.confirm(True))
        self.resend_button = QPushButton("It did not arrive")
        self.resend_button.setToolTip("Queue the unknown message to be sent again")
        self.resend_button.clicked.connect(lambda: self.confirm(False))
        self.open_button = QPushButton("Open sent file")
        self.open_button.clicked.connect(self.open_file)
        self.print_button = QPushButton("Print letters…")
        self.print_button.setToolTip("The selected letter's campaign: all its sent letters as "
                                     "one PDF to print")
        self.print_button.clicked.connect(self.print_letters)
        self.printer = LetterPrinter(ctx, self, lambda n, out: self.summary.setText(
            f"{letters(n)} saved to {out}"))
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.sending = SendingPanel()
        self._seen_progress = False
        bar = QHBoxLayout()
        bar.addWidget(self.send_button)
        bar.addWidget(self.state)
        bar.addWidget(self.channel)
        bar.addStretch(1)
        for b in (self.sent_button, self.resend_button, self.open_button, self.print_button):
            bar.addWidget(b)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.sending)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self._stale = False  # a change came while the outbox was hidden: reload when shown
        ctx.changed.connect(self._on_changed)
        self.refresh()

    def _on_changed(self, change: ChangeSet) -> None:
        # A big campaign's outbox is ~15k rows (0.3 s to reload): a note or a hold on a debtor
        # elsewhere reloads it only when the outbox is on screen, else when it is next shown.
        if change.campaigns or change.everything or change.debtor_ids:
            if self.isVisible():
                self.refresh()
            else:
                self._stale = True

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        if self._stale:
            self.refresh()
        super().showEvent(event)

    def refresh(self) -> None:
        self._stale = False
        with session_scope(self.ctx.db) as s:
            self.model.set_rows(list_outbox(s, state=self.state.currentData(),
                                            channel=self.channel.currentData()))
        self._update_buttons()

    def selected(self):  # type: ignore[no-untyped-def]
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def _update_buttons(self) -> None:
        r = self.selected()
        unknown = r is not None and r.state == "unknown"
        self.sent_button.setEnabled(unknown and not self.ctx.db.read_only)
        self.resend_button.setEnabled(unknown and not self.ctx.db.read_only)
        self.open_button.setEnabled(r is not None and bool(r.archive_path))
        self.print_button.setEnabled(r is not None and r.channel == "letter"
                                     and r.campaign_id is not None)  # notices have none
        self.send_button.setEnabled(not self.ctx.db.read_only and self.sending.job is None)

    def send(self) -> None:
        self.send_button.setEnabled(False)
        self.summary.clear()
        assert self.ctx.jobs is not None
        job = self.ctx.jobs.run("Sending approved campaigns",
                                dispatch_work(self.ctx.user_name, self.ctx.as_of),  # type: ignore[arg-type]
                                lane=SEND_LANE, show_progress=False)
        self.sending.follow(job)
        self._seen_progress = False
        job.progressed.connect(self._sending_progress)
        job.finished.connect(self._sent)

    def _sending_progress(self, done: int, total: int, message: str) -> None:
        """The table shows the queued rows once the run has queued them, and the states
        when it pauses (a refresh per message would cost more than the sending); the status
        bar shows the count on every page."""
        self.ctx.background_status.emit(
            f"Sending paused: {done} of {total}" if message == "paused"
            else f"Sending: {done} of {total}")
        if not self._seen_progress or message == "paused":
            self._seen_progress = True
            self.refresh()

    def _sent(self, job: Job[DispatchSummary]) -> None:
        """After the run, cancelled or not (the runner skips on_done for a cancelled job, but
        a cancelled send still has its summary); an error is also shown in the error dialog."""
        self.ctx.background_status.emit("")
        summary = job.result
        if summary is not None:
            head = "Cancelled — the rest stays queued. " if summary.cancelled else "Done. "
            self.summary.setText(head + "; ".join(summary.lines()))
        elif job.error is not None:
            self.summary.setText(f"Stopped: {job.error}")
        self.ctx.broadcast(ChangeSet(campaigns=True))
        self.refresh()

    def confirm(self, arrived: bool) -> None:
        r = self.selected()
        if r is None:
            return
        with session_scope(self.ctx.db) as s:
            confirm_message(s, r.outbox_id, sent=arrived, user=self.ctx.user_name, at=utcnow())
        self.ctx.broadcast(ChangeSet(campaigns=True))
        self.refresh()

    def print_letters(self) -> None:
        r = self.selected()
        if r is not None and r.campaign_id is not None:
            self.printer.print_campaign(r.campaign_id)

    def open_file(self) -> None:
        r = self.selected()
        if r is not None and r.archive_path and Path(r.archive_path).exists():
            QDesktopServices.openUrl(QUrl.fromLocalFile(r.archive_path))


class DispatchPage(QTabWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.outbox = OutboxView(ctx)
        self.smtp = SmtpSettingsForm(ctx)
        self.sms = SmsSettingsForm(ctx)
        self.calls = CallsTodayView(ctx)
        self.addTab(self.outbox, "Outbox")
        self.addTab(self.calls, "Calls today")
        self.addTab(self.smtp, "Email settings")
        self.addTab(self.sms, "SMS settings")
