"""The validation dialog's tree: groups by plan, step and channel (count and totals per currency),
actions under each group. A QAbstractItemModel over ActionRow DTOs, formatted on demand."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from app.services import formatting
from app.services.collection.campaigns import ActionRow
from app.services.money import totals_by_currency

Index = QModelIndex | QPersistentModelIndex
ACTION_ID_ROLE = int(Qt.ItemDataRole.UserRole) + 1
COLUMNS = ("Plan · step · channel / debtor", "Lines", "Amount", "Excluded")
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
NO_GROUP = 0  # internalId of a group row; children carry their group's number + 1


@dataclass
class ActionGroup:
    plan: str
    step_position: int
    step_name: str
    channels: str
    actions: list[ActionRow] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.plan} · {self.step_position}. {self.step_name} · {self.channels}"

    def totals(self) -> dict[str, Decimal]:
        return totals_by_currency([(a.currency, a.total) for a in self.actions if not a.excluded])

    def kept(self) -> int:
        return sum(1 for a in self.actions if not a.excluded)


def group_actions(actions: tuple[ActionRow, ...] | list[ActionRow]) -> list[ActionGroup]:
    groups: dict[tuple[str, int, str, str], ActionGroup] = {}
    for a in actions:
        key = (a.plan, a.step_position, a.step_name, a.channel_text)
        if key not in groups:
            groups[key] = ActionGroup(*key)
        groups[key].actions.append(a)
    return [groups[k] for k in sorted(groups)]


class ActionTreeModel(QAbstractItemModel):
    def __init__(self, actions: tuple[ActionRow, ...], locale: str, parent: Any = None):
        super().__init__(parent)
        self.locale = locale
        self.groups = group_actions(actions)
        self._bold = QFont()
        self._bold.setBold(True)

    # structure
    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, NO_GROUP)
        return self.createIndex(row, column, parent.row() + 1)

    def parent(self, child: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]
        if not child.isValid() or child.internalId() == NO_GROUP:
            return QModelIndex()
        return self.createIndex(int(child.internalId()) - 1, 0, NO_GROUP)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        if not parent.isValid():
            return len(self.groups)
        if parent.internalId() == NO_GROUP and parent.column() == 0:
            return len(self.groups[parent.row()].actions)
        return 0

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = int(Qt.ItemDataRole.DisplayRole)) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def action_at(self, index: Index) -> ActionRow | None:
        if not index.isValid() or index.internalId() == NO_GROUP:
            return None
        return self.groups[int(index.internalId()) - 1].actions[index.row()]

    # content
    def _action_cell(self, action: ActionRow, col: int) -> str:
        if col == 0:
            return f"{action.debtor_name} ({action.debtor_ref})"
        if col == 1:
            numbers = ", ".join(action.invoices)
            return numbers if len(numbers) <= 30 else f"{len(action.invoices)} invoices"
        if col == 2:
            return formatting.money(action.total, action.currency, self.locale)
        return (action.exclude_reason or "") if action.excluded else ""

    def _money_totals(self, totals: dict[str, Decimal]) -> str:
        return " · ".join(formatting.money(v, c, self.locale) for c, v in totals.items())

    def data(self, index: Index, role: int = int(Qt.ItemDataRole.DisplayRole)) -> Any:
        if not index.isValid():
            return None
        col = index.column()
        action = self.action_at(index)
        if action is None:
            group = self.groups[index.row()]
            if role == Qt.ItemDataRole.DisplayRole:
                return (group.label, str(group.kept()), self._money_totals(group.totals()),
                        str(len(group.actions) - group.kept()) if group.kept() <
                        len(group.actions) else "")[col]
            if role == Qt.ItemDataRole.FontRole:
                return self._bold
            if role == Qt.ItemDataRole.ToolTipRole and col == 2:  # one currency per line
                return self._money_totals(group.totals()).replace(" · ", "\n")
            if role == Qt.ItemDataRole.TextAlignmentRole and col in (1, 2):
                return RIGHT
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._action_cell(action, col)
        if role == Qt.ItemDataRole.ToolTipRole:
            return action.explanation
        if role == Qt.ItemDataRole.ForegroundRole and action.excluded:
            return QColor("#9aa0a6")
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (1, 2):
            return RIGHT
        if role == ACTION_ID_ROLE:
            return action.action_id
        return None
