"""Campaign benchmark (issue 5): build the day's campaign, explain one item, open the validation
dialog — on the demo ledger (20,000 debtors; --quick 2,000).

Baseline, measured in the same run: the bare open-items query as of the same date (the one bulk
read every build must do). Targets: build ≤ 3 s, explain ≤ 50 ms per item, the validation dialog
with 5,000 actions opens in ≤ 1 s. Ratios to the baseline are printed for trend-watching; the
approval (which renders and stores every line's text since builds no longer do) is reported too.

Usage: python -m bench.bench_campaign [--quick] [--debtors N]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

from sqlalchemy import select

from app.db import open_database, session_scope
from app.models import AppUser, Invoice
from app.services.collection.approval import approve_campaign
from app.services.collection.builder import build_campaign
from app.services.collection.campaigns import campaign_detail
from app.services.collection.explain import explain_item
from app.services.collection.plans import install_default_plans
from app.services.ledger.open_items import open_items_query
from bench.demo_cache import demo_copy

AS_OF = date(2026, 6, 30)
TARGET_BUILD_S = 3.0
TARGET_EXPLAIN_S = 0.050
TARGET_DIALOG_S = 1.0
DIALOG_ACTIONS = 5_000
APPROVER = "Marie Curie"


def _dialog_seconds(db, campaign_id: int) -> tuple[float, float, int]:
    """(dialog open on the built campaign, tree model over 5,000 actions, actions shown)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from app.views.campaign_dialog import CampaignDialog
    from app.views.campaign_models import ActionTreeModel
    from app.views.context import AppContext

    app = QApplication.instance() or QApplication([])
    ctx = AppContext(db, "Claire Dubois", AS_OF, locale="fr_FR")
    start = time.perf_counter()
    dialog = CampaignDialog(ctx, campaign_id)
    dialog.show()
    app.processEvents()
    opened = time.perf_counter() - start
    actions = dialog.detail.actions if dialog.detail else ()
    dialog.close()
    rows = [replace(a, action_id=i) for i, a in
            zip(range(DIALOG_ACTIONS), (actions * (DIALOG_ACTIONS // max(1, len(actions)) + 1)),
                strict=False)]
    start = time.perf_counter()
    dialog.model = ActionTreeModel(tuple(rows), ctx.locale)
    dialog.tree.setModel(dialog.model)
    dialog.show()
    app.processEvents()
    model_5000 = time.perf_counter() - start
    dialog.close()
    return opened, model_5000, len(actions)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench_campaign", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2,000 debtors (< 60 s)")
    parser.add_argument("--debtors", type=int, default=None)
    args = parser.parse_args(argv)
    debtors = args.debtors or (2_000 if args.quick else 20_000)
    with tempfile.TemporaryDirectory(prefix="bench_campaign_", dir="/tmp") as folder:
        db = open_database(demo_copy(debtors, AS_OF, Path(folder)))
        install_default_plans(db)
        with session_scope(db) as s:
            start = time.perf_counter()
            open_rows = s.execute(open_items_query(AS_OF)).all()
            baseline = time.perf_counter() - start
        start = time.perf_counter()
        with session_scope(db) as s:
            result = build_campaign(s, AS_OF, user="Julien Moreau")
        build = time.perf_counter() - start
        with session_scope(db) as s:
            sample = s.scalars(select(Invoice.id).where(Invoice.settled_on.is_(None))
                               .order_by(Invoice.id).limit(20)).all()
            explain_item(s, sample[0], AS_OF + date.resolution)  # warm the statement cache
            start = time.perf_counter()
            for invoice_id in sample:
                explain_item(s, invoice_id, AS_OF + date.resolution)
            explain = (time.perf_counter() - start) / max(1, len(sample))
            campaign_detail(s, result.campaign_id)
        dialog, model_5000, shown = _dialog_seconds(db, result.campaign_id)
        with session_scope(db) as s:
            if s.scalar(select(AppUser.id).where(AppUser.name == APPROVER)) is None:
                s.add(AppUser(name=APPROVER, role="manager"))
        start = time.perf_counter()
        with session_scope(db) as s:  # renders and stores the text of every line
            approve_campaign(s, result.campaign_id, user=APPROVER)
        approve = time.perf_counter() - start
        db.engine.dispose()
    print(f"campaign bench: {debtors} debtors, {len(open_rows)} open items, "
          f"{result.actions} actions as of {AS_OF}")
    print(f"  baseline (bare open-items query)  {baseline:8.3f} s")
    print(f"  build campaign                    {build:8.3f} s  ratio {build / baseline:6.1f}x"
          f"  target ≤ {TARGET_BUILD_S:.1f} s")
    print(f"  explain one item                  {explain * 1000:8.1f} ms ratio "
          f"{explain / baseline:6.2f}x  target ≤ {TARGET_EXPLAIN_S * 1000:.0f} ms")
    print(f"  validation dialog ({shown} actions)  {dialog:8.3f} s")
    print(f"  {f'approve (stores {result.actions} texts)':34s}{approve:8.3f} s  ratio "
          f"{approve / baseline:6.1f}x  (no target; a background job in the dialog)")
    print(f"  dialog tree, {DIALOG_ACTIONS} actions          {model_5000:8.3f} s"
          f"  target ≤ {TARGET_DIALOG_S:.1f} s")
    ok = build <= TARGET_BUILD_S and explain <= TARGET_EXPLAIN_S and \
        max(dialog, model_5000) <= TARGET_DIALOG_S
    print("  targets met" if ok else "  TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
