"""Acceptance: the canonical CSVs round-trip — export the demo database, import into an empty
one, same balances (per debtor and currency, as of the demo's date)."""

from __future__ import annotations

import shutil
from datetime import date

from app.cli import main
from app.db import open_database, session_scope
from app.services.demo import generate_demo
from app.services.ledger.csv_excel import read_canonical
from app.services.ledger.export import export_csv
from app.services.ledger.pipeline import ImportOptions, import_batch
from app.services.worklist import worklist_rows
from tests import factories as f

AS_OF = date(2025, 6, 30)


def balances(db, as_of):
    with session_scope(db) as s:
        return {(r.ref, r.currency): r.open_balance for r in worklist_rows(s, as_of)}


def round_trip(source_db, target_db, tmp_path, as_of):
    for kind in ("debtors", "invoices", "payments"):
        path = tmp_path / f"{kind}.csv"
        with session_scope(source_db) as s:
            export_csv(s, kind, path)
        import_batch(target_db, read_canonical(path, kind),
                     ImportOptions(source="csv", as_of=as_of))


def test_demo_database_round_trips_through_canonical_csv(db, tmp_path, sqlite_template):
    demo_path = tmp_path / "demo.db"
    shutil.copyfile(sqlite_template, demo_path)
    demo = open_database(f"sqlite:///{demo_path}")
    generate_demo(demo, debtors=40, seed=3, as_of=AS_OF)
    expected = balances(demo, AS_OF)
    assert len(expected) > 20
    round_trip(demo, db, tmp_path, AS_OF)
    assert balances(db, AS_OF) == expected
    demo.engine.dispose()


def test_factory_ledger_round_trips_including_partial_and_multi_currency(db, tmp_path,
                                                                         sqlite_template):
    src_path = tmp_path / "src.db"
    shutil.copyfile(sqlite_template, src_path)
    src = open_database(f"sqlite:///{src_path}")
    with session_scope(src) as s:
        d = f.debtor(s, "C1", "Boulangerie Martin")
        a = f.invoice(s, d, 1000, due=date(2025, 6, 10))
        f.invoice(s, d, 700, due=date(2025, 5, 1), currency="GBP")
        f.payment(s, d, 400, on=date(2025, 6, 20), settles=a)
        f.credit_note(s, d, 50, issued=date(2025, 6, 1))
        f.payment(s, d, 30, on=date(2025, 6, 25))
    expected = balances(src, AS_OF)
    assert expected == {("C1", "EUR"): f.D(1000 - 400 - 50 - 30), ("C1", "GBP"): f.D(700)}
    round_trip(src, db, tmp_path, AS_OF)
    assert balances(db, AS_OF) == expected
    src.engine.dispose()


def test_export_and_import_through_the_command_line(tmp_path, capsys):
    src = f"sqlite:///{tmp_path / 'a.db'}"
    dst = f"sqlite:///{tmp_path / 'b.db'}"
    assert main(["--db", src, "init", "--demo", "--debtors", "15", "--as-of", "2025-06-30"]) == 0
    for kind in ("debtors", "invoices", "payments"):
        out = tmp_path / f"{kind}.csv"
        assert main(["--db", src, "export", "csv", "--kind", kind, "-o", str(out)]) == 0
        assert main(["--db", dst, "import", "csv", str(out), "--kind", kind,
                     "--as-of", "2025-06-30"]) == 0
    capsys.readouterr()
    assert main(["--db", src, "debtors", "list", "--as-of", "2025-06-30", "--format", "csv"]) == 0
    before = capsys.readouterr().out
    assert main(["--db", dst, "debtors", "list", "--as-of", "2025-06-30", "--format", "csv"]) == 0
    after = capsys.readouterr().out
    strip = sorted(",".join(line.split(",")[:2] + line.split(",")[4:6])
                   for line in before.splitlines())
    assert strip == sorted(",".join(line.split(",")[:2] + line.split(",")[4:6])
                           for line in after.splitlines())
