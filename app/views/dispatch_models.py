"""The outbox as a table: one DTO row per message (never live ORM objects)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from app.services import formatting
from app.services.dispatch.outbox import OutboxRow
from app.views.row_table_model import RowTableModel

Index = QModelIndex | QPersistentModelIndex
HEADERS = ("#", "Campaign", "Debtor", "Name", "Channel", "State", "Recipient", "Tries",
           "Finished", "Note")
STATE_COLOURS = {"sent": "#2E7D32", "failed": "#C62828", "unknown": "#E65100",
                 "dropped": "#757575", "sending": "#1565C0"}
CHANNEL_TEXT = {"email": "Email", "sms": "SMS", "letter": "Letter", "call": "Call"}
NOTICE_TEXT = "rule notice"  # a notice comes from a rule, not from a campaign
NOTICE_COLOUR = "#757575"


def campaign_text(r: OutboxRow) -> str:
    return NOTICE_TEXT if r.campaign_id is None else str(r.campaign_id)


# Sort keys never compare None with a value: notices sort before the campaigns, unfinished
# messages before the finished ones, by number then.
SORT_KEYS: tuple[Callable[[OutboxRow], Any], ...] = (
    lambda r: r.outbox_id,
    lambda r: (r.campaign_id is not None, r.campaign_id or 0, r.outbox_id),
    lambda r: (r.debtor_ref, r.outbox_id),
    lambda r: (r.debtor_name.casefold(), r.outbox_id),
    lambda r: (r.channel, r.outbox_id),
    lambda r: (r.state, r.outbox_id),
    lambda r: ((r.recipient or "").casefold(), r.outbox_id),
    lambda r: (r.attempts, r.outbox_id),
    lambda r: (r.finished_at is not None,
               r.finished_at.timestamp() if r.finished_at else 0.0, r.outbox_id),
    lambda r: (r.last_error or "", r.outbox_id),
)


class OutboxTableModel(RowTableModel[OutboxRow]):
    headers = HEADERS

    def __init__(self, locale: str, parent: Any = None) -> None:
        super().__init__(parent)
        self.locale = locale
        self.sorted_by: tuple[int, Qt.SortOrder] | None = None

    def set_rows(self, rows: Sequence[OutboxRow]) -> None:
        if self.sorted_by is not None:  # a refresh keeps the order the user clicked
            column, order = self.sorted_by
            rows = sorted(rows, key=SORT_KEYS[column],
                          reverse=order == Qt.SortOrder.DescendingOrder)
        super().set_rows(rows)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(SORT_KEYS):
            return
        self.sorted_by = (column, order)
        self.set_rows(self.rows)

    def data(self, index: Index, role: int = int(Qt.ItemDataRole.DisplayRole)) -> Any:
        if not index.isValid():
            return None
        r = self.rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(r, col)
        if role == Qt.ItemDataRole.ForegroundRole and col == 5 and r.state in STATE_COLOURS:
            return QColor(STATE_COLOURS[r.state])
        if role == Qt.ItemDataRole.ForegroundRole and col == 1 and r.campaign_id is None:
            return QColor(NOTICE_COLOUR)
        if role == Qt.ItemDataRole.ToolTipRole:
            return r.last_error or r.message_id
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (0, 1, 7):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _text(self, r: OutboxRow, col: int) -> str:
        if col == 0:
            return str(r.outbox_id)
        if col == 1:
            return campaign_text(r)
        if col == 2:
            return r.debtor_ref
        if col == 3:
            return r.debtor_name
        if col == 4:
            return CHANNEL_TEXT.get(r.channel, r.channel)
        if col == 5:
            return r.state
        if col == 6:
            return (r.recipient or "").splitlines()[0] if r.recipient else ""
        if col == 7:
            return str(r.attempts)
        if col == 8:
            return formatting.day(r.finished_at.date(), self.locale) if r.finished_at else ""
        return r.last_error or ""

    def row_at(self, row: int) -> OutboxRow | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None
