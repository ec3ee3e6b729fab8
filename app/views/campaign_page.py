"""The Campaigns section: recent campaigns, "Build today's campaign" (a job), open one to review,
"Print letters…" of an approved or dispatched campaign (a job, then offered to open)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.db import session_scope
from app.services import formatting
from app.services.changes import ChangeSet
from app.services.collection.builder import BuildResult, build_campaign
from app.services.collection.campaigns import CampaignRow, list_campaigns
from app.views.campaign_dialog import CampaignDialog
from app.views.context import AppContext
from app.views.jobs import JobContext
from app.views.plan_editor import PlanEditor
from app.views.print_letters import PRINTABLE_STATUSES, LetterPrinter, letters
from app.views.row_table_model import RowTableModel
from app.views.table_style import style_table

Index = QModelIndex | QPersistentModelIndex
HEADERS = ("#", "As of", "Status", "Actions", "Excluded", "Totals", "Built by", "Decided by")
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


class CampaignTableModel(RowTableModel[CampaignRow]):
    headers = HEADERS

    def __init__(self, locale: str, parent: Any = None):
        super().__init__(parent)
        self.locale = locale

    def data(self, index: Index, role: int = int(Qt.ItemDataRole.DisplayRole)) -> Any:
        if not index.isValid():
            return None
        r = self.rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            totals = " · ".join(formatting.money(v, c, self.locale) for c, v in r.totals.items())
            return (str(r.campaign_id), formatting.day(r.as_of, self.locale),
                    r.status.replace("_", " "), str(r.actions), str(r.excluded or ""), totals,
                    r.built_by, r.decided_by or "")[col]
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (0, 3, 4, 5):
            return RIGHT
        if role == Qt.ItemDataRole.ToolTipRole and r.reject_reason:
            return f"Rejected: {r.reject_reason}"
        return None


class CampaignPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.model = CampaignTableModel(ctx.locale, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        style_table(self.table)  # the worklist's look: alternating rows, bold header, no grid
        self.table.horizontalHeader().setSortIndicatorShown(False)  # newest first, not sortable
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.empty_hint = QLabel(
            "No campaign yet. Build the campaign of the day: Collecta proposes the reminders "
            "that are due, and a manager reviews them before anything is sent.")
        self.empty_hint.setWordWrap(True)
        self.empty_hint.setStyleSheet("color: palette(mid); padding: 24px;")
        self.table.doubleClicked.connect(lambda _i: self.open_selected())
        self.build_button = QPushButton("Build today's campaign")
        self.build_button.clicked.connect(self.build)
        self.open_button = QPushButton("Review…")
        self.open_button.clicked.connect(self.open_selected)
        self.plans_button = QPushButton("Reminder plans…")
        self.plans_button.clicked.connect(self.open_plans)
        self.print_button = QPushButton("Print letters…")
        self.print_button.setToolTip("The selected campaign's sent letters as one PDF to print")
        self.print_button.clicked.connect(self.print_letters)
        self.printer = LetterPrinter(ctx, self, self._letters_saved)
        self.status = QLabel()
        top = QHBoxLayout()
        top.addWidget(self.build_button)
        top.addWidget(self.open_button)
        top.addWidget(self.plans_button)
        top.addWidget(self.print_button)
        top.addStretch(1)
        top.addWidget(self.status)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.empty_hint)
        layout.addWidget(self.table, 1)
        self.build_button.setEnabled(not ctx.read_only)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        ctx.changed.connect(self._on_changed)
        ctx.as_of_changed.connect(lambda _d: self._label())
        self.refresh()

    def _label(self) -> None:
        self.build_button.setText(
            f"Build the campaign of {formatting.day(self.ctx.as_of, self.ctx.locale)}")

    def refresh(self) -> None:
        self._label()
        with session_scope(self.ctx.db) as session:
            self.model.set_rows(list_campaigns(session))
        self.empty_hint.setVisible(not self.model.rows)
        self._update_buttons()

    def _update_buttons(self) -> None:
        row = self.selected_row()
        self.open_button.setEnabled(row is not None)
        self.print_button.setEnabled(row is not None and row.status in PRINTABLE_STATUSES)

    def _on_changed(self, change: ChangeSet) -> None:
        if change.campaigns or change.everything:
            self.refresh()

    def build(self) -> None:
        assert self.ctx.jobs is not None
        as_of, user = self.ctx.as_of, self.ctx.user_name

        def work(job: JobContext) -> BuildResult:
            with session_scope(job.db) as session:
                return build_campaign(session, as_of, user=user, progress=job.progress,
                                      cancelled=job.cancelled)

        self.ctx.jobs.run("Building the campaign", work, self._built)

    def _built(self, result: BuildResult) -> None:
        verb = "built" if result.created else "already built"
        self.status.setText(f"Campaign #{result.campaign_id} {verb}: {result.actions} action(s)")
        self.ctx.broadcast(ChangeSet(campaigns=True, debtor_ids=result.debtor_ids))
        self.refresh()
        for row, r in enumerate(self.model.rows):
            if r.campaign_id == result.campaign_id:
                self.table.selectRow(row)

    def open_plans(self) -> QDialog:
        dialog = QDialog(self)
        dialog.setWindowTitle("Reminder plans")
        dialog.resize(1200, 760)
        layout = QVBoxLayout(dialog)
        layout.addWidget(PlanEditor(self.ctx, dialog))
        dialog.open()
        return dialog

    def selected_row(self) -> CampaignRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.rows[rows[0].row()] if rows else None

    def selected_campaign_id(self) -> int | None:
        row = self.selected_row()
        return row.campaign_id if row is not None else None

    def print_letters(self) -> None:
        campaign_id = self.selected_campaign_id()
        if campaign_id is not None:
            self.printer.print_campaign(campaign_id)

    def _letters_saved(self, count: int, out: Path) -> None:
        self.status.setText(f"{letters(count)} saved to {out.name}")

    def open_selected(self) -> CampaignDialog | None:
        campaign_id = self.selected_campaign_id()
        if campaign_id is None:
            return None
        dialog = CampaignDialog(self.ctx, campaign_id, self)
        dialog.open()
        return dialog
