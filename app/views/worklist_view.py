"""The worklist page: filters bar, the debtor table, totals per currency; Enter opens a debtor.

The same view, with `include_settled=True`, is the directory of every debtor in the Debtors
section. Rows load through the job runner on the "read" lane (a newer load supersedes an older
one); filters and column layout are remembered in QSettings under the view's settings prefix. The
worklist (not the directory) has a "Calls today (N)" tab beside the debtor list (calls_today.py).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QDate, QEvent, QObject, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.services import formatting
from app.services.changes import ChangeSet
from app.services.worklist import WorklistFilter, WorklistRow, worklist_rows
from app.views.calls_today import CallsTodayTab
from app.views.cell_format import segment_label
from app.views.context import AppContext
from app.views.jobs import JobContext
from app.views.settings_store import app_settings, read_bool, read_str
from app.views.table_style import style_table
from app.views.worklist_model import COLUMN_KEYS, COLUMNS, NOT_SET, WorklistTableModel

READ_LANE = "read"
# Width of each column in average characters (the Debtor column stretches).
COLUMN_CHARS = {"ref": 9, "name": 34, "segment": 14, "manager": 15, "open": 15, "overdue": 15,
                "dpd": 11, "oldest": 11, "touch": 11, "hold": 13}


class WorklistView(QWidget):
    """Emits `loaded(int)` with the number of rows each time a load completes."""

    loaded = Signal(int)

    def __init__(self, ctx: AppContext, *, include_settled: bool = False,
                 settings_prefix: str = "worklist", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.include_settled = include_settled
        self.prefix = settings_prefix
        self.model = WorklistTableModel(ctx.locale, self)
        self.loading = False
        self._reload_pending = False
        self._pending_criteria: dict[str, Any] | None = None
        self._build()
        self._restore_settings()
        ctx.changed.connect(self._on_changed)
        ctx.as_of_changed.connect(self._on_as_of_changed)
        self.reload()

    # --- layout ------------------------------------------------------------------------------
    def _build(self) -> None:
        self.search = QLineEdit(placeholderText="Search name or reference")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(260)
        self.segment = QComboBox()
        self.segment.setMinimumContentsLength(14)
        self.manager = QComboBox()
        self.manager.setMinimumContentsLength(14)
        self.overdue_only = QCheckBox("Overdue only")
        self.as_of = QDateEdit()
        self.as_of.setCalendarPopup(True)
        self.as_of.setDisplayFormat("yyyy-MM-dd")
        self.as_of.setDate(_qdate(self.ctx.as_of))
        self.as_of.setToolTip("Balances and days past due are computed as of this date")
        bar = QHBoxLayout()
        bar.addWidget(self.search, 2)
        bar.addWidget(self.segment)
        bar.addWidget(self.manager)
        bar.addWidget(self.overdue_only)
        bar.addStretch(1)
        bar.addWidget(QLabel("As of"))
        bar.addWidget(self.as_of)

        self.table = QTableView()
        self.table.setModel(self.model)
        style_table(self.table)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        avg = self.fontMetrics().averageCharWidth()
        bold = QFont(self.font())
        bold.setBold(True)
        title_width = QFontMetrics(bold).horizontalAdvance
        for i, col in enumerate(COLUMNS):
            # room for the content, and for the bold title plus padding and the sort arrow
            header.resizeSection(i, max(COLUMN_CHARS[col.key] * avg + 16,
                                        title_width(col.title) + 34))
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        # The service's order (most days past due first) is the default sort.
        header.setSortIndicator(COLUMN_KEYS.index("dpd"), Qt.SortOrder.DescendingOrder)
        self.table.setSortingEnabled(True)
        self.table.doubleClicked.connect(lambda index: self._open_row(index.row()))
        self.table.installEventFilter(self)

        self.footer = QLabel()
        self.footer.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.footer.setWordWrap(True)  # three currencies do not fit on one line at 1280 px

        debtors = QWidget()
        inner = QVBoxLayout(debtors)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.addLayout(bar)
        inner.addWidget(self.table, 1)
        inner.addWidget(self.footer)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 8)
        # The worklist (not the Debtors directory) has the user's "Calls today" next to it.
        self.calls: CallsTodayTab | None = None
        if self.include_settled:
            layout.addWidget(debtors, 1)
        else:
            self.calls = CallsTodayTab(self.ctx, debtors, self)
            layout.setSpacing(8)
            layout.addWidget(self.calls.tabs)
            layout.addWidget(self.calls.stack, 1)

        self.search.textChanged.connect(self._apply_filter)
        self.segment.currentIndexChanged.connect(self._apply_filter)
        self.manager.currentIndexChanged.connect(self._apply_filter)
        self.overdue_only.toggled.connect(self._apply_filter)
        self.as_of.dateChanged.connect(lambda d: self.ctx.set_as_of(d.toPython()))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.table and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._open_row(self.table.currentIndex().row())
                return True
        return super().eventFilter(watched, event)

    # --- loading -----------------------------------------------------------------------------
    def reload(self) -> None:
        """Load the rows as of ctx.as_of; a reload asked while loading runs after it."""
        if self.loading:
            self._reload_pending = True
            return
        assert self.ctx.jobs is not None, "the main window sets ctx.jobs before pages are built"
        self.loading = True
        self.footer.setText("Loading…")
        as_of, settled = self.ctx.as_of, self.include_settled

        def work(job: JobContext) -> list[WorklistRow]:
            with job.session() as session:
                return worklist_rows(session, as_of, include_settled=settled)

        job = self.ctx.jobs.run("Loading the worklist", work, self.set_rows, lane=READ_LANE,
                                show_progress=False)
        job.finished.connect(self._load_finished)

    def _load_finished(self, job: Any) -> None:
        self.loading = False
        if job.state == "done" and self.calls is not None:
            self.calls.worklist_loaded()
        if job.state != "done":
            self.footer.setText("The worklist could not be loaded.")
        elif self._pending_criteria is not None and not self._reload_pending:
            criteria, self._pending_criteria = self._pending_criteria, None
            self.show_only(criteria)
        if self._reload_pending:
            self._reload_pending = False
            self.reload()

    def set_rows(self, rows: list[WorklistRow]) -> None:
        self.model.set_rows(rows)
        self._fill_combo(self.segment, "All segments", "No segment",
                         sorted({r.segment for r in rows if r.segment}),
                         any(r.segment is None for r in rows), segment_label)
        self._fill_combo(self.manager, "All managers", "No manager",
                         sorted({r.manager for r in rows if r.manager}),
                         any(r.manager is None for r in rows), str)
        self._apply_filter()
        self.loaded.emit(len(rows))

    def _fill_combo(self, combo: QComboBox, everyone: str, nobody: str, values: list[str],
                    has_unset: bool, label: Any) -> None:
        current = combo.currentData() or combo.property("wanted")
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(everyone, None)
        for value in values:
            combo.addItem(label(value), value)
        if has_unset:
            combo.addItem(nobody, NOT_SET)
        found = combo.findData(current) if current else -1
        combo.setCurrentIndex(max(found, 0))
        combo.setProperty("wanted", None)  # the saved choice applies to the first load only
        combo.blockSignals(False)

    def _on_changed(self, change: ChangeSet) -> None:
        if change.everything or change.ledger or change.debtor_ids:
            self.reload()

    def _on_as_of_changed(self, value: date) -> None:
        self.as_of.blockSignals(True)
        self.as_of.setDate(_qdate(value))
        self.as_of.blockSignals(False)
        self.reload()

    # --- filtering and the footer ------------------------------------------------------------
    def current_filter(self) -> WorklistFilter:
        return WorklistFilter(text=self.search.text(), segment=self.segment.currentData(),
                              manager=self.manager.currentData(),
                              overdue_only=self.overdue_only.isChecked())

    def _apply_filter(self) -> None:
        self.model.set_filter(self.current_filter())
        self._update_footer()
        self._save_filters()

    def _update_footer(self) -> None:
        debtors, total = self.model.debtor_count(), self.model.debtor_count(visible=False)
        parts = [f"{debtors:,} of {total:,} debtors".replace(",", "\u202f")]
        for cur, (open_, overdue) in self.model.visible_totals().items():
            parts.append(f"{cur}: open {formatting.money(open_, cur, self.ctx.locale)}, "
                         f"overdue {formatting.money(overdue, cur, self.ctx.locale)}")
        self.footer.setText("   ·   ".join(parts))

    def show_only(self, criteria: dict[str, Any]) -> None:
        """Filter to one segment, manager (None: rows without one) or debtor, clearing the other
        filters so that exactly that subset shows (the dashboard's clicks)."""
        if self.calls is not None:
            self.calls.tabs.setCurrentIndex(0)  # the debtor list, not the calls
        if self.loading:  # applied once the rows (and the combos' choices) are in
            self._pending_criteria = criteria
            return
        for widget in (self.search, self.segment, self.manager, self.overdue_only):
            widget.blockSignals(True)
        self.search.clear()
        self.segment.setCurrentIndex(0)
        self.manager.setCurrentIndex(0)
        self.overdue_only.setChecked(False)
        for key, combo in (("segment", self.segment), ("manager", self.manager)):
            if key in criteria:
                value = criteria[key]
                index = combo.findData(NOT_SET if value is None else value)
                if index < 0:  # nothing open there as of this date: show that, not everything
                    label = f"No {key}" if value is None else str(value)
                    combo.addItem(label, NOT_SET if value is None else value)
                    index = combo.count() - 1
                combo.setCurrentIndex(index)
        if "debtor_id" in criteria:
            ref = next((r.ref for r in self.model.all_rows()
                        if r.debtor_id == criteria["debtor_id"]), None)
            self.search.setText(ref or f"#{criteria['debtor_id']}")
        for widget in (self.search, self.segment, self.manager, self.overdue_only):
            widget.blockSignals(False)
        self._apply_filter()

    def _open_row(self, row: int) -> None:
        if 0 <= row < self.model.rowCount():
            self.ctx.open_debtor(self.model.row_at(row).debtor_id)

    # --- settings ----------------------------------------------------------------------------
    def _restore_settings(self) -> None:
        s = app_settings()
        for widget in (self.search, self.segment, self.manager, self.overdue_only):
            widget.blockSignals(True)
        self.search.setText(read_str(s, f"{self.prefix}/text"))
        self.segment.setProperty("wanted", read_str(s, f"{self.prefix}/segment") or None)
        self.manager.setProperty("wanted", read_str(s, f"{self.prefix}/manager") or None)
        self.overdue_only.setChecked(read_bool(s, f"{self.prefix}/overdue_only"))
        for widget in (self.search, self.segment, self.manager, self.overdue_only):
            widget.blockSignals(False)
        state = s.value(f"{self.prefix}/header")
        if state is not None:
            self.table.horizontalHeader().restoreState(state)

    def _save_filters(self) -> None:
        s = app_settings()
        s.setValue(f"{self.prefix}/text", self.search.text())
        s.setValue(f"{self.prefix}/segment", self.segment.currentData() or "")
        s.setValue(f"{self.prefix}/manager", self.manager.currentData() or "")
        s.setValue(f"{self.prefix}/overdue_only", self.overdue_only.isChecked())

    def save_layout(self) -> None:
        app_settings().setValue(f"{self.prefix}/header",
                                self.table.horizontalHeader().saveState())


def _qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)
