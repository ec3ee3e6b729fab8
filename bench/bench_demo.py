"""Demo ledger generation speed: `collecta init --demo --debtors N` into a fresh SQLite file.

Baseline, measured in the same run: a bare sqlite3 `executemany` of as many invoice-shaped
tuples (same columns, no indexes, one transaction) as the demo writes invoices. The ratio says
what the whole generator (numpy generation, six tables, indexes, constraints) costs relative to
the cheapest possible insert of its largest table. Target: 20,000 debtors (≈1,000,000 invoices)
in under 120 s; the --quick run (2,000 debtors) scales that target to its size.

Usage: python -m bench.bench_demo [--quick] [--debtors N]
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from app.db import open_database
from app.services.demo import generate_demo

AS_OF = date(2026, 6, 30)
TARGET_SECONDS_20K = 120.0


def baseline_seconds(path: Path, rows: int) -> float:
    """A bare sqlite3 executemany of `rows` invoice-shaped tuples in one transaction."""
    tuples = [
        (i, "demo", f"F2026-{i:06d}", i % 20_000 + 1, f"F2026-{i:06d}", "2026-01-15",
         "2026-02-14", "EUR", 1234.56, "invoice", 1234.56, None)
        for i in range(1, rows + 1)
    ]
    conn = sqlite3.connect(path)
    conn.execute(
        "CREATE TABLE invoice (id INTEGER PRIMARY KEY, source TEXT, external_ref TEXT, "
        "debtor_id INTEGER, number TEXT, issue_date DATE, due_date DATE, currency TEXT, "
        "amount NUMERIC, kind TEXT, open_amount NUMERIC, settled_on DATE)"
    )
    start = time.perf_counter()
    with conn:
        conn.executemany("INSERT INTO invoice VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", tuples)
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench_demo", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2,000 debtors (< 60 s)")
    parser.add_argument("--debtors", type=int, default=None)
    args = parser.parse_args(argv)
    debtors = args.debtors or (2_000 if args.quick else 20_000)
    target = TARGET_SECONDS_20K * max(debtors, 2_000) / 20_000
    with tempfile.TemporaryDirectory(prefix="bench_demo_", dir="/tmp") as folder:
        db = open_database(f"sqlite:///{folder}/demo.db")
        start = time.perf_counter()
        summary = generate_demo(db, debtors=debtors, seed=7, as_of=AS_OF)
        total = time.perf_counter() - start
        db.engine.dispose()
        written = summary.invoices + summary.credit_notes
        base = baseline_seconds(Path(folder) / "baseline.db", written)
    rows = written + summary.payments + summary.allocations
    print(f"demo: {debtors} debtors, {summary.invoices} invoices, {summary.credit_notes} credit "
          f"notes, {summary.payments} payments, {summary.allocations} allocations")
    print(f"demo total: {total:.1f} s  ({summary.invoices / total:,.0f} invoices/s, "
          f"{rows / total:,.0f} ledger rows/s)")
    print(f"baseline bare sqlite3 executemany of {written} invoice tuples: {base:.2f} s "
          f"({written / base:,.0f} rows/s)")
    print(f"ratio demo / baseline: {total / base:.1f}x")
    ok = total < target
    print(f"target: {debtors} debtors in < {target:.0f} s: {'met' if ok else 'MISSED'} "
          f"({total:.1f} s)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
