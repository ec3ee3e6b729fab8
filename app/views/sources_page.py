"""Ledger sources: the configured sources with their last sync, Sync now (through the job
runner, with progress and cancel), Import file… (the wizard), Add… / Edit… / Remove / Test
(source_editing), and the automatic sync that runs due sources every N minutes while the app is
open (`SyncScheduler`).

Hook for the main window: `SyncScheduler(ctx)` emits `status_changed(str)` with "Last sync …"
for the status bar; `SourcesPage(ctx, scheduler)` is the page.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.clock import utcnow
from app.services.changes import ChangeSet
from app.services.formatting import day
from app.services.ledger.source_list import SourceRow, list_sources
from app.views.context import AppContext
from app.views.row_table_model import RowTableModel
from app.views.source_editing import SourceEditing

if TYPE_CHECKING:
    from app.services.ledger.sources import SyncOutcome

CHECK_EVERY_MS = 60_000
Index = QModelIndex | QPersistentModelIndex


def is_due(src: SourceRow, now: datetime) -> bool:
    """A scheduled source is due when its interval has passed since its last sync."""
    if not src.schedule_minutes or not src.enabled:
        return False
    if src.last_sync_at is None:
        return True
    last = src.last_sync_at if src.last_sync_at.tzinfo else src.last_sync_at.replace(tzinfo=UTC)
    return now - last >= timedelta(minutes=src.schedule_minutes)


def describe_last_sync(sources: list[SourceRow]) -> str:
    done = [s for s in sources if s.last_sync_at is not None]
    if not done:
        return "Ledger: never synced" if sources else ""
    last = max(done, key=lambda s: s.last_sync_at or datetime.min.replace(tzinfo=UTC))
    assert last.last_sync_at is not None
    local = last.last_sync_at.astimezone()
    when = f"{day(local.date())} {local:%H:%M}"
    failed = [s.name for s in sources if s.last_outcome == "failed"]
    tail = f" — failed: {', '.join(failed)}" if failed else ""
    return f"Last sync {last.name} {when} ({last.last_outcome}){tail}"


class SyncScheduler(QObject):
    """Runs the due sources through the job runner every minute while the app is open."""

    status_changed = Signal(str)
    synced = Signal(object)  # list[SyncOutcome]

    def __init__(self, ctx: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.timer = QTimer(self)
        self.timer.setInterval(CHECK_EVERY_MS)
        self.timer.timeout.connect(self.run_due)
        self.running = False

    def start(self) -> None:
        self.timer.start()
        self.refresh_status()

    def refresh_status(self) -> None:
        self.status_changed.emit(describe_last_sync(list_sources(self.ctx.db)))

    def run_due(self) -> None:
        now = utcnow()
        if self.running or self.ctx.read_only or not any(
                is_due(s, now) for s in list_sources(self.ctx.db)):
            return
        self.sync(only_due=True)

    def sync(self, only_due: bool = False) -> None:
        """Sync now (all enabled sources) or only the due ones, in the background."""
        if self.ctx.jobs is None or self.running:
            return
        self.running = True
        as_of, user = self.ctx.as_of, self.ctx.user_name
        now = utcnow()

        from app.services.ledger.sources import sync_all  # the import pipeline: loaded on use

        def work(jc: Any) -> list[SyncOutcome]:
            return sync_all(jc.db, as_of, author=user, progress=jc.progress,
                            cancelled=jc.cancelled,
                            only_due=(lambda s: is_due(s, now)) if only_due else None)

        job = self.ctx.jobs.run("Syncing the ledger", work, self._done,
                                show_progress=not only_due)
        job.finished.connect(lambda _job: setattr(self, "running", False))

    def _done(self, outcomes: list[SyncOutcome]) -> None:
        self.running = False
        ids: set[int] = set()
        for o in outcomes:
            if o.report is not None:
                ids |= o.report.debtor_ids
        if ids:
            self.ctx.broadcast(ChangeSet(debtor_ids=frozenset(ids), ledger=True))
        self.refresh_status()
        self.synced.emit(outcomes)


class SourcesTableModel(RowTableModel[SourceRow]):
    headers = COLUMNS = ("Source", "Kind", "Location", "Every", "Last sync", "Outcome")

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        s = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            local = s.last_sync_at.astimezone() if s.last_sync_at else None
            last = f"{day(local.date())} {local:%H:%M}" if local else "never"
            every = f"{s.schedule_minutes} min" if s.schedule_minutes else "manual"
            return (s.name, s.kind, s.location, every, last, s.last_outcome or "")[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return s.last_message
        return None



class SourcesPage(QWidget):
    def __init__(self, ctx: AppContext, scheduler: SyncScheduler | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.scheduler = scheduler or SyncScheduler(ctx, self)
        self.model = SourcesTableModel()
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.view.verticalHeader().hide()
        self.view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.sync_button = QPushButton("Sync now")
        self.sync_button.clicked.connect(lambda: self.scheduler.sync())
        self.import_button = QPushButton("Import file…")
        self.import_button.clicked.connect(self.open_wizard)
        self.edit = SourceEditing(self)
        self.status = QLabel()
        buttons = QHBoxLayout()
        buttons.addWidget(self.sync_button)
        buttons.addWidget(self.import_button)
        buttons.addSpacing(16)
        for b in self.edit.buttons:
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.status)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.edit.result)
        self.hint = QLabel("Set up each source once with Add… (a nightly FEC or Excel export, "
                           "Sage 100, another SQL database); Sync now, or its schedule, then "
                           "imports what changed. Double-click a source to edit it.")
        self.hint.setWordWrap(True)
        layout.addWidget(self.hint)
        self.scheduler.status_changed.connect(self.status.setText)
        self.scheduler.synced.connect(lambda _o: self.refresh())
        self.sync_button.setEnabled(not ctx.read_only)
        self.import_button.setEnabled(not ctx.read_only)
        self.refresh()

    def refresh(self) -> None:
        chosen = self.selected()
        rows = list_sources(self.ctx.db)
        self.model.set_rows(rows)
        if chosen is not None:
            self.select(chosen.name)
        self.view.resizeColumnsToContents()
        self.view.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.status.setText(describe_last_sync(rows))
        self.edit.selection_changed()

    def selected(self) -> SourceRow | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.rows[rows[0].row()] if rows else None

    def select(self, name: str) -> None:
        for i, row in enumerate(self.model.rows):
            if row.name == name:
                self.view.selectRow(i)

    def open_wizard(self) -> None:
        from app.views.import_wizard import ImportWizard

        ImportWizard(self.ctx, self).exec()
        self.refresh()
