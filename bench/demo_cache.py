"""Demo databases for the benches, generated once and cached in bench/out/ (`make clean` removes
them): the 20,000-debtor demo takes about a minute to write, the benches measure seconds."""

from __future__ import annotations

import shutil
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"


def cached_demo(debtors: int, as_of: date, *, seed: int = 7) -> Path:
    """The path of a demo ledger of `debtors` debtors as of `as_of`; generated on first use."""
    from app.db import open_database
    from app.services.demo import generate_demo

    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"demo-{debtors}-{as_of.isoformat()}-s{seed}.db"
    if not path.exists():
        partial = path.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        started = time.perf_counter()
        db = open_database(f"sqlite:///{partial}")
        generate_demo(db, debtors=debtors, seed=seed, as_of=as_of)
        db.engine.dispose()
        partial.rename(path)
        print(f"(generated the {debtors}-debtor demo in {time.perf_counter() - started:.1f} s, "
              f"cached in {path.relative_to(ROOT)})")
    return path


def demo_url(debtors: int, as_of: date) -> str:
    """A cached demo opened in place: for benches that only read."""
    return f"sqlite:///{cached_demo(debtors, as_of)}"


def demo_copy(debtors: int, as_of: date, folder: Path) -> str:
    """A private copy of a cached demo: for benches that write (campaign builds, dispatch)."""
    target = folder / "demo.db"
    shutil.copyfile(cached_demo(debtors, as_of), target)
    return f"sqlite:///{target}"
