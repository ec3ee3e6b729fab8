"""Any table to an Excel workbook (openpyxl): typed cells with number formats, a bold frozen
header, an autofilter, sensible column widths.

Text that a spreadsheet would read as a formula (starting with = + - @, or a tab / carriage
return) is neutralised with a leading apostrophe, so a debtor named "=HYPERLINK(…)" in an
imported ledger cannot run anything when a controller opens the export (formula injection).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from app.errors import UserError

ColumnKind = Literal["text", "money", "int", "float", "date", "percent"]
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
NUMBER_FORMATS: dict[str, str] = {
    "money": "#,##0.00;[Red]-#,##0.00",
    "int": "#,##0",
    "float": "#,##0.00",
    "date": "yyyy-mm-dd",
    "percent": "0.00",
}
_HEADER_FILL = PatternFill("solid", fgColor="1F3A5F")


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    kind: ColumnKind = "text"
    width: int | None = None


@dataclass(frozen=True)
class Sheet:
    title: str
    columns: Sequence[Column]
    rows: Sequence[dict[str, Any]]
    notes: Sequence[str] = field(default_factory=tuple)  # printed under the table


def neutralise(text: str) -> str:
    """Prefix text that Excel would evaluate as a formula with an apostrophe."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def cell_value(value: Any, kind: ColumnKind) -> Any:
    """The typed value openpyxl writes: numbers stay numbers, dates dates, text is neutralised."""
    if value is None:
        return None
    if kind in ("money", "float", "percent") and isinstance(value, Decimal | int | float):
        return value
    if kind == "int" and isinstance(value, int | Decimal | float):
        return int(value)
    if kind == "date" and isinstance(value, date | datetime):
        return value
    return neutralise(str(value))


def _sheet_title(title: str) -> str:
    cleaned = "".join("_" if ch in "[]:*?/\\" else ch for ch in title).strip("'") or "Sheet"
    return cleaned[:31]


def _fill(ws: Any, sheet: Sheet) -> None:
    bold = Font(bold=True, color="FFFFFF")
    for c, col in enumerate(sheet.columns, start=1):
        cell = ws.cell(row=1, column=c, value=neutralise(col.title))
        cell.font = bold
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(horizontal="left" if col.kind == "text" else "right")
    for r, row in enumerate(sheet.rows, start=2):
        for c, col in enumerate(sheet.columns, start=1):
            cell = ws.cell(row=r, column=c, value=cell_value(row.get(col.key), col.kind))
            if col.kind in NUMBER_FORMATS:
                cell.number_format = NUMBER_FORMATS[col.kind]
    last_row = max(len(sheet.rows) + 1, 1)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(sheet.columns))}{last_row}"
    for c, col in enumerate(sheet.columns, start=1):
        longest = max([len(col.title)] + [len(str(row.get(col.key) or ""))
                                          for row in sheet.rows[:500]])
        ws.column_dimensions[get_column_letter(c)].width = col.width or min(max(10, longest + 2),
                                                                            60)
    for i, note in enumerate(sheet.notes):
        ws.cell(row=last_row + 2 + i, column=1, value=neutralise(note)).font = Font(italic=True)


def write_workbook(path: Path, sheets: Sequence[Sheet]) -> Path:
    """Write `sheets` to the .xlsx file at `path` (replaced if it exists)."""
    if not sheets:
        raise UserError("Nothing to export: the table is empty")
    wb = Workbook()
    first = wb.active
    assert first is not None
    wb.remove(first)
    for sheet in sheets:
        _fill(wb.create_sheet(_sheet_title(sheet.title)), sheet)
    try:
        wb.save(path)
    except OSError as exc:
        raise UserError(f"Cannot write the Excel file {path}: {exc.strerror}") from None
    return path
