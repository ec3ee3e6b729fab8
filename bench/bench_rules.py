"""Rules benchmark (issue 7): 20 rules over every debtor of the demo ledger (20,000; --quick 2,000),
facts included (with two credit-insurer assessments per debtor, so the insurer facts are read
too), and the editor's live preview after an edit.

Baseline, measured in the same run: the bare read of the debtor table into pandas (the one read
every rules run must do). The analytics arrays load once per process (the app keeps a warm
LedgerEngine); their cold load is printed on its own, then facts and rules run on the warm
engine. Targets: facts + 20 rules ≤ 1 s; live preview ≤ 200 ms.

Usage: python -m bench.bench_rules [--quick] [--debtors N]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from app.db import open_database, session_scope
from app.services.analytics.engine import LedgerEngine
from app.services.collection.plans import install_default_plans
from app.services.rules.engine import run_rules
from app.services.rules.facts import debtor_facts
from app.services.rules.preview import preview_condition
from app.services.rules.store import RuleDraft, save_rule
from bench.demo_cache import demo_copy

AS_OF = date(2025, 6, 30)
TARGET_RUN_S = 1.0
TARGET_PREVIEW_S = 0.200
EUR = "EUR"


def demo_url(debtors: int, folder: Path) -> str:
    """A private copy of the cached demo with the shipped plans: the bench saves rules into it."""
    url = demo_copy(debtors, AS_OF, folder)
    install_default_plans(open_database(url))
    return url


def twenty_rules() -> list[RuleDraft]:
    """Twenty rules of the shapes a firm writes: thresholds, segments, tags, AND/OR groups."""
    out: list[RuleDraft] = []
    for i in range(20):
        leaves = [
            {"fact": "dso", "op": ">", "value": 30 + 5 * i},
            {"fact": "overdue_balance", "op": ">",
             "value": {"amount": str(1_000 * (i + 1)), "currency": EUR}},
            {"any": [{"fact": "segment", "op": "in", "value": ["smb", "public_sector"]},
                     {"fact": "max_dpd", "op": "between", "value": [10 + i, 90 + i]}]},
            {"fact": "tags", "op": "not_in", "value": ["VIP"]},
            {"fact": "exposure_ratio", "op": ">=", "value": 80 + i},
        ]
        insurer = [{"fact": "external_score", "op": "<", "value": 3 + i % 5},
                   {"fact": "insurer_exposure_ratio", "op": ">", "value": 90 + i},
                   {"fact": "external_limit", "op": "<",
                    "value": {"amount": str(5_000 * (i + 1)), "currency": EUR}}][i % 3]
        condition = {"all": leaves[: 2 + i % 4]} if i % 3 else {"any": leaves[: 3 + i % 3]}
        if i % 2:  # half the rules also test an insurer fact
            condition = {"all": [condition, insurer]}
        action = ({"type": "add_tag", "tag": f"R{i:02d}"} if i % 2
                  else {"type": "notify", "message": f"watch list {i}", "email": i % 4 == 0})
        out.append(RuleDraft(f"Bench rule {i:02d}", condition, [action], enabled=True,
                             priority=10 * (i + 1), triggers=("daily",)))
    return out


def insurer_rows(session: Any) -> int:
    """Two assessments per debtor (March and June), scores 1–10, limits around the exposure."""
    from sqlalchemy import delete, insert, select

    from app.models import Debtor, InsurerAssessment

    session.execute(delete(InsurerAssessment).where(InsurerAssessment.insurer == "Bench"))
    ids = list(session.scalars(select(Debtor.id).order_by(Debtor.id)))
    rng = np.random.default_rng(7)
    now = datetime(2025, 6, 30, tzinfo=UTC)
    rows = [{"debtor_id": d, "insurer": "Bench", "assessed_on": on,
             "score": Decimal(int(rng.integers(100, 1000))) / 100,
             "limit_amount": Decimal(int(rng.integers(1, 200)) * 1000),
             "limit_currency": EUR, "imported_at": now, "source_file": "bench.csv"}
            for d in ids for on in (date(2025, 3, 31), date(2025, 6, 15))]
    session.execute(insert(InsurerAssessment), rows)
    return len(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench_rules", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2,000 debtors (< 60 s)")
    parser.add_argument("--debtors", type=int, default=None)
    args = parser.parse_args(argv)
    debtors = args.debtors or (2_000 if args.quick else 20_000)
    folder = tempfile.TemporaryDirectory(prefix="bench_rules_", dir="/tmp")
    db = open_database(demo_url(debtors, Path(folder.name)))
    with session_scope(db) as s:
        for draft in twenty_rules():
            save_rule(s, draft, "bench")
        assessments = insurer_rows(s)
    start = time.perf_counter()
    baseline_rows = pd.read_sql("SELECT id, name, segment, country, tags, credit_limit, "
                                "account_manager_id FROM debtor", db.engine)
    baseline = time.perf_counter() - start
    engine = LedgerEngine(db.engine)
    start = time.perf_counter()
    arrays = engine.arrays
    cold = time.perf_counter() - start
    with db.sessions() as s, s.begin():
        start = time.perf_counter()
        facts = debtor_facts(s, arrays, AS_OF)
        facts_s = time.perf_counter() - start
        start = time.perf_counter()
        first = run_rules(s, arrays, AS_OF, user="bench", dry_run=True)
        first_s = time.perf_counter() - start
        start = time.perf_counter()
        run_rules(s, arrays, AS_OF, user="bench")  # fires every match, stores the match state
        write_s = time.perf_counter() - start
        start = time.perf_counter()
        steady = run_rules(s, arrays, AS_OF, user="bench", dry_run=True)
        run_s = time.perf_counter() - start
        s.rollback()  # the cached demo stays as generated
    edited = {"all": [{"fact": "dso", "op": ">", "value": 61},
                      {"fact": "overdue_balance", "op": ">",
                       "value": {"amount": "5000", "currency": EUR}},
                      {"fact": "segment", "op": "in", "value": ["smb"]}]}
    preview_condition(facts, edited)
    start = time.perf_counter()
    for n in range(10):  # ten edits in a row: the threshold changes each time
        edited["all"][0]["value"] = 50 + n
        shown = preview_condition(facts, edited)
    preview_s = (time.perf_counter() - start) / 10
    db.engine.dispose()
    folder.cleanup()
    print(f"rules bench: {len(baseline_rows)} debtors, {len(steady.rules)} rules as of {AS_OF}, "
          f"{assessments} insurer assessments")
    print(f"  baseline (bare debtor read, pandas)    {baseline:8.3f} s")
    print(f"  analytics arrays, cold load             {cold:8.3f} s  (once per process; the "
          "app keeps the engine warm)")
    print(f"  facts alone, warm engine                {facts_s:8.3f} s  ratio "
          f"{facts_s / baseline:6.1f}x")
    print(f"  facts + 20 rules, steady state (warm)   {run_s:8.3f} s  ratio "
          f"{run_s / baseline:6.1f}x  target ≤ {TARGET_RUN_S:.1f} s  "
          f"({len(steady.changes)} changes)")
    print(f"  facts + 20 rules incl. cold load        {run_s + cold:8.3f} s")
    print(f"  first run, every match fires (dry run)  {first_s:8.3f} s  "
          f"({len(first.changes)} changes worded, {len(first.notices)} notices)")
    print(f"  first run written (activities, state)   {write_s:8.3f} s")
    print(f"  live preview after an edit ({shown.count} match) {preview_s * 1000:6.1f} ms "
          f"ratio {preview_s / baseline:6.2f}x  target ≤ {TARGET_PREVIEW_S * 1000:.0f} ms")
    ok = run_s <= TARGET_RUN_S and preview_s <= TARGET_PREVIEW_S
    print("  targets met" if ok else "  TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
