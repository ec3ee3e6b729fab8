"""Ledger sources set up from the GUI: Add… (the dialog, Test, Save), Edit…, Remove, Test, as a
credit controller does it without a terminal."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import func, select

from app.db import session_scope
from app.models import Debtor
from app.services.ledger.mapping import ColumnMapping, save_profile
from app.services.ledger.sources import add_source, list_sources, sync_source
from app.views import source_location
from app.views.context import AppContext
from app.views.jobs import JobRunner
from app.views.sources_page import SourcesPage
from tests.conftest import FEC_DIR
from tests.services.ledger.test_sage100 import sage_db

AS_OF = date(2023, 12, 31)
TRESO = str(FEC_DIR / "000000000FEC20231231.txt")
COMPTA = str(FEC_DIR / "111111111FEC20221231.TXT")


def make_page(db, qtbot) -> SourcesPage:
    ctx = AppContext(db, "Alice Martin", AS_OF)
    ctx.jobs = JobRunner(None, db)
    page = SourcesPage(ctx)
    qtbot.addWidget(page)
    page.resize(1000, 360)
    page.show()
    return page


def debtors(db) -> int:
    with session_scope(db) as s:
        return s.scalar(select(func.count()).select_from(Debtor)) or 0


def test_add_an_fec_source_test_it_save_it_and_sync_it(sqlite_db, qtbot, monkeypatch):
    page = make_page(sqlite_db, qtbot)
    qtbot.mouseClick(page.edit.add_button, Qt.MouseButton.LeftButton)
    dialog = page.edit.dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.keyClicks(dialog.name, "treso")
    dialog.kind.setCurrentIndex(dialog.kind.findText("FEC export (France)"))
    monkeypatch.setattr(source_location.QFileDialog, "getOpenFileName",
                        lambda *a: (TRESO, "FEC files (*.txt *.TXT *.csv)"))
    qtbot.mouseClick(dialog.location.file_browse, Qt.MouseButton.LeftButton)
    assert dialog.location.file.text() == TRESO
    dialog.options.terms.setCurrentText("net45")
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.test_result.text().startswith("Found"), timeout=20_000)
    assert dialog.test_result.text() == (
        "Found 20 invoices, 4 customers, 133 payments (latest entry 30/06/2023).")
    dialog.grab().save("/tmp/shots/source_dialog_fec.png")
    assert list_sources(page.ctx.db) == []  # testing saved nothing
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    (src,) = list_sources(sqlite_db)
    assert (src.name, src.kind, src.location, src.options, src.schedule_minutes, src.enabled) == (
        "treso", "fec", TRESO, {"terms": "net45", "currency": "EUR"}, 60, True)
    assert page.model.data(page.model.index(0, 0)) == "treso"
    assert page.selected() == src
    qtbot.mouseClick(page.sync_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.model.data(page.model.index(0, 5)) == "ok", timeout=20_000)
    assert debtors(sqlite_db) == 4


def test_a_bad_path_is_shown_in_the_dialog_and_nothing_is_saved(sqlite_db, qtbot, tmp_path):
    page = make_page(sqlite_db, qtbot)
    dialog = page.edit.add()
    qtbot.keyClicks(dialog.name, "compta")
    missing = str(tmp_path / "FEC2024.txt")
    qtbot.keyClicks(dialog.location.file, missing)
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "not found" in dialog.test_result.text(), timeout=20_000)
    assert dialog.test_result.text() == f"Source 'compta': file {missing} not found"
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and not dialog.error.isHidden()
    assert dialog.error.text() == f"Source 'compta': file {missing} not found"
    assert list_sources(sqlite_db) == [] and page.model.rowCount() == 0


def test_remove_asks_naming_the_source_and_keeps_the_imported_rows(sqlite_db, qtbot,
                                                                   monkeypatch):
    add_source(sqlite_db, "treso", "fec", TRESO)
    sync_source(sqlite_db, "treso", AS_OF)
    page = make_page(sqlite_db, qtbot)
    assert not page.edit.remove_button.isEnabled()  # nothing selected yet
    page.select("treso")
    asked: list[str] = []
    answers = [QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes]

    def answer(_parent, _title, text, *_a):
        asked.append(text)
        return answers[len(asked) - 1]

    monkeypatch.setattr(QMessageBox, "question", answer)
    qtbot.mouseClick(page.edit.remove_button, Qt.MouseButton.LeftButton)
    assert [s.name for s in list_sources(sqlite_db)] == ["treso"]  # "No" keeps it
    qtbot.mouseClick(page.edit.remove_button, Qt.MouseButton.LeftButton)
    assert asked[1].startswith(f"Remove the source “treso” ({TRESO})?")
    assert "The 157 ledger rows imported from it stay" in asked[1]
    assert list_sources(sqlite_db) == [] and page.model.rowCount() == 0
    assert debtors(sqlite_db) == 4
    assert page.edit.result.text() == "Source treso removed; the rows it imported stay."


def test_edit_keeps_the_name_of_an_imported_source_and_saves_the_rest(sqlite_db, qtbot):
    add_source(sqlite_db, "treso", "fec", TRESO, schedule_minutes=30)
    sync_source(sqlite_db, "treso", AS_OF)
    page = make_page(sqlite_db, qtbot)
    page.select("treso")
    qtbot.mouseClick(page.edit.edit_button, Qt.MouseButton.LeftButton)
    dialog = page.edit.dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.name.isReadOnly() and not dialog.kind.isEnabled()
    assert dialog.name_note.text().startswith("157 ledger rows were imported under this name")
    assert dialog.every.isChecked() and dialog.minutes.value() == 30
    dialog.manual.setChecked(True)
    dialog.location.file.setText(COMPTA)
    qtbot.keyClicks(dialog.options.sales_journals, "VE, VT")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    (src,) = list_sources(sqlite_db)
    assert (src.location, src.schedule_minutes, src.options["sales_journals"]) == (
        COMPTA, None, ["VE", "VT"])
    assert page.model.data(page.model.index(0, 3)) == "manual"


def test_sage100_from_host_database_user_with_the_password_in_the_keyring(
        sqlite_db, qtbot, tmp_path, memory_keyring):
    page = make_page(sqlite_db, qtbot)
    dialog = page.edit.add()
    qtbot.keyClicks(dialog.name, "sage")
    dialog.kind.setCurrentIndex(dialog.kind.findText("Sage 100 (SQL Server)"))
    where = dialog.location
    assert not where.host.isHidden() and where.file.parentWidget().isHidden()
    qtbot.keyClicks(where.host, "SRV-COMPTA\\SAGE100")
    qtbot.keyClicks(where.database, "BIJOU")
    qtbot.keyClicks(where.user, "collecta")
    assert where.url.text() == ("mssql+pyodbc://collecta@SRV-COMPTA\\SAGE100/BIJOU"
                                "?driver=ODBC+Driver+17+for+SQL+Server")
    qtbot.keyClicks(where.password, "s3cret")
    dialog.grab().save("/tmp/shots/source_dialog_sage.png")
    url = sage_db(tmp_path / "sage.db")  # the same tables, in a file the test can reach
    where.url.clear()
    qtbot.keyClicks(where.url, url)
    assert (where.host.text(), where.database.text()) == ("", str(tmp_path / "sage.db"))
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.test_result.text().startswith("Found"), timeout=20_000)
    assert dialog.test_result.text() == (
        "Found 4 invoices, 1 credit note, 3 customers, 1 payment (latest entry 05/06/2025).")
    assert memory_keyring.secrets == {}  # not saved yet
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    (src,) = list_sources(sqlite_db)
    assert (src.kind, src.location) == ("sage100", url)
    assert memory_keyring.secrets == {("Collecta", "sage"): "s3cret"}
    again = page.edit.edit()
    assert again is not None
    assert again.location.password.placeholderText().startswith("saved in the system keyring")


def test_csv_mapping_choices_follow_what_the_file_contains(sqlite_db, qtbot, tmp_path):
    with session_scope(sqlite_db) as s:
        save_profile(s, "Sage invoices", ColumnMapping("invoices", {"ref": "Pièce"}))
        save_profile(s, "Bank payments", ColumnMapping("payments", {"ref": "Id"}))
    csv = tmp_path / "reglements.csv"
    csv.write_text("Id,Client,Date,Montant\n1,C1,2025-01-02,10\n")
    page = make_page(sqlite_db, qtbot)
    dialog = page.edit.add()
    qtbot.keyClicks(dialog.name, "bank")
    dialog.kind.setCurrentIndex(dialog.kind.findText("CSV file"))
    opts = dialog.options
    items = [opts.mapping.itemText(i) for i in range(opts.mapping.count())]
    assert items == ["Collecta's own column names (no mapping)", "Sage invoices"]
    opts.content.setCurrentIndex(opts.content.findText("Payments"))
    assert opts.mapping.itemText(1) == "Bank payments" and opts.mapping.count() == 2
    opts.mapping.setCurrentIndex(1)
    opts.snapshot.setChecked(True)
    dialog.location.file.setText(str(csv))
    dialog.manual.setChecked(True)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    (src,) = list_sources(sqlite_db)
    assert (src.kind, src.options, src.schedule_minutes) == ("csv", {
        "kind": "payments", "mapping": "Bank payments", "snapshot": True, "terms": "net30",
        "currency": "EUR"}, None)


def test_test_on_the_page_says_what_the_selected_source_holds(sqlite_db, qtbot, tmp_path):
    add_source(sqlite_db, "compta", "fec", COMPTA, schedule_minutes=1440)
    add_source(sqlite_db, "broken", "fec", str(tmp_path / "gone.txt"))
    page = make_page(sqlite_db, qtbot)
    page.select("broken")
    qtbot.mouseClick(page.edit.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Cannot read" in page.edit.result.text(), timeout=20_000)
    assert page.edit.result.text().startswith("broken: Cannot read ")
    assert "gone.txt" in page.edit.result.text()
    page.select("compta")
    qtbot.mouseClick(page.edit.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.edit.result.text().startswith("compta holds"), timeout=20_000)
    assert page.edit.result.text() == ("compta holds 100 invoices, 3 credit notes, 34 customers,"
                                       " 48 payments (latest entry 31/07/2023).")
    assert [s.last_outcome for s in list_sources(sqlite_db)] == [None, None]  # read, not synced
    page.grab().save("/tmp/shots/sources_page_two_sources.png")
