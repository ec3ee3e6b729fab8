"""Table models of the debtor page: open items, payments and the activity timeline (DTO rows)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from app.services import formatting
from app.services.debtors import OpenItem, PaymentInfo, TimelineEntry
from app.views.cell_format import LEFT, RIGHT, dpd_bucket, local_time

R = TypeVar("R")
Index = QModelIndex | QPersistentModelIndex

ITEM_TYPES = {"invoice": "Invoice", "credit_note": "Credit note", "payment": "Unapplied payment"}


@dataclass(frozen=True)
class Column(Generic[R]):
    title: str
    right: bool
    text: Callable[[R, str], str]  # (row, locale) -> display text
    sort_key: Callable[[R], Any]


class DtoTableModel(QAbstractTableModel, Generic[R]):
    """A read-only table over a list of frozen DTOs, sortable on every column."""

    columns: Sequence[Column[R]] = ()

    def __init__(self, locale: str = formatting.DEFAULT_LOCALE, parent: Any = None) -> None:
        super().__init__(parent)
        self.locale = locale
        self._rows: list[R] = []

    def set_rows(self, rows: Sequence[R]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[R]:
        return list(self._rows)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].title
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT if self.columns[section].right else LEFT
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        col = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return col.text(row, self.locale)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT if col.right else LEFT
        return self.extra(row, index.column(), role)

    def extra(self, row: R, column: int, role: int) -> Any:
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = self.columns[column].sort_key
        self.beginResetModel()
        self._rows.sort(key=key, reverse=order == Qt.SortOrder.DescendingOrder)
        self.endResetModel()


class OpenItemsTableModel(DtoTableModel[OpenItem]):
    columns = (
        Column("Type", False, lambda i, _: ITEM_TYPES.get(i.item_type, i.item_type),
               lambda i: i.item_type),
        Column("Number", False, lambda i, _: i.number, lambda i: i.number),
        Column("Issued", True, lambda i, loc: formatting.day(i.issue_date, loc),
               lambda i: i.issue_date),
        Column("Due", True, lambda i, loc: formatting.day(i.due_date, loc), lambda i: i.due_date),
        Column("Amount", True, lambda i, loc: formatting.money(i.amount, i.currency, loc),
               lambda i: i.amount),
        Column("Open", True, lambda i, loc: formatting.money(i.residual, i.currency, loc),
               lambda i: i.residual),
        Column("Days past due", True,
               lambda i, _: str(i.days_past_due) if i.days_past_due > 0 else "",
               lambda i: i.days_past_due),
    )

    # Set by the debtor page: why an invoice is or is not in today's campaign (DOMAIN.md §6.7).
    explainer: Any = None

    def extra(self, row: OpenItem, column: int, role: int) -> Any:
        if (role == Qt.ItemDataRole.ToolTipRole and column != 6 and row.item_type == "invoice"
                and self.explainer is not None):
            return self.explainer(row)
        if column == 6 and role == Qt.ItemDataRole.ForegroundRole:
            return QColor(dpd_bucket(row.days_past_due)[1])
        if column == 6 and role == Qt.ItemDataRole.ToolTipRole and row.days_past_due > 0:
            return f"Bucket {dpd_bucket(row.days_past_due)[0]}"
        return None


class PaymentsTableModel(DtoTableModel[PaymentInfo]):
    columns = (
        Column("Date", True, lambda p, loc: formatting.day(p.date, loc), lambda p: p.date),
        Column("Reference", False, lambda p, _: p.reference or p.ref, lambda p: p.ref),
        Column("Method", False, lambda p, _: p.method or "", lambda p: p.method or ""),
        Column("Amount", True, lambda p, loc: formatting.money(p.amount, p.currency, loc),
               lambda p: p.amount),
        Column("Unapplied", True,
               lambda p, loc: formatting.money(p.unapplied, p.currency, loc) if p.unapplied
               else "", lambda p: p.unapplied),
    )


class TimelineTableModel(DtoTableModel[TimelineEntry]):
    columns = (
        Column("Date", True,
               lambda a, loc: formatting.day(local_time(a.at).date(), loc) + " "
               + local_time(a.at).strftime("%H:%M"), lambda a: a.at),
        Column("Author", False, lambda a, _: a.author, lambda a: a.author),
        Column("Kind", False, lambda a, _: a.kind.replace("_", " ").capitalize(),
               lambda a: a.kind),
        Column("Summary", False, lambda a, _: a.summary.splitlines()[0] if a.summary else "",
               lambda a: a.summary),
    )

    def extra(self, row: TimelineEntry, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole and proof_path(row) is not None:
            return "Double-click to open the copy that was sent"
        return None


def proof_path(entry: TimelineEntry) -> str | None:
    """The archived copy of a sent email (.eml) or letter (.pdf) behind a timeline entry."""
    path = (entry.detail or {}).get("archive_path")
    return str(path) if path else None

    def extra(self, row: TimelineEntry, column: int, role: int) -> Any:
        if column == 3 and role == Qt.ItemDataRole.ToolTipRole:
            return row.summary
        return None
