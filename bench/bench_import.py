"""Import benchmark: a generated FEC into a fresh SQLite database, against a baseline measured in
the same run (`pandas.read_csv` of the file + a bare `executemany` insert of the same rows).

Targets (issue 3): import ≤ 3× baseline; peak memory ≤ 1.5 GB; re-syncing the unchanged
source ≤ 20 % of the first import. `--quick`: 100,000 lines instead of 1,000,000.
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import resource
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pandas as pd

from app.db import open_database
from app.services.ledger.sources import add_source, sync_source

HEADER = ("JournalCode|JournalLib|EcritureNum|EcritureDate|CompteNum|CompteLib|CompAuxNum|"
          "CompAuxLib|PieceRef|PieceDate|EcritureLib|Debit|Credit|EcritureLet|DateLet|"
          "ValidDate|Montantdevise|Idevise")


def _amount(cents: int) -> str:
    return f"{cents // 100},{cents % 100:02d}"


def _letters(n: int) -> str:
    out = ""
    for _ in range(3):
        n, r = divmod(n, 26)
        out = chr(65 + r) + out
    return out


def generate_fec(path: Path, lines: int, seed: int = 11) -> date:
    """Sales (411 debit, 706 and 44571 credits) and bank receipts (512 debit, 411 credit);
    80 % of invoices paid and lettered with their receipt. Returns the last entry date."""
    rng = random.Random(seed)
    start = date(2024, 1, 1)
    debtors = max(50, lines // 50)
    entry = 0
    written = 0
    last = start
    letter_seq: dict[int, int] = {}
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        fh.write(HEADER + "\n")
        while written < lines:
            entry += 1
            d = rng.randrange(debtors)
            aux, name = f"C{d:06d}", f"CLIENT {d:06d}"
            day = start + timedelta(days=rng.randrange(360))
            ds = day.strftime("%Y%m%d")
            ttc = rng.randrange(5_000, 5_000_000)
            ht = round(ttc / 1.2)
            paid = rng.random() < 0.8
            letter = ""
            pay_day = day + timedelta(days=rng.randrange(10, 60))
            if paid:
                n = letter_seq.get(d, 0)
                letter_seq[d] = n + 1
                letter = _letters(n)
            piece = f"FA{entry:08d}"
            let_date = pay_day.strftime("%Y%m%d") if paid else ""
            fh.write(f"VE|Ventes|{entry}|{ds}|411000|Clients|{aux}|{name}|{piece}|{ds}|"
                     f"Facture {piece}|{_amount(ttc)}|0,00|{letter}|{let_date}|{ds}||\n")
            fh.write(f"VE|Ventes|{entry}|{ds}|706000|Ventes|||{piece}|{ds}|Facture {piece}|"
                     f"0,00|{_amount(ht)}|||{ds}||\n")
            fh.write(f"VE|Ventes|{entry}|{ds}|445710|TVA|||{piece}|{ds}|Facture {piece}|"
                     f"0,00|{_amount(ttc - ht)}|||{ds}||\n")
            written += 3
            if paid and written < lines:
                entry += 1
                ps = pay_day.strftime("%Y%m%d")
                fh.write(f"BQ|Banque|{entry}|{ps}|512000|Banque|||VIR{entry}|{ps}|Virement|"
                         f"{_amount(ttc)}|0,00|||{ps}||\n")
                fh.write(f"BQ|Banque|{entry}|{ps}|411000|Clients|{aux}|{name}|VIR{entry}|{ps}|"
                         f"Virement|0,00|{_amount(ttc)}|{letter}|{let_date}|{ps}||\n")
                written += 2
                last = max(last, pay_day)
            last = max(last, day)
    return last


def baseline(path: Path, folder: Path) -> float:
    t = time.perf_counter()
    frame = pd.read_csv(path, sep="|", dtype=str, keep_default_na=False)
    con = sqlite3.connect(folder / "baseline.db")
    cols = ", ".join(f"c{i} TEXT" for i in range(len(frame.columns)))
    con.execute(f"CREATE TABLE lines ({cols})")
    marks = ", ".join("?" * len(frame.columns))
    con.executemany(f"INSERT INTO lines VALUES ({marks})", frame.itertuples(index=False))
    con.commit()
    con.close()
    return time.perf_counter() - t


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _in_child(target: Callable[..., dict[str, Any]], *args: Any) -> dict[str, Any]:
    """Run a phase in a forked process so its peak memory is its own."""
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)

    def run() -> None:
        out = target(*args)
        out["peak_mb"] = peak_mb()
        child.send(out)

    proc = ctx.Process(target=run)
    proc.start()
    result: dict[str, Any] = parent.recv()
    proc.join()
    return result


def _baseline_phase(fec: Path, folder: Path) -> dict[str, Any]:
    return {"seconds": baseline(fec, folder)}


def _import_phase(fec: Path, folder: Path, last: date) -> dict[str, Any]:
    db = open_database(f"sqlite:///{folder / 'collecta.db'}")
    add_source(db, "fec", "fec", str(fec))
    t = time.perf_counter()
    first = sync_source(db, "fec", last)
    t_import = time.perf_counter() - t
    t = time.perf_counter()
    again = sync_source(db, "fec", last)
    t_resync = time.perf_counter() - t
    t = time.perf_counter()
    forced = sync_source(db, "fec", last, force=True)
    t_forced = time.perf_counter() - t
    db.engine.dispose()
    assert again.skipped_unchanged_source and forced.created == forced.updated == 0
    return {"import": t_import, "resync": t_resync, "forced": t_forced,
            "items": first.created - first.debtors.created, "debtors": first.debtors.created}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="100,000 lines")
    parser.add_argument("--lines", type=int, default=None)
    args = parser.parse_args(argv)
    lines = args.lines or (100_000 if args.quick else 1_000_000)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        fec = folder / "FEC.txt"
        last = generate_fec(fec, lines)
        base = _in_child(_baseline_phase, fec, folder)
        run = _in_child(_import_phase, fec, folder, last)
    t_import = run["import"]
    ratio = t_import / base["seconds"]
    resync = run["resync"] / t_import
    peak = run["peak_mb"]
    print(f"lines {lines:,}  customer items {run['items']:,}  debtors {run['debtors']:,}")
    print(f"baseline (read_csv + executemany)  {base['seconds']:7.2f} s  "
          f"(peak {base['peak_mb']:.0f} MB)")
    print(f"import                             {t_import:7.2f} s  ratio {ratio:.2f} (≤ 3.00)  "
          f"{lines / t_import:,.0f} lines/s")
    print(f"re-sync unchanged source           {run['resync']:7.2f} s  {resync:.1%} of import "
          "(≤ 20%)")
    print(f"forced full re-import (diff only)  {run['forced']:7.2f} s  "
          f"{run['forced'] / t_import:.1%} of import (informative: bypasses the fingerprint)")
    print(f"peak memory of the import          {peak:7.0f} MB (≤ 1536)")
    ok = ratio <= 3.0 and resync <= 0.20 and peak <= 1536
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
