"""Item models of the import wizard: the file preview and the list of refused rows."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from app.services.ledger.records import Rejection

Index = QModelIndex | QPersistentModelIndex


class TextTableModel(QAbstractTableModel):
    """Rows of text under headers (the first rows of the chosen file, exactly as read)."""

    def __init__(self, headers: list[str], rows: list[list[str]], lines: list[int]) -> None:
        super().__init__()
        self.headers = headers
        self.rows = rows
        self.lines = lines

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.headers)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and index.isValid():
            return self.rows[index.row()][index.column()]
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.headers[section]
        return str(self.lines[section])


class RejectionTableModel(QAbstractTableModel):
    COLUMNS = ("Line", "Column", "Value", "Reason")

    def __init__(self, rejections: list[Rejection] | None = None) -> None:
        super().__init__()
        self.rejections = list(rejections or [])
        self.headers: dict[str, str] = {}

    def set_rejections(self, rejections: list[Rejection],
                       headers: dict[str, str] | None = None) -> None:
        """`headers`: field → the user's column name, so reasons name their own columns."""
        self.beginResetModel()
        self.rejections = list(rejections)
        self.headers = dict(headers or {})
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.rejections)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r = self.rejections[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            column = self.headers.get(r.column, r.column)
            return (str(r.line), column, r.value, r.reason)[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.COLUMNS[section]
        return None
