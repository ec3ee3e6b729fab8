"""One look for every table: bold flat header with room for the sort arrow, alternating rows,
whole-row selection, compact fixed row height, no grid, no word wrap."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

HEADER_STYLE = (
    "QHeaderView::section { font-weight: bold; padding: 4px 18px 4px 6px;"
    " background: palette(button); border: none;"
    " border-right: 1px solid palette(midlight); border-bottom: 1px solid palette(mid); }"
)


def style_table(table: QTableView) -> None:
    table.setAlternatingRowColors(True)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setWordWrap(False)
    table.setShowGrid(False)
    rows = table.verticalHeader()
    rows.hide()
    rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    rows.setDefaultSectionSize(table.fontMetrics().height() + 10)
    header = table.horizontalHeader()
    header.setStyleSheet(HEADER_STYLE)
    header.setHighlightSections(False)
    header.setSortIndicatorShown(True)
