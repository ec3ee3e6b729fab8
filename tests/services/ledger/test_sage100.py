"""Sage 100 connector on a SQLite database with Sage's table and column names (DOMAIN.md §8)."""

from __future__ import annotations

import sqlite3
import sys
from datetime import date
from decimal import Decimal

import keyring as keyring_module
import pytest

from app.cli import main
from app.db import session_scope
from app.errors import UserError
from app.services.ledger.connection import source_url
from app.services.ledger.sage100 import read_sage100
from app.services.ledger.sources import add_source, list_sources, sync_source
from app.services.worklist import worklist_rows
from tests.services.ledger.state import ledger_rows

AS_OF = date(2025, 6, 30)
SCHEMA = """
CREATE TABLE F_COMPTET (CT_Num VARCHAR(17) PRIMARY KEY, CT_Intitule VARCHAR(69), CT_Type SMALLINT,
  CT_Adresse VARCHAR(35), CT_CodePostal VARCHAR(9), CT_Ville VARCHAR(35), CT_Pays VARCHAR(35),
  CT_Telephone VARCHAR(21), CT_EMail VARCHAR(69));
CREATE TABLE F_ECRITUREC (EC_No INTEGER PRIMARY KEY, JO_Num VARCHAR(7), EC_Date DATETIME,
  CG_Num VARCHAR(13), CT_Num VARCHAR(17), EC_RefPiece VARCHAR(13), EC_Intitule VARCHAR(35),
  EC_Echeance DATETIME, EC_Sens SMALLINT, EC_Montant NUMERIC(24,6), EC_Lettrage VARCHAR(3),
  EC_Lettre SMALLINT);
"""
CUSTOMERS = [
    ("CMARTIN", "Boulangerie Martin", 0, "3 rue Haute", "69001", "Lyon", "France",
     "04 78 00 00 01", "compta@martin.fr"),
    ("CDUPONT", "Garage Dupont", 0, "1 av. Foch", "75016", "Paris", "France", "", ""),
    ("CLEROY", "Leroy Primeurs", 0, "", "13001", "Marseille", "France", "", ""),
    ("FACIER", "Aciéries du Nord", 1, "", "", "", "France", "", ""),  # a supplier
]
LINES = [
    # EC_No, journal, date, account, customer, piece, label, due, sens, amount, letter, lettered
    (1, "VTE", "2025-04-02 00:00:00", "4110000", "CMARTIN", "FA250401", "Facture FA250401",
     "2025-05-02 00:00:00", 0, 1200.0, "AA", 1),
    (2, "BQ1", "2025-05-03 00:00:00", "4110000", "CMARTIN", "VIR0503", "Virement Martin",
     None, 1, 1200.0, "AA", 1),
    (3, "VTE", "2025-05-15 00:00:00", "4110000", "CMARTIN", "FA250515", "Facture FA250515",
     "2025-06-14 00:00:00", 0, 850.5, "", 0),
    (4, "VTE", "2025-05-20 00:00:00", "4110000", "CDUPONT", "FA250520", "Facture FA250520",
     "2025-06-30 00:00:00", 0, 2400.0, "", 0),
    (5, "VTE", "2025-06-01 00:00:00", "4110000", "CDUPONT", "AV250601", "Avoir AV250601",
     "2025-06-01 00:00:00", 1, 400.0, "", 0),
    (6, "VTE", "2025-06-05 00:00:00", "4110000", "CLEROY", "FA250605", "Facture FA250605",
     "2025-07-05 00:00:00", 0, 310.0, "", 0),
    (7, "ACH", "2025-06-05 00:00:00", "4010000", "FACIER", "ACH0605", "Achat acier",
     "2025-07-05 00:00:00", 1, 9000.0, "", 0),
]


def sage_db(path):
    con = sqlite3.connect(path)
    con.executescript(SCHEMA)
    con.executemany("INSERT INTO F_COMPTET VALUES (?,?,?,?,?,?,?,?,?)", CUSTOMERS)
    con.executemany("INSERT INTO F_ECRITUREC VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", LINES)
    con.commit()
    con.close()
    return f"sqlite:///{path}"


