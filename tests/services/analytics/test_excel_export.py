"""Excel exports: typed cells, number formats, frozen header, autofilter, no formula injection."""

from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from app.errors import UserError
from app.services.documents.excel_export import Column, Sheet, neutralise, write_workbook

COLUMNS = [Column("name", "Debtor"), Column("open", "Open", "money"),
           Column("due", "Oldest due", "date"), Column("items", "Items", "int")]


@pytest.mark.parametrize("text", ["=HYPERLINK(\"http://evil\",\"x\")", "+1+1", "-2+3",
                                  "@SUM(A1:A2)", "\t=1", "\r=1"])
def test_text_that_starts_a_formula_is_neutralised(tmp_path, text):
    path = write_workbook(tmp_path / "t.xlsx", [Sheet("Debtors", COLUMNS, [{"name": text}])])
    cell = load_workbook(path).active["A2"]
    assert cell.data_type == "s"
    assert cell.value == "'" + text.replace("\r", "\n")  # XML stores CR as LF


def test_typed_cells_formats_frozen_header_and_autofilter(tmp_path):
    rows = [{"name": "Boulangerie Martin", "open": Decimal("-1234.50"), "due": date(2025, 3, 1),
             "items": 3},
            {"name": "Garage Dupont", "open": Decimal("99.99"), "due": None, "items": 1}]
    path = write_workbook(tmp_path / "t.xlsx",
                          [Sheet("Aged: 2025/06", COLUMNS, rows, notes=["As of 2025-06-30"])])
    ws = load_workbook(path).active
    assert ws.title == "Aged_ 2025_06"
    assert [c.value for c in ws[1]] == ["Debtor", "Open", "Oldest due", "Items"]
    assert ws["B2"].value == -1234.5 and ws["B2"].data_type == "n"
    assert ws["B2"].number_format == "#,##0.00;[Red]-#,##0.00"
    assert ws["C2"].is_date and ws["C2"].number_format == "yyyy-mm-dd"
    assert ws["D2"].value == 3 and ws["D2"].number_format == "#,##0"
    assert ws["C3"].value is None
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:D3"
    assert ws["A5"].value == "As of 2025-06-30"


def test_plain_text_is_left_alone_and_an_empty_export_is_refused(tmp_path):
    assert neutralise("Martin & Fils") == "Martin & Fils"
    assert neutralise("a=b") == "a=b"
    with pytest.raises(UserError, match="empty"):
        write_workbook(tmp_path / "t.xlsx", [])
