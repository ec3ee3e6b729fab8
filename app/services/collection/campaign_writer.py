"""Writes a campaign's actions, their items and the step history in bulk: a 20,000-debtor build
writes hundreds of thousands of rows, so they bypass the ORM and SQLAlchemy's per-row type
handling — raw `executemany` on SQLite, `COPY` on PostgreSQL (as app/services/demo_bulk.py does).
Action ids are reserved up front (the build holds the write lock: SQLite's, or the advisory lock
and the sequence on PostgreSQL). Unique (item, step) in step_history still refuses a second
proposal (§6.4): a violation becomes an IntegrityError like any other insert's.

Catch-up (§6.2): the lower steps a proposal skips are recorded on the proposal's own history row
(`skipped_step_ids`), not one row each — a first build on an old ledger skips ~190,000 steps.
They are never sent later: an item's next step is above the highest step it has a row for.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from app.services.collection.bulk_decide import ActionRow
from app.services.raw_rows import raw_insert

ACTION_COLUMNS = ("id", "campaign_id", "debtor_id", "plan_id", "step_id", "currency", "channels",
                  "language", "total", "explanation", "preview", "excluded")
ITEM_COLUMNS = ("action_id", "invoice_id", "step_id", "residual", "days_late")
HISTORY_COLUMNS = ("invoice_id", "step_id", "debtor_id", "outcome", "on", "campaign_id",
                   "action_id", "skipped_step_ids")


class CampaignWriter:
    def __init__(self, session: Session, campaign_id: int, as_of: date):
        self.session = session
        self.campaign_id = campaign_id
        self.as_of = as_of
        self.actions = 0
        self.skipped = 0
        self._pending: list[ActionRow] = []

    def add(self, row: ActionRow) -> None:
        self._pending.append(row)
        self.actions += 1

    def uses(self) -> set[tuple[str, str, str]]:
        """(template key, channel, language) of every pending action."""
        return {(r.step.template_key, channel, r.language)
                for r in self._pending for channel in r.step.channels}

    def summary(self) -> tuple[frozenset[int], dict[str, Decimal]]:
        """The debtors and the totals per currency of the pending actions."""
        totals: dict[str, int] = {}
        for r in self._pending:
            totals[r.currency] = totals.get(r.currency, 0) + r.total_cents
        return (frozenset(r.debtor_id for r in self._pending),
                {c: Decimal(v).scaleb(-2) for c, v in sorted(totals.items())})

    def flush(self) -> None:
        if not self._pending:
            return
        conn = self.session.connection()
        sqlite = conn.dialect.name == "sqlite"
        money = _sqlite_money if sqlite else _decimal_money
        ids = self._reserve_ids(len(self._pending), sqlite)
        day: Any = self.as_of.isoformat() if sqlite else self.as_of
        no: Any = 0 if sqlite else False
        actions: list[tuple[Any, ...]] = []
        items: list[tuple[Any, ...]] = []
        history: list[tuple[Any, ...]] = []
        encoded: dict[tuple[int, ...], str] = {}
        channels: dict[int, str] = {}
        cid = self.campaign_id
        for action_id, r in zip(ids, self._pending, strict=True):
            step_id = r.step.step_id
            if step_id not in channels:
                channels[step_id] = json.dumps(list(r.step.channels))
            actions.append((action_id, cid, r.debtor_id, r.plan_id, step_id, r.currency,
                            channels[step_id], r.language, money(r.total_cents),
                            r.explanation, None, no))
            for item_id, item_step, cents, late, skipped_ids in r.due:
                items.append((action_id, item_id, item_step, money(cents), late))
                skipped = None
                if skipped_ids:  # a handful of distinct lists: encode each once
                    skipped = encoded.get(skipped_ids) or encoded.setdefault(
                        skipped_ids, json.dumps(list(skipped_ids)))
                    self.skipped += len(skipped_ids)
                history.append((item_id, item_step, r.debtor_id, "proposed", day, cid,
                                action_id, skipped))
            for item_id, cents, late in r.listed:
                items.append((action_id, item_id, None, money(cents), late))
        if sqlite:  # a larger page cache for the load: the indexes and foreign keys it checks
            before = conn.exec_driver_sql("PRAGMA cache_size").scalar()
            conn.exec_driver_sql("PRAGMA cache_size=-131072")  # 128 MiB
        try:
            raw_insert(conn, "campaign_action", ACTION_COLUMNS, actions)
            raw_insert(conn, "campaign_action_item", ITEM_COLUMNS, items)
            raw_insert(conn, "step_history", HISTORY_COLUMNS, history)
        finally:
            if sqlite:
                conn.exec_driver_sql(f"PRAGMA cache_size={int(before or -2000)}")
        self._pending.clear()

    def _reserve_ids(self, count: int, sqlite: bool) -> list[int]:
        conn = self.session.connection()
        if sqlite:
            top = conn.execute(text("SELECT COALESCE(MAX(id), 0) FROM campaign_action")).scalar()
            return list(range(int(top or 0) + 1, int(top or 0) + 1 + count))
        return list(conn.execute(text(
            "SELECT nextval(pg_get_serial_sequence('campaign_action', 'id')) "
            "FROM generate_series(1, :n)"), {"n": count}).scalars())


def _sqlite_money(cents: int) -> float:
    """SQLite stores NUMERIC money as a float (as SQLAlchemy's Numeric does): cents / 100 is the
    double nearest to the decimal amount, the same one float("12.34") gives."""
    return cents / 100


def _decimal_money(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)
