"""The worklist table: a QAbstractTableModel over WorklistRow DTOs, sorted and filtered in Python.

At 20,000 debtors a QSortFilterProxyModel calls `data()` hundreds of thousands of times per sort;
sorting the row list with a key function and resetting the model is an order of magnitude faster.
Formatted cells are cached per row, and only the rows on screen are ever formatted.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from app.services import formatting
from app.services.money import from_cents, to_cents
from app.services.worklist import WorklistFilter, WorklistRow
from app.views.cell_format import (
    CENTER,
    LEFT,
    RIGHT,
    dpd_bucket,
    hold_label,
    local_time,
    segment_label,
)

Index = QModelIndex | QPersistentModelIndex
DEBTOR_ID_ROLE = int(Qt.ItemDataRole.UserRole.value) + 1
# WorklistFilter.segment / .manager value meaning "rows without one" (unassigned accounts)
NOT_SET = "\x00not set"


@dataclass(frozen=True)
class WorklistColumn:
    key: str
    title: str
    right: bool
    sort_key: Callable[[WorklistRow], Any]
    tooltip: str


def _touch_day(value: datetime | None) -> date | None:
    return local_time(value).date() if value else None


COLUMNS: tuple[WorklistColumn, ...] = (
    WorklistColumn("ref", "Ref", False, lambda r: r.ref, "The debtor's account reference"),
    WorklistColumn("name", "Debtor", False, lambda r: r.name.casefold(), "Customer account"),
    WorklistColumn("segment", "Segment", False, lambda r: r.segment, "Customer segment"),
    WorklistColumn("manager", "Manager", False, lambda r: r.manager, "Account manager"),
    WorklistColumn("open", "Open balance", True, lambda r: r.open_balance,
                   "Open invoices minus credit notes and unapplied cash, as of the date"),
    WorklistColumn("overdue", "Overdue", True, lambda r: r.overdue_balance,
                   "Open invoices past their due date"),
    WorklistColumn("dpd", "Max DPD", True, lambda r: r.max_dpd,
                   "Days past due of the oldest overdue invoice (as of − due date)"),
    WorklistColumn("oldest", "Oldest due", True, lambda r: r.oldest_due,
                   "Due date of the oldest open invoice"),
    WorklistColumn("touch", "Last touch", True, lambda r: r.last_touch,
                   "Last email, SMS, letter, call or note"),
    WorklistColumn("hold", "Hold", False, lambda r: hold_label(r.hold) or None,
                   "Why reminders are stopped: dispute, promise to pay, manual hold or legal "
                   "file (details in the cell's tooltip)"),
)
COLUMN_KEYS = tuple(c.key for c in COLUMNS)
# The hold word is centred: left-aligned, it would run into the right-aligned date beside it.
ALIGNMENTS = tuple(CENTER if c.key == "hold" else RIGHT if c.right else LEFT for c in COLUMNS)
DPD_COLUMN = COLUMN_KEYS.index("dpd")
DISPLAY = int(Qt.ItemDataRole.DisplayRole.value)
ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole.value)
FOREGROUND = int(Qt.ItemDataRole.ForegroundRole.value)
FONT = int(Qt.ItemDataRole.FontRole.value)
TOOLTIP = int(Qt.ItemDataRole.ToolTipRole.value)
HANDLED_ROLES = frozenset({DISPLAY, ALIGNMENT, FOREGROUND, FONT, TOOLTIP, DEBTOR_ID_ROLE})


def sort_rows(rows: list[WorklistRow], column: int, descending: bool) -> list[WorklistRow]:
    """Rows ordered on one column; empty values always last; ties keep their previous order."""
    key = COLUMNS[column].sort_key
    # 20,000 key tuples would trigger full garbage collections mid-sort: pause the collector.
    collecting = gc.isenabled()
    gc.disable()
    try:
        keyed = [(key(r), r) for r in rows]
        present = [kr for kr in keyed if kr[0] is not None]
        present.sort(key=lambda kr: kr[0], reverse=descending)
        return [r for _, r in present] + [r for k, r in keyed if k is None]
    finally:
        if collecting:
            gc.enable()


class WorklistTableModel(QAbstractTableModel):
    """Visible rows = all rows in the chosen sort order, filtered by a WorklistFilter.

    Sorting reorders all rows once; a filter change only walks the ordered rows (and, while the
    user types a longer search text, only the rows still visible).
    """

    def __init__(self, locale: str = formatting.DEFAULT_LOCALE, parent: Any = None) -> None:
        super().__init__(parent)
        self.locale = locale
        self._all: list[WorklistRow] = []
        self._ordered: list[WorklistRow] = []
        self._search: dict[int, str] = {}
        self._rows: list[WorklistRow] = []
        self._filter = WorklistFilter()
        self._sort: tuple[int, bool] | None = None
        self._cells: dict[tuple[int, int], str] = {}  # (id(row), column) -> formatted text
        self._orders: dict[tuple[int, bool], list[WorklistRow]] = {}  # sorted once per load
        self._bold: QFont | None = None
        self._colours: dict[str, QColor] = {}
        self._cents: dict[int, tuple[str, int, int]] = {}
        self._debtor_count = 0

    # --- content -----------------------------------------------------------------------------
    def set_rows(self, rows: list[WorklistRow]) -> None:
        self._all = list(rows)
        self._search = {id(r): f"{r.name}\x00{r.ref}".casefold() for r in self._all}
        self._cents = {id(r): (r.currency, to_cents(r.open_balance), to_cents(r.overdue_balance))
                       for r in self._all}
        self._debtor_count = len({r.debtor_id for r in self._all})
        self._cells.clear()
        self._orders.clear()
        self._ordered = self._sorted(*self._sort) if self._sort else list(self._all)
        self._rebuild(self._ordered)

    def set_filter(self, flt: WorklistFilter) -> None:
        if flt == self._filter:
            return
        old, self._filter = self._filter, flt
        narrower = (
            flt.text.strip().casefold().startswith(old.text.strip().casefold())
            and (flt.segment, flt.manager) == (old.segment, old.manager)
            and (flt.overdue_only or not old.overdue_only)
        )
        self._rebuild(self._rows if narrower else self._ordered)

    @property
    def filter(self) -> WorklistFilter:
        return self._filter

    def all_rows(self) -> list[WorklistRow]:
        return list(self._all)

    def rows(self) -> list[WorklistRow]:
        return list(self._rows)

    def row_at(self, row: int) -> WorklistRow:
        return self._rows[row]

    def debtor_count(self, visible: bool = True) -> int:
        return len({r.debtor_id for r in self._rows}) if visible else self._debtor_count

    def visible_totals(self) -> dict[str, tuple[Decimal, Decimal]]:
        """(open, overdue) per currency of the visible rows, as worklist.totals_per_currency,
        summed in integer cents so that it keeps up with typing at 20,000 rows."""
        sums: dict[str, list[int]] = {}
        cents = self._cents
        for r in self._rows:
            currency, open_cents, overdue_cents = cents[id(r)]
            acc = sums.get(currency)
            if acc is None:
                acc = sums[currency] = [0, 0]
            acc[0] += open_cents
            acc[1] += overdue_cents
        return {c: (from_cents(o), from_cents(v)) for c, (o, v) in sorted(sums.items())}

    def _accepts(self, r: WorklistRow, needle: str) -> bool:
        f = self._filter
        if f.overdue_only and not r.is_overdue:
            return False
        if f.segment and r.segment != (None if f.segment == NOT_SET else f.segment):
            return False
        if f.manager and r.manager != (None if f.manager == NOT_SET else f.manager):
            return False
        return not needle or needle in self._search[id(r)]

    def _rebuild(self, candidates: list[WorklistRow]) -> None:
        f = self._filter
        needle = f.text.strip().casefold()
        if f == WorklistFilter(text=f.text):  # text only: the common, typing case
            search = self._search
            rows = [r for r in candidates if needle in search[id(r)]] if needle else list(
                candidates)
        else:
            rows = [r for r in candidates if self._accepts(r, needle)]
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        self._sort = (column, order == Qt.SortOrder.DescendingOrder)
        self._ordered = self._sorted(*self._sort)
        self._rebuild(self._ordered)

    def _sorted(self, column: int, descending: bool) -> list[WorklistRow]:
        order = self._orders.get((column, descending))
        if order is None:
            order = self._orders[(column, descending)] = sort_rows(self._all, column, descending)
        return order

    # --- Qt model ----------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        col = COLUMNS[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return col.title
        if role == Qt.ItemDataRole.ToolTipRole:
            return col.tooltip
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return ALIGNMENTS[section]
        return None

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        # Called for every visible cell and role on each paint: plain ints, no enum compares.
        if role not in HANDLED_ROLES:
            return None
        row, column = index.row(), index.column()
        if not 0 <= row < len(self._rows):
            return None
        r = self._rows[row]
        if role == DISPLAY:
            cell = self._cells.get((id(r), column))
            if cell is None:
                cell = self._cells[(id(r), column)] = self._display(r, COLUMN_KEYS[column])
            return cell
        if role == ALIGNMENT:
            return ALIGNMENTS[column]
        if role == FOREGROUND:
            return self._bucket_colour(r.max_dpd) if column == DPD_COLUMN else None
        if role == FONT:
            return self._bold_font() if column == DPD_COLUMN and r.max_dpd > 90 else None
        if role == TOOLTIP:
            return self._tooltip(r, COLUMN_KEYS[column])
        return r.debtor_id  # DEBTOR_ID_ROLE

    def _bucket_colour(self, days: int) -> QColor:
        colour = dpd_bucket(days)[1]
        cached = self._colours.get(colour)
        if cached is None:
            cached = self._colours[colour] = QColor(colour)
        return cached

    def _bold_font(self) -> QFont:
        # one font for every cell: data() runs for each visible cell on every paint
        if self._bold is None:
            self._bold = QFont()
            self._bold.setBold(True)
        return self._bold

    def _display(self, r: WorklistRow, key: str) -> str:
        loc = self.locale
        if key == "ref":
            return r.ref
        if key == "name":
            return r.name
        if key == "segment":
            return segment_label(r.segment)
        if key == "manager":
            return r.manager or ""
        if key == "open":
            return formatting.money(r.open_balance, r.currency, loc)
        if key == "overdue":
            return formatting.money(r.overdue_balance, r.currency, loc) if r.is_overdue else ""
        if key == "dpd":
            return str(r.max_dpd) if r.max_dpd > 0 else ""
        if key == "oldest":
            return formatting.day(r.oldest_due, loc)
        if key == "hold":
            return hold_label(r.hold)
        return formatting.day(_touch_day(r.last_touch), loc)

    def _tooltip(self, r: WorklistRow, key: str) -> str:
        if key == "dpd":
            label = dpd_bucket(r.max_dpd)[0]
            return f"{r.max_dpd} days past due (bucket {label})" if r.max_dpd > 0 else "Not due"
        if key == "open" and r.credits:
            credits = formatting.money(r.credits, r.currency, self.locale)
            return f"Net of {credits} of credit notes and unapplied cash"
        if key == "name":
            return f"{r.name} ({r.ref}) — press Enter to open"
        if key == "hold" and r.hold:
            return r.hold[:1].upper() + r.hold[1:]
        return ""
