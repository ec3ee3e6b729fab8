"""The command line as a scheduled task or a script sees it: output formats that parse back,
exit 2 with one `collecta:` line for anything the user can fix, and the same behaviour from
`python main.py` as from `app.cli.main` (ARCHITECTURE.md "CLI")."""

from __future__ import annotations

import csv
import io
import json
import os
import socket
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from app import __version__
from app.cli import main
from app.db import open_database, schema_head, session_scope
from tests import factories as f

REPO = Path(__file__).resolve().parent.parent
AS_OF = "2025-06-30"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def run_script(*argv: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    done = subprocess.run(
        [sys.executable, str(REPO / "main.py"), *argv],
        cwd=REPO, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
        env={**os.environ, **(env or {})},
    )
    return done.returncode, done.stdout, done.stderr


def assert_one_line_refusal(code: int, out: str, err: str) -> None:
    assert code == 2
    assert out == ""
    assert err.startswith("collecta: ")
    assert err.count("\n") == 1, err
    assert "Traceback" not in err


@pytest.fixture
def ledger(db):
    """DOMAIN.md §3's ageing example as of 2025-06-30, plus one settled debtor."""
    with session_scope(db) as s:
        d = f.debtor(s, "C100", "Boulangerie Martin", segment="smb")
        f.contact(s, d, name="Claire Dupont", email="compta@boulangerie-martin.fr")
        f.invoice(s, d, 1000, due=date(2025, 7, 15), issued=date(2025, 6, 15), ref="A")
        f.invoice(s, d, 2000, due=date(2025, 6, 10), ref="B")
        f.invoice(s, d, 1500, due=date(2025, 5, 1), ref="C")
        f.invoice(s, d, 500, due=date(2025, 4, 15), ref="D")
        f.invoice(s, d, 800, due=date(2025, 3, 1), ref="E")
        paid = f.debtor(s, "C200", "Paid Up SA", segment="key_accounts")
        inv = f.invoice(s, paid, 300, due=date(2025, 5, 31))
        f.payment(s, paid, 300, on=date(2025, 5, 20), settles=inv)
    return db


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --- reports ----------------------------------------------------------------------------------

def test_version_names_the_program_and_schema(capsys):
    code, out, err = run(capsys, "version")
    assert (code, out, err) == (0, f"Collecta {__version__} (schema {schema_head()})\n", "")


def test_debtors_list_on_an_empty_database_prints_only_the_header(capsys, db):
    code, out, err = run(capsys, "--db", db.url, "debtors", "list", "--as-of", AS_OF)
    assert (code, err) == (0, "")
    assert out.split() == ["ref", "name", "segment", "manager", "currency", "open_balance",
                           "overdue_balance", "max_days_past_due"]


def test_debtors_list_json_parses_back_with_the_ageing_example(capsys, ledger):
    code, out, _ = run(capsys, "debtors", "list", "--db", ledger.url, "--as-of", AS_OF,
                       "--format", "json")
    assert code == 0
    rows = json.loads(out)
    assert [r["ref"] for r in rows] == ["C100", "C200"]
    martin = rows[0]
    assert martin["name"] == "Boulangerie Martin"
    assert (martin["currency"], martin["open_balance"], martin["overdue_balance"]) == (
        "EUR", "5800.00", "4800.00")
    assert martin["max_days_past_due"] == 121


def test_debtors_list_overdue_csv_parses_back(capsys, ledger):
    code, out, _ = run(capsys, "--db", ledger.url, "debtors", "list", "--overdue",
                       "--as-of", AS_OF, "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["ref"], r["open_balance"], r["overdue_balance"], r["max_days_past_due"])
            for r in rows] == [("C100", "5800.00", "4800.00", "121")]


def test_debtor_show_prints_balances_and_open_items(capsys, ledger):
    code, out, err = run(capsys, "--db", ledger.url, "debtor", "show", "C100", "--as-of", AS_OF)
    assert (code, err) == (0, "")
    lines = [line.split() for line in out.splitlines()]
    assert ["Open", "EUR", "5800.00"] in lines
    assert ["Overdue", "EUR", "4800.00"] in lines
    assert "Claire Dupont · compta@boulangerie-martin.fr" in out
    items = {line[1]: line for line in lines if line and line[0] == "invoice"}
    assert sorted(items) == ["A", "B", "C", "D", "E"]
    assert items["E"][-1] == "121" and items["A"][-1] == "-15"


def test_debtor_show_csv_lists_open_items(capsys, ledger):
    code, out, _ = run(capsys, "--db", ledger.url, "debtor", "show", "C100", "--as-of", AS_OF,
                       "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["number"], r["open"], r["days_past_due"]) for r in rows] == [
        ("E", "800.00", "121"), ("D", "500.00", "76"), ("C", "1500.00", "60"),
        ("B", "2000.00", "20"), ("A", "1000.00", "-15"),
    ]


def test_debtor_show_nets_unapplied_cash_as_a_credit(capsys, db):
    with session_scope(db) as s:
        d = f.debtor(s, "C300", "Garage Petit")
        f.invoice(s, d, 1000, due=date(2025, 5, 31), ref="F1")
        f.payment(s, d, 250, on=date(2025, 6, 5))  # not allocated yet
    code, out, _ = run(capsys, "--db", db.url, "debtor", "show", "C300", "--as-of", AS_OF,
                       "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["type"], r["open"]) for r in rows] == [("invoice", "1000.00"),
                                                     ("payment", "-250.00")]
    code, out, _ = run(capsys, "--db", db.url, "debtor", "show", "C300", "--as-of", AS_OF)
    assert ["Open", "EUR", "750.00"] in [line.split() for line in out.splitlines()]


def test_debtor_show_json_parses_back(capsys, ledger):
    code, out, _ = run(capsys, "--db", ledger.url, "debtor", "show", "C200", "--as-of", AS_OF,
                       "--format", "json")
    assert code == 0
    detail = json.loads(out)
    assert (detail["ref"], detail["name"], detail["open_items"]) == ("C200", "Paid Up SA", [])
    assert [p["amount"] for p in detail["payments"]] == ["300.00"]


def test_db_option_wins_over_collecta_db(capsys, monkeypatch, db):
    monkeypatch.setenv("COLLECTA_DB", f"postgresql://nobody@127.0.0.1:{_closed_port()}/none")
    code, _, err = run(capsys, "--db", db.url, "debtors", "list")
    assert (code, err) == (0, "")


# --- refusals: exit 2, one line, nothing changed ----------------------------------------------

def test_an_unknown_debtor_is_one_line(capsys, db):
    code, out, err = run(capsys, "--db", db.url, "debtor", "show", "NOPE")
    assert_one_line_refusal(code, out, err)
    assert "No debtor with reference 'NOPE'" in err


@pytest.mark.parametrize(
    "argv",
    [["frobnicate"], ["debtors", "purge"], ["debtors", "list", "--format", "xml"],
     ["debtors", "list", "--as-of", "30/06/2025"]],
    ids=["command", "action", "format", "date"],
)
def test_bad_arguments_are_one_line(capsys, argv):
    assert_one_line_refusal(*run(capsys, *argv))


def test_a_corrupt_file_is_one_line_and_unchanged(capsys, tmp_path):
    path = tmp_path / "collecta.db"
    path.write_bytes(b"PK\x03\x04 this is a zip file, not a database" * 50)
    before = path.read_bytes()
    code, out, err = run(capsys, "--db", f"sqlite:///{path}", "debtors", "list")
    assert_one_line_refusal(code, out, err)
    assert "not an SQLite file" in err
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["collecta.db"]


def test_a_file_damaged_inside_a_table_is_one_line(capsys, tmp_path):
    # The header and schema pages are fine, so the file opens; the debtor table's page is not.
    path = tmp_path / "collecta.db"
    open_database(f"sqlite:///{path}").engine.dispose()
    with sqlite3.connect(path) as conn:
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'debtor'").fetchone()
    conn.close()  # the context manager commits but does not close
    data = bytearray(path.read_bytes())
    start = (root[0] - 1) * page_size
    data[start:start + page_size] = b"\xab" * page_size
    path.write_bytes(bytes(data))

    code, out, err = run(capsys, "--db", f"sqlite:///{path}", "debtor", "show", "C1")
    assert_one_line_refusal(code, out, err)
    assert "damaged" in err and "backup" in err


def test_an_unreachable_postgresql_server_is_one_line(capsys):
    url = f"postgresql://collecta:s3cret@127.0.0.1:{_closed_port()}/collecta"
    code, out, err = run(capsys, "--db", url, "debtors", "list")
    assert_one_line_refusal(code, out, err)
    assert "127.0.0.1" in err and "s3cret" not in err


def test_a_folder_that_cannot_be_written_is_one_line(capsys, tmp_path):
    (tmp_path / "report.pdf").write_bytes(b"%PDF-1.7")
    url = f"sqlite:///{tmp_path / 'report.pdf' / 'collecta' / 'collecta.db'}"
    code, out, err = run(capsys, "--db", url, "init")
    assert_one_line_refusal(code, out, err)
    assert "Cannot create the folder" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.pdf"]


# --- the script behaves exactly like the function ---------------------------------------------

def test_python_main_py_behaves_like_the_cli_function(capsys, tmp_path):
    (tmp_path / "x").write_text("")
    unwritable = f"sqlite:///{tmp_path / 'x' / 'sub' / 'c.db'}"
    good = f"sqlite:///{tmp_path / 'collecta.db'}"
    cases = [
        ["version"],
        ["frobnicate"],
        ["--db", unwritable, "debtors", "list"],
        ["--db", good, "debtors", "list", "--format", "csv", "--as-of", AS_OF],
        ["--db", good, "debtor", "show", "NOPE"],
    ]
    for argv in cases:
        assert run_script(*argv) == run(capsys, *argv), argv


# --- a demo ledger end to end -----------------------------------------------------------------

def test_init_creates_the_database_and_says_where(capsys, tmp_path):
    path = tmp_path / "fresh" / "collecta.db"
    code, out, err = run(capsys, "--db", f"sqlite:///{path}", "init")
    assert (code, err) == (0, "")
    assert out == f"Database ready: sqlite:///{path} (schema {schema_head()})\n"
    assert path.is_file()


def test_demo_ledger_list_and_show_agree(capsys, db):
    code, out, _ = run(capsys, "--db", db.url, "init", "--demo", "--debtors", "20", "--seed", "3",
                       "--as-of", AS_OF)
    assert code == 0 and "20 debtors" in out
    code, out, _ = run(capsys, "--db", db.url, "debtors", "list", "--overdue", "--as-of", AS_OF,
                       "--format", "json")
    overdue = json.loads(out)
    assert code == 0 and overdue
    for row in overdue[:3]:
        assert float(row["overdue_balance"]) > 0 and row["max_days_past_due"] > 0
        code, out, _ = run(capsys, "--db", db.url, "debtor", "show", row["ref"], "--as-of", AS_OF,
                           "--format", "json")
        detail = json.loads(out)
        assert code == 0
        assert detail["balances"][row["currency"]] == row["open_balance"]
        assert detail["overdue"][row["currency"]] == row["overdue_balance"]
