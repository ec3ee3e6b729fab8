"""The dashboard page: KPI tiles, four charts, an as-of date shared with the whole app, exports.

All figures come from app.services.analytics.dashboard_data over the columnar engine, which
this page keeps current from the ChangeSets the main window broadcasts (no polling).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.config import data_dir
from app.errors import UserError
from app.services.analytics.dashboard_data import (
    ChartGroup,
    DashboardData,
    dashboard_data,
    prepare,
)
from app.services.analytics.dashboard_sheets import dashboard_sheets
from app.services.analytics.engine import LedgerEngine
from app.services.changes import ChangeSet
from app.services.documents.dashboard_pdf import render_dashboard_pdf
from app.services.documents.excel_export import write_workbook
from app.services.formatting import day
from app.views.charts import ChartCanvas, draw_aged_bars, draw_cash, draw_top_debtors, draw_trend
from app.views.context import AppContext
from app.views.dashboard_tiles import KpiTile

GROUP_TITLES = {"segment": "segment", "manager": "account manager"}
NO_VALUE = "(none)"


class DashboardView(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *,
                 ledger: LedgerEngine | None = None) -> None:
        """`ledger`: an engine already loaded for ctx.db (shared with another page)."""
        super().__init__(parent)
        self.ctx = ctx
        self.ledger: LedgerEngine | None = None
        self._engine_of = ctx.db.engine
        self.data: DashboardData | None = None
        self._build()
        ctx.changed.connect(self.on_changed)
        ctx.as_of_changed.connect(self._as_of_changed)
        if ledger is not None and ledger.db_engine is ctx.db.engine:
            self.ledger = ledger
            self.refresh()
        else:
            self.load_ledger()

    def load_ledger(self) -> None:
        """Read the ledger into column arrays: in the background when the app has a job
        runner (a large ledger takes seconds), directly otherwise (tests, benchmarks)."""
        engine = LedgerEngine(self.ctx.db.engine, cache_dir=data_dir() / "cache")
        self._engine_of = self.ctx.db.engine
        if self.ctx.jobs is None:
            prepare(engine.reload())
            self.ledger = engine
            self.refresh()
            return
        self.ledger = None
        self.note.setText("Loading the ledger…")

        def work(_job: object) -> LedgerEngine:
            prepare(engine.reload())
            return engine

        def done(loaded: LedgerEngine) -> None:
            if loaded.db_engine is self.ctx.db.engine:  # still the open database
                self.ledger = loaded
                self.refresh()

        self.ctx.jobs.run("Loading the ledger for the dashboard", work, done,
                          cancellable=False, lane="analytics")

    # --- layout ------------------------------------------------------------------------------
    def _build(self) -> None:
        self.heading = QLabel("<b style='font-size:14pt'>Dashboard</b>")
        self.as_of_edit = QDateEdit()
        self.as_of_edit.setCalendarPopup(True)
        self.as_of_edit.setDisplayFormat("yyyy-MM-dd")
        self.as_of_edit.setDate(_qdate(self.ctx.as_of))
        self.as_of_edit.dateChanged.connect(self._date_picked)
        self.currency_box = QComboBox()
        self.currency_box.currentTextChanged.connect(lambda _t: self.refresh())
        self.group_box = QComboBox()
        self.group_box.addItem("Segment", "segment")
        self.group_box.addItem("Account manager", "manager")
        self.group_box.currentIndexChanged.connect(lambda _i: self.refresh())
        self.pdf_button = QPushButton("Export PDF…")
        self.pdf_button.clicked.connect(self._ask_pdf)
        self.excel_button = QPushButton("Export Excel…")
        self.excel_button.clicked.connect(self._ask_excel)
        bar = QHBoxLayout()
        bar.addWidget(self.heading)
        bar.addStretch(1)
        for text, widget in (("As of", self.as_of_edit), ("Currency", self.currency_box),
                             ("Aged by", self.group_box)):
            bar.addWidget(QLabel(text))
            bar.addWidget(widget)
            bar.addSpacing(8)
        bar.addWidget(self.pdf_button)
        bar.addWidget(self.excel_button)
        self.tiles = [KpiTile() for _ in range(6)]
        tiles = QHBoxLayout()
        tiles.setSpacing(10)
        for tile in self.tiles:
            tiles.addWidget(tile)
        self.aged_chart = ChartCanvas(self, on_pick=self._aged_clicked)
        self.trend_chart = ChartCanvas(self)
        self.top_chart = ChartCanvas(self, on_pick=self._debtor_clicked)
        self.cash_chart = ChartCanvas(self)
        grid = QGridLayout()
        grid.setSpacing(10)
        grid.addWidget(self.aged_chart, 0, 0)
        grid.addWidget(self.trend_chart, 0, 1)
        grid.addWidget(self.top_chart, 1, 0)
        grid.addWidget(self.cash_chart, 1, 1)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #5F6B7A; font-size: 8pt;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.addLayout(bar)
        layout.addLayout(tiles)
        layout.addLayout(grid, 1)
        layout.addWidget(self.note)

    @property
    def group_by(self) -> ChartGroup:
        value: ChartGroup = self.group_box.currentData() or "segment"
        return value

    # --- data --------------------------------------------------------------------------------
    def on_changed(self, change: ChangeSet) -> None:
        if change.everything or self.ctx.db.engine is not self._engine_of:
            self.load_ledger()
        elif self.ledger is not None and (change.ledger or change.debtor_ids):
            self.ledger.apply(change)
            self.refresh()

    def refresh(self) -> None:
        """Recompute the figures for the current as-of date, currency and grouping; redraw."""
        if self.ledger is None:
            return
        wanted = self.currency_box.currentText() or None
        data = dashboard_data(self.ledger.arrays, self.ctx.as_of, currency=wanted,
                              group_by=self.group_by)
        self.data = data
        self._sync_currencies(data)
        cur = data.currency or ""
        locale = self.ctx.locale
        for tile, kpi in zip(self.tiles, data.kpis, strict=False):
            tile.show_kpi(kpi, cur, locale)
            tile.setVisible(True)
        for tile in self.tiles[len(data.kpis):]:
            tile.setVisible(False)
        group_title = GROUP_TITLES[data.group_by]
        self.aged_chart.redraw(lambda f: draw_aged_bars(f, data.aged_bars, cur, locale,
                                                        group_title))
        self.trend_chart.redraw(lambda f: draw_trend(f, data.trend, locale))
        self.top_chart.redraw(lambda f: draw_top_debtors(f, data.top_debtors, cur, locale))
        self.cash_chart.redraw(lambda f: draw_cash(f, data.cash, cur, locale))
        self.note.setText(
            f"As of {day(data.as_of, locale)}. {data.period_note} Click a bar to open the "
            "worklist filtered to it." if data.currency else "The ledger is empty.")

    def _sync_currencies(self, data: DashboardData) -> None:
        box = self.currency_box
        if [box.itemText(i) for i in range(box.count())] != list(data.currencies):
            box.blockSignals(True)
            box.clear()
            box.addItems(list(data.currencies))
            box.blockSignals(False)
        if data.currency and box.currentText() != data.currency:
            box.blockSignals(True)
            box.setCurrentText(data.currency)
            box.blockSignals(False)

    # --- as-of date --------------------------------------------------------------------------
    def _date_picked(self, value: QDate) -> None:
        self.ctx.set_as_of(date(value.year(), value.month(), value.day()))

    def _as_of_changed(self, value: date) -> None:
        if self.as_of_edit.date() != _qdate(value):
            self.as_of_edit.blockSignals(True)
            self.as_of_edit.setDate(_qdate(value))
            self.as_of_edit.blockSignals(False)
        self.refresh()

    # --- clicks ------------------------------------------------------------------------------
    def _aged_clicked(self, label: str) -> None:
        self.ctx.open_worklist_filter(**{self.group_by: None if label == NO_VALUE else label})

    def _debtor_clicked(self, gid: str) -> None:
        if gid.startswith("debtor:"):
            self.ctx.open_worklist_filter(debtor_id=int(gid.split(":", 1)[1]))

    # --- exports -----------------------------------------------------------------------------
    def chart_images(self) -> list[bytes]:
        out = []
        for canvas in (self.aged_chart, self.trend_chart, self.top_chart, self.cash_chart):
            buf = io.BytesIO()
            canvas.figure.savefig(buf, format="png", dpi=150)
            out.append(buf.getvalue())
        return out

    def export_pdf(self, path: Path) -> Path:
        assert self.data is not None
        return render_dashboard_pdf(self.data, self.chart_images(), path, locale=self.ctx.locale)

    def export_excel(self, path: Path) -> Path:
        assert self.data is not None and self.ledger is not None
        return write_workbook(path, dashboard_sheets(self.ledger.arrays, self.data))

    def _ask_pdf(self) -> None:
        self._ask("Export the dashboard to PDF", "PDF (*.pdf)", ".pdf", self.export_pdf)

    def _ask_excel(self) -> None:
        self._ask("Export the dashboard tables to Excel", "Excel workbook (*.xlsx)", ".xlsx",
                  self.export_excel)

    def _ask(self, title: str, pattern: str, suffix: str,
             write: Callable[[Path], Path]) -> None:
        name = f"dashboard-{self.ctx.as_of.isoformat()}{suffix}"
        path, _ = QFileDialog.getSaveFileName(self, title, str(Path.home() / name), pattern)
        if not path:
            return
        try:
            write(Path(path))
        except UserError as exc:
            if self.ctx.jobs is not None:
                self.ctx.jobs.show_error(title, exc)


def _qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)

