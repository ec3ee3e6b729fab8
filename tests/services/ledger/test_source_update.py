"""Changing a configured ledger source (update_source) and reading one without importing it
(probe_source), on both engines; `collecta sources set|test` from the command line."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import func, select

from app.cli import main
from app.db import open_database, session_scope
from app.errors import UserError
from app.models import Activity, Debtor, LedgerSource
from app.services.ledger.mapping import ColumnMapping, save_profile
from app.services.ledger.source_checks import imported_rows
from app.services.ledger.source_probe import probe_saved_source, probe_source
from app.services.ledger.sources import (
    add_source,
    list_sources,
    remove_source,
    sync_source,
    update_source,
)
from tests.conftest import FEC_DIR
from tests.services.ledger.test_sage100 import sage_db

AS_OF = date(2023, 12, 31)
TRESO = str(FEC_DIR / "000000000FEC20231231.txt")
COMPTA = str(FEC_DIR / "111111111FEC20221231.TXT")


def test_update_changes_what_is_given_and_the_next_sync_reads_again(db):
    add_source(db, "compta", "fec", TRESO, schedule_minutes=60)
    assert sync_source(db, "compta", AS_OF).created == 157
    src = update_source(db, "compta", location=COMPTA, options={"terms": "eom30"},
                        schedule_minutes=None, enabled=False, author="Alice Martin")
    assert (src.location, src.options, src.schedule_minutes, src.enabled) == (
        COMPTA, {"terms": "eom30"}, None, False)
    assert src.last_outcome == "ok"  # the last sync's outcome stays until the next one
    assert update_source(db, "compta", enabled=True).schedule_minutes is None  # kept
    report = sync_source(db, "compta", AS_OF)
    assert not report.skipped_unchanged_source and report.created == 185
    with session_scope(db) as s:
        summary = s.scalar(select(Activity.summary).where(Activity.kind == "source_changed")
                           .order_by(Activity.id))
    assert summary == ("Ledger source compta changed: location, options, schedule_minutes, "
                       "enabled")


def test_a_refused_update_changes_nothing(db, tmp_path):
    add_source(db, "compta", "fec", TRESO, schedule_minutes=60)
    before = list_sources(db)
    with pytest.raises(UserError, match=r"Source 'compta': file .*missing\.txt not found"):
        update_source(db, "compta", location=str(tmp_path / "missing.txt"), enabled=False)
    with pytest.raises(UserError, match="Payment terms 'soon' not understood"):
        update_source(db, "compta", options={"terms": "soon"}, schedule_minutes=5)
    with pytest.raises(UserError, match="currency 'EURO' is not an ISO code"):
        update_source(db, "compta", options={"currency": "EURO"})
    with pytest.raises(UserError, match="at least 1 minute"):
        update_source(db, "compta", schedule_minutes=0)
    with pytest.raises(UserError, match="No ledger source named 'nope'"):
        update_source(db, "nope", enabled=False)
    assert list_sources(db) == before
    add_source(db, "gone", "fec", str(tmp_path / "gone.txt"))
    gone = update_source(db, "gone", options={"terms": "net60"}, enabled=False)
    assert (gone.enabled, gone.options) == (False, {"terms": "net60"})  # file not re-checked


def test_name_and_kind_are_frozen_once_rows_carry_the_name(db, tmp_path):
    add_source(db, "draft", "fec", TRESO)
    add_source(db, "other", "fec", COMPTA)
    with pytest.raises(UserError, match="A source named 'other' already exists"):
        update_source(db, "draft", new_name="other")
    assert update_source(db, "draft", new_name="treso").name == "treso"  # nothing imported yet
    sync_source(db, "treso", AS_OF)
    assert imported_rows(db, "treso") == 157
    with pytest.raises(UserError, match="157 ledger rows were imported under this name"):
        update_source(db, "treso", new_name="books")
    csv = tmp_path / "invoices.csv"
    csv.write_text("ref,debtor_ref,issue_date,amount\n1,C1,2023-01-01,10\n")
    with pytest.raises(UserError, match="its name and kind cannot change"):
        update_source(db, "treso", kind="csv", location=str(csv),
                      options={"kind": "invoices"})
    assert [(s.name, s.kind) for s in list_sources(db)] == [("other", "fec"), ("treso", "fec")]


def test_passwords_live_in_the_keyring_and_follow_the_source(db, tmp_path, memory_keyring):
    url = sage_db(tmp_path / "sage.db")
    with pytest.raises(UserError, match="leave the password out of the URL"):
        add_source(db, "sage", "sage100", "mssql+pyodbc://collecta:s3cret@srv/BIJOU")
    add_source(db, "sage", "sage100", url, password="first")
    assert memory_keyring.secrets == {("Collecta", "sage"): "first"}
    update_source(db, "sage", new_name="sage100", password="second")
    assert memory_keyring.secrets == {("Collecta", "sage100"): "second"}
    with session_scope(db) as s:
        assert s.scalar(select(LedgerSource.location)) == url  # no secret in the database
    remove_source(db, "sage100")
    assert memory_keyring.secrets == {}


def test_the_gui_checks_the_location_when_adding(db, tmp_path):
    with pytest.raises(UserError, match=r"Source 'x': file .*nowhere\.txt not found"):
        add_source(db, "x", "fec", str(tmp_path / "nowhere.txt"), check_location=True)
    with session_scope(db) as s:
        save_profile(s, "Payments export", ColumnMapping("payments", {"ref": "N°"}))
    csv = tmp_path / "inv.csv"
    csv.write_text("ref,debtor_ref,issue_date,amount\n1,C1,2023-01-01,10\n")
    with pytest.raises(UserError, match="'Payments export' is for payments, not invoices"):
        add_source(db, "x", "csv", str(csv), check_location=True,
                   options={"kind": "invoices", "mapping": "Payments export"})
    with pytest.raises(UserError, match="No mapping profile named 'Gone'"):
        add_source(db, "x", "csv", str(csv), check_location=True,
                   options={"kind": "invoices", "mapping": "Gone"})
    assert list_sources(db) == []
    add_source(db, "x", "csv", str(csv), check_location=True, options={"kind": "invoices"},
               enabled=False)
    assert [(s.name, s.enabled) for s in list_sources(db)] == [("x", False)]


def test_probe_counts_what_a_source_holds_and_writes_nothing(db, tmp_path):
    add_source(db, "compta", "fec", COMPTA)
    counts = probe_saved_source(db, "compta")
    assert (counts.invoices, counts.credit_notes, counts.customers, counts.payments,
            counts.rejected) == (100, 3, 34, 48, 0)
    assert counts.describe() == ("100 invoices, 3 credit notes, 34 customers, 48 payments "
                                 "(latest entry 31/07/2023)")
    (src,) = list_sources(db)
    assert src.last_sync_at is None and src.last_outcome is None
    with session_scope(db) as s:
        assert s.scalar(select(func.count()).select_from(Debtor)) == 0
    csv = tmp_path / "inv.csv"
    csv.write_text("ref,debtor_ref,issue_date,amount\n1,C1,2023-01-01,10\n2,C1,2023-01-02,5\n"
                   "3,C2,2023-01-03,7\n")
    unsaved = src.__class__("new", "csv", str(csv), {"kind": "invoices"}, None, True, None,
                            None, None)
    assert probe_source(db, unsaved).describe() == "3 invoices, 2 customers, 0 payments"
    sage = probe_source(db, src.__class__("s", "sage100", sage_db(tmp_path / "s.db"), {}, None,
                                          True, None, None, None), password="typed")
    assert (sage.invoices, sage.credit_notes, sage.customers, sage.payments) == (4, 1, 3, 1)


def test_sources_set_and_test_from_the_command_line(tmp_path, capsys):
    db_url = f"sqlite:///{tmp_path / 'c.db'}"
    assert main(["--db", db_url, "sources", "add", "treso", "--kind", "fec", "--location",
                 TRESO, "--option", "terms=net45", "--every", "60"]) == 0
    assert main(["--db", db_url, "sources", "test", "treso"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == (
        "treso: 20 invoices, 4 customers, 133 payments (latest entry 30/06/2023)")
    missing = str(tmp_path / "gone.txt")
    assert main(["--db", db_url, "sources", "set", "treso", "--location", missing,
                 "--manual"]) == 2
    assert capsys.readouterr().err.strip() == (
        f"collecta: Source 'treso': file {missing} not found")
    assert main(["--db", db_url, "sources", "set", "treso", "--option", "terms=eom30",
                 "--option", "sales_journals=VE", "--disable"]) == 0
    assert "every 60 min, disabled" in capsys.readouterr().out
    assert main(["--db", db_url, "sources", "set", "treso", "--option", "sales_journals=",
                 "--manual", "--enable"]) == 0
    capsys.readouterr()
    assert main(["--db", db_url, "sources", "list", "--format", "json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert (row["location"], json.loads(row["options"]), row["every_minutes"]) == (
        TRESO, {"terms": "eom30"}, None)
    assert main(["--db", db_url, "sources", "test", "nope"]) == 2
    assert "No ledger source named 'nope'" in capsys.readouterr().err
    db = open_database(db_url)
    assert [s.enabled for s in list_sources(db)] == [True]
    db.engine.dispose()
