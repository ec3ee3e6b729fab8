"""Central-bank reference rates as data (resources/rates/*.csv, extendable by the user).

Each CSV has `from,rate_percent` rows: the rate applies from that date until the next row. A file
of the same name in the data folder's `rates/` is read after the shipped one; its rows win.
"""

from __future__ import annotations

import bisect
import csv
import time
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from app.config import data_dir, resources_dir
from app.errors import UserError

ECB_MRO = "ecb_mro"
BOE_BANK_RATE = "boe_bank_rate"


@dataclass(frozen=True)
class RateTable:
    name: str
    starts: tuple[date, ...]
    rates: tuple[Decimal, ...]  # percent

    def rate_on(self, day: date) -> Decimal:
        """The rate in force on `day` (the last row starting on or before it)."""
        i = bisect.bisect_right(self.starts, day) - 1
        if i < 0:
            raise UserError(
                f"Rate table '{self.name}' starts on {self.starts[0].isoformat()}; "
                f"add the rate in force on {day.isoformat()} to rates/{self.name}.csv"
            )
        return self.rates[i]


def _read_rows(path: Path) -> dict[date, Decimal]:
    out: dict[date, Decimal] = {}
    with path.open(newline="", encoding="utf-8-sig") as fh:
        for line_no, row in enumerate(csv.DictReader(fh), start=2):
            try:
                out[date.fromisoformat(row["from"].strip())] = Decimal(row["rate_percent"].strip())
            except (KeyError, AttributeError, ValueError, InvalidOperation):
                raise UserError(
                    f"{path}, line {line_no}: expected 'from,rate_percent' as YYYY-MM-DD,number"
                ) from None
    return out


def load_rate_table(name: str, extra_dirs: tuple[Path, ...] | None = None) -> RateTable:
    """The shipped table `name`, extended by the same file in the data folder (or extra_dirs)."""
    rows: dict[date, Decimal] = {}
    dirs = (resources_dir() / "rates",) + (
        extra_dirs if extra_dirs is not None else (data_dir() / "rates",)
    )
    for folder in dirs:
        path = folder / f"{name}.csv"
        if path.exists():
            rows.update(_read_rows(path))
    if not rows:
        raise UserError(f"No rate table '{name}.csv' in {dirs[0]}")
    starts = tuple(sorted(rows))
    return RateTable(name, starts, tuple(rows[d] for d in starts))


_CACHE: dict[tuple[str, tuple[tuple[str, float], ...]], RateTable] = {}


_CHECKED: dict[str, tuple[float, RateTable]] = {}
RECHECK_SECONDS = 2.0


def rate_table(name: str) -> RateTable:
    """load_rate_table, re-read only when one of its files changed (checked at most every two
    seconds: a build computes thousands of claims)."""
    now = time.monotonic()
    checked = _CHECKED.get(name)
    if checked is not None and now - checked[0] < RECHECK_SECONDS:
        return checked[1]
    paths = (resources_dir() / "rates" / f"{name}.csv", data_dir() / "rates" / f"{name}.csv")
    key = (name, tuple((str(p), p.stat().st_mtime) for p in paths if p.exists()))
    if key not in _CACHE:
        _CACHE[key] = load_rate_table(name)
    _CHECKED[name] = (now, _CACHE[key])
    return _CACHE[key]