def test_sage100_database_imports_customers_and_open_411_lines(db, tmp_path):
    url = sage_db(tmp_path / "sage.db")
    batch = read_sage100(url)
    assert sorted(batch.debtors["ref"]) == ["CDUPONT", "CLEROY", "CMARTIN"]
    add_source(db, "sage", "sage100", url)
    report = sync_source(db, "sage", AS_OF)
    assert (report.debtors.created, report.invoices.created, report.payments.created) == (3, 5, 1)
    with session_scope(db) as s:
        rows = {r.ref: r for r in worklist_rows(s, AS_OF)}
    assert rows["CMARTIN"].open_balance == Decimal("850.50")  # FA250401 lettered with VIR0503
    assert rows["CMARTIN"].max_dpd == 16  # due 2025-06-14, from EC_Echeance
    assert rows["CDUPONT"].open_balance == Decimal("2000.00")  # invoice − credit note
    assert rows["CLEROY"].open_balance == Decimal("310.00")


def test_second_sync_with_one_payment_added_changes_exactly_that_debtor(db, tmp_path):
    url = sage_db(tmp_path / "sage.db")
    add_source(db, "sage", "sage100", url)
    sync_source(db, "sage", AS_OF)
    before = ledger_rows(db)
    assert sync_source(db, "sage", AS_OF).skipped_unchanged_source
    assert ledger_rows(db) == before
    con = sqlite3.connect(tmp_path / "sage.db")
    con.execute("INSERT INTO F_ECRITUREC VALUES (8,'BQ1','2025-06-28 00:00:00','4110000',"
                "'CLEROY','VIR0628','Virement Leroy',NULL,1,310.0,'',0)")
    con.commit()
    con.close()
    with session_scope(db) as s:
        old = {r.ref: r for r in worklist_rows(s, AS_OF)}
    report = sync_source(db, "sage", AS_OF)
    assert (report.created, report.updated, report.closed) == (1, 0, 0)
    with session_scope(db) as s:
        new = {r.ref: r for r in worklist_rows(s, AS_OF)}
    assert "CLEROY" not in new  # fully paid, oldest-first
    assert {k: v for k, v in old.items() if k != "CLEROY"} == new
    (leroy,) = [r for r in old.values() if r.ref == "CLEROY"]
    assert report.debtor_ids == {leroy.debtor_id}
    (src,) = list_sources(db)
    assert src.last_outcome == "ok"


def test_cli_imports_a_sage100_url(tmp_path, capsys):
    url = sage_db(tmp_path / "sage.db")
    db_url = f"sqlite:///{tmp_path / 'c.db'}"
    assert main(["--db", db_url, "import", "sage100", "--url", url, "--as-of",
                 "2025-06-30"]) == 0
    assert "sage100: 9 created" in capsys.readouterr().out


def test_a_failed_sync_says_why_and_leaves_the_data(db, tmp_path):
    url = sage_db(tmp_path / "sage.db")
    add_source(db, "sage", "sage100", url)
    sync_source(db, "sage", AS_OF)
    before = ledger_rows(db)
    (tmp_path / "sage.db").unlink()
    with pytest.raises(UserError, match="Cannot read"):
        sync_source(db, "sage", AS_OF)
    assert ledger_rows(db) == before
    (src,) = list_sources(db)
    assert src.last_outcome == "failed"
    assert "Cannot read" in (src.last_message or "")


def test_password_comes_from_the_keyring_only_when_the_url_has_none(memory_keyring):
    memory_keyring.set_password("Collecta", "ERP", "s3cret")
    assert source_url("mssql+pyodbc://collecta@erp/SAGE", "ERP").password == "s3cret"
    assert source_url("mssql+pyodbc://collecta:given@erp/SAGE", "ERP").password == "given"
    assert source_url("mssql+pyodbc://collecta@erp/SAGE", None).password is None


def test_no_keyring_and_no_driver_are_plain_messages(monkeypatch):
    from keyring.backends.fail import Keyring as NoKeyring

    from app.services.ledger.connection import SourceUnavailable, read_only

    previous = keyring_module.get_keyring()
    keyring_module.set_keyring(NoKeyring())
    try:
        with pytest.raises(SourceUnavailable, match="password of source 'sage' cannot be read "
                           "from the system keyring: No recommended backend"):
            source_url("mssql+pyodbc://sa@srv/COMPTA", "sage")
    finally:
        keyring_module.set_keyring(previous)
    monkeypatch.setitem(sys.modules, "pyodbc", None)  # the driver package is not installed
    with pytest.raises(SourceUnavailable, match=r"No driver for mssql\+pyodbc \(.*pyodbc"), \
            read_only("mssql+pyodbc://sa:x@srv/COMPTA"):
        pass
