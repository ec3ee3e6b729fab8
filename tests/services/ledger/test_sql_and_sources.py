"""Generic SQL connector and configured sources run headless (`collecta sync`)."""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from decimal import Decimal

import pytest

from app.cli import main
from app.db import open_database, session_scope
from app.errors import UserError
from app.services.ledger.sources import add_source, list_sources, remove_source, sync_all
from app.services.ledger.sql_source import load_sql_config
from app.services.worklist import worklist_rows
from tests.conftest import FEC_DIR

AS_OF = date(2025, 6, 30)


def erp(path):
    con = sqlite3.connect(path)
    con.executescript("""
    CREATE TABLE clients (code TEXT, raison TEXT, pays TEXT);
    CREATE TABLE factures (id INTEGER, client TEXT, numero TEXT, emise TEXT, echeance TEXT,
                           ttc REAL);
    CREATE TABLE reglements (id INTEGER, client TEXT, le TEXT, montant REAL, facture INTEGER);
    INSERT INTO clients VALUES ('C1','Boulangerie Martin','FR'), ('C2','Garage Dupont','FR');
    INSERT INTO factures VALUES (1,'C1','F-1','2025-05-01','2025-05-31',1000.0),
                                (2,'C2','F-2','2025-06-01','2025-07-01',250.25);
    INSERT INTO reglements VALUES (1,'C1','2025-06-10',600.0,1);
    """)
    con.commit()
    con.close()


CONFIG = {
    "debtors": "SELECT code AS ref, raison AS name, pays AS country FROM clients",
    "invoices": "SELECT 'F' || id AS ref, client AS debtor_ref, numero AS number, "
                "emise AS issue_date, echeance AS due_date, 'EUR' AS currency, ttc AS amount "
                "FROM factures",
    "payments": "SELECT 'R' || id AS ref, client AS debtor_ref, le AS date, 'EUR' AS currency, "
                "montant AS amount, 'F' || facture AS invoice_ref FROM reglements",
    "snapshot": True,
}


def test_sql_source_with_three_selects_imports_from_the_cli(tmp_path, capsys):
    erp(tmp_path / "erp.db")
    cfg = tmp_path / "erp.json"
    cfg.write_text(json.dumps({"url": f"sqlite:///{tmp_path / 'erp.db'}", **CONFIG}))
    db_url = f"sqlite:///{tmp_path / 'c.db'}"
    assert main(["--db", db_url, "import", "sql", "--config", str(cfg), "--as-of",
                 "2025-06-30"]) == 0
    assert "sql: 5 created" in capsys.readouterr().out
    db = open_database(db_url)
    with session_scope(db) as s:
        rows = {r.ref: r.open_balance for r in worklist_rows(s, AS_OF)}
    assert rows == {"C1": Decimal("400.00"), "C2": Decimal("250.25")}
    db.engine.dispose()


def test_toml_config_and_refusal_of_non_select(tmp_path):
    cfg = tmp_path / "erp.toml"
    cfg.write_text('url = "sqlite:///x.db"\ninvoices = "DELETE FROM factures"\n')
    with pytest.raises(UserError, match="must be a SELECT"):
        load_sql_config(cfg)
    cfg.write_text('url = "sqlite:///x.db"\ndebtors = "SELECT 1 AS ref, 2 AS name"\n')
    assert load_sql_config(cfg).queries == {"debtors": "SELECT 1 AS ref, 2 AS name"}


def test_sources_are_listed_synced_all_at_once_and_removed(db, tmp_path):
    erp(tmp_path / "erp.db")
    cfg = tmp_path / "erp.json"
    cfg.write_text(json.dumps({"url": f"sqlite:///{tmp_path / 'erp.db'}", **CONFIG}))
    add_source(db, "erp", "sql", str(cfg), schedule_minutes=30)
    add_source(db, "compta", "fec", str(FEC_DIR / "111111111FEC20221231.TXT"),
               options={"terms": "eom30"})
    add_source(db, "broken", "fec", str(tmp_path / "missing.txt"))
    outcomes = {o.name: o for o in sync_all(db, AS_OF)}
    assert outcomes["erp"].report is not None and outcomes["erp"].report.created == 5
    assert outcomes["compta"].report is not None and outcomes["compta"].report.created == 185
    assert outcomes["broken"].error is not None and "missing.txt" in outcomes["broken"].error
    listed = {s.name: s for s in list_sources(db)}
    assert (listed["erp"].last_outcome, listed["broken"].last_outcome) == ("ok", "failed")
    with pytest.raises(UserError, match="already exists"):
        add_source(db, "erp", "sql", str(cfg))
    remove_source(db, "broken")
    assert [s.name for s in list_sources(db)] == ["compta", "erp"]


def test_sources_and_sync_from_the_command_line(tmp_path, capsys):
    db_url = f"sqlite:///{tmp_path / 'c.db'}"
    fec = str(FEC_DIR / "000000000FEC20231231.txt")
    assert main(["--db", db_url, "sources", "add", "treso", "--kind", "fec", "--location", fec,
                 "--option", "terms=net45", "--every", "60"]) == 0
    assert main(["--db", db_url, "sync", "--as-of", "2023-12-31"]) == 0
    assert "treso: 157 created" in capsys.readouterr().out
    assert main(["--db", db_url, "sync", "--as-of", "2023-12-31"]) == 0
    assert "unchanged since the last sync" in capsys.readouterr().out
    assert main(["--db", db_url, "sources", "list", "--format", "json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert (row["name"], row["outcome"], row["every_minutes"]) == ("treso", "ok", 60)
    assert main(["--db", db_url, "sources", "add", "x", "--kind", "csv", "--location",
                 "a.csv"]) == 2
    assert "needs options kind" in capsys.readouterr().err


def test_rules_triggered_after_each_sync_see_the_new_ledger_and_not_an_unchanged_one(db):
    from app.models import Activity, Debtor
    from app.services.rules.store import RuleDraft, save_rule

    with session_scope(db) as s:
        save_rule(s, RuleDraft(
            "Tag late payers after sync", enabled=True, triggers=("sync",),
            condition={"all": [{"fact": "max_dpd", "op": ">", "value": 30}]},
            actions=[{"type": "add_tag", "tag": "LATE"}]), "Alice Martin")
    add_source(db, "compta", "fec", str(FEC_DIR / "111111111FEC20221231.TXT"))
    first = sync_all(db, AS_OF, author="Nightly sync")
    assert [o.name for o in first] == ["compta"]  # no "automation rules" failure reported
    with session_scope(db) as s:
        tagged = sorted(d.external_ref for d in s.query(Debtor) if "LATE" in (d.tags or []))
        late = sorted(r.ref for r in worklist_rows(s, AS_OF) if r.max_dpd > 30)
        fired = s.query(Activity).filter(Activity.kind == "rule_fired").count()
    assert tagged and tagged == sorted(set(late))
    assert fired == len(tagged)
    sync_all(db, AS_OF, author="Nightly sync")  # unchanged source: skipped, no rule run
    with session_scope(db) as s:
        assert s.query(Activity).filter(Activity.kind == "rule_fired").count() == fired
