"""The import wizard, tried as a new user would: an empty database, an Excel workbook with French
headers and decimal commas, Next, Next, Next, Import."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from app.db import session_scope
from app.services.worklist import worklist_rows
from app.views.context import AppContext
from app.views.import_wizard import NOT_IN_FILE, ImportWizard
from app.views.jobs import JobRunner

AS_OF = date(2025, 6, 30)
SHOTS = Path("/tmp/shots")
HEADERS = ["N° client", "Raison sociale", "N° facture", "Date facture", "Date d'échéance",
           "Montant TTC"]


def workbook(path: Path, rows: list[list[object]]) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Balance âgée"
    ws.append(HEADERS)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


GOOD_ROWS = [
    ["411MARTIN", "Boulangerie Martin", "FA-2025-101", datetime(2025, 5, 2), "01/06/2025",
     "1 234,56"],
    ["411MARTIN", "Boulangerie Martin", "FA-2025-117", "15/06/2025", "15/07/2025", "89,90"],
    ["411DUPONT", "Garage Dupont", "FA-2025-090", "20/04/2025", datetime(2025, 5, 20), 2400.5],
    ["411DUPONT", "Garage Dupont", "AV-2025-004", "10/06/2025", "10/06/2025", "-400,00"],
]


@pytest.fixture
def ctx(sqlite_db, qtbot):
    context = AppContext(sqlite_db, "Alice Martin", AS_OF)
    context.jobs = JobRunner(None, sqlite_db)
    return context


def shot(wizard: ImportWizard, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    wizard.grab().save(str(SHOTS / f"import_wizard_{name}.png"))


def test_new_user_imports_a_french_excel_workbook(ctx, qtbot, tmp_path):
    path = workbook(tmp_path / "balance_agee.xlsx", GOOD_ROWS)
    wizard = ImportWizard(ctx)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.file_page.path.setText(str(path))
    assert wizard.kind == "invoices"
    shot(wizard, "1_file")
    wizard.next()
    model = wizard.preview_page.view.model()
    assert (model.rowCount(), model.columnCount()) == (4, 6)
    assert model.headerData(0, wizard.preview_page.view.verticalHeader().orientation()) == "2"
    assert "4 rows, 6 columns (Excel workbook)" in wizard.preview_page.info.text()
    shot(wizard, "2_preview")
    wizard.next()
    combos = wizard.mapping_page.combos
    assert {f: c.currentText() for f, c in combos.items()} == {
        "ref": NOT_IN_FILE, "debtor_ref": "N° client", "number": "N° facture",
        "issue_date": "Date facture", "due_date": "Date d'échéance", "currency": NOT_IN_FILE,
        "amount": "Montant TTC", "kind": NOT_IN_FILE, "debtor_name": "Raison sociale"}
    assert wizard.mapping_page.isComplete()
    shot(wizard, "3_mapping")
    wizard.next()
    check = wizard.check_page
    assert check.model.rowCount() == 0
    assert check.summary.text() == "Ready: 6 new, 0 changed, 0 unchanged."
    shot(wizard, "4_check")
    changes = []
    ctx.changed.connect(changes.append)
    wizard.next()
    qtbot.waitUntil(lambda: wizard.import_page.done, timeout=15_000)
    shot(wizard, "5_report")
    report = wizard.report
    assert (report.debtors.created, report.invoices.created, report.rejected) == (2, 4, 0)
    assert changes and changes[0].ledger
    with session_scope(ctx.db) as s:
        rows = {r.name: r for r in worklist_rows(s, AS_OF)}
    assert rows["Boulangerie Martin"].open_balance == Decimal("1324.46")
    assert rows["Boulangerie Martin"].max_dpd == 29  # due 01/06/2025 read day-first
    assert rows["Garage Dupont"].open_balance == Decimal("2000.50")


def test_refused_rows_are_listed_and_can_be_left_out(ctx, qtbot, tmp_path):
    rows = [*GOOD_ROWS, ["411LEROY", "Leroy", "FA-2025-200", "31/02/2025", "", "12,34,5"]]
    path = workbook(tmp_path / "balance.xlsx", rows)
    wizard = ImportWizard(ctx)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.file_page.path.setText(str(path))
    wizard.next()
    wizard.next()
    wizard.next()
    check = wizard.check_page
    assert [(r.line, r.column, r.value, r.reason) for r in check.model.rejections] == [
        (6, "amount", "12,34,5", "not an amount (use 1234.56 or 1234,56)")]
    assert not check.isComplete()
    shot(wizard, "4_check_refused")
    check.skip.setChecked(True)
    assert check.isComplete()
    wizard.next()
    qtbot.waitUntil(lambda: wizard.import_page.done, timeout=15_000)
    assert (wizard.report.invoices.created, wizard.report.rejected) == (4, 1)


def test_a_missing_file_is_refused_on_the_first_page(ctx, qtbot, tmp_path):
    wizard = ImportWizard(ctx)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.file_page.path.setText(str(tmp_path / "nope.xlsx"))
    wizard.next()
    assert wizard.currentPage() is wizard.file_page
    assert "not found" in wizard.file_page.error.text()
