"""The campaign builder's facts as arrays: every open invoice a rule could act on today, one row
per invoice in numpy columns, plus the per-debtor facts as dicts (DOMAIN.md §6).

`facts.load_campaign_facts` builds one Python object per invoice, which `explain` needs for one
debtor; the builder reads 80,000+ invoices on a large ledger and decides on them in bulk
(bulk_decide.py), so it reads them straight off the database cursor into columns.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Company, Debtor, Invoice
from app.services.analytics.ledger_read import day_column
from app.services.collection.facts import _history, _last_touches
from app.services.collection.holds import active_holds
from app.services.collection.plans import PlanInfo, debtor_plan_ids, load_plans
from app.services.collection.promises import broken_promise_items
from app.services.ledger.open_items import allocated_after, cents, late_invoice_cents
from app.services.raw_rows import raw_rows

I64 = npt.NDArray[np.int64]
Bool = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class BulkFacts:
    as_of: date
    plans: dict[int, PlanInfo]
    currencies: tuple[str, ...]  # sorted; `cur` indexes it
    # one entry per open invoice the build may act on (due before the plans' horizon)
    ids: I64
    debtor: I64
    plan: I64
    due: I64  # days since 1970-01-01
    issue: I64
    cur: I64
    residual: I64  # cents, > 0
    received: I64  # highest step position proposed, sent or skipped in the debtor's plan; 0 none
    resume: Bool  # its promise broke after the last step: resume at the next step
    numbers: list[str]
    item_hold: dict[int, str]  # invoice id → hold text
    # per debtor
    plan_of: dict[int, int]
    country: dict[int, str | None]
    language: dict[int, str]
    last_touch: dict[int, date]
    debtor_hold: dict[int, str]


def horizon(plans: dict[int, PlanInfo], as_of: date) -> date:
    """Invoices due on or after this day are reached by no step today: a step's day is its due
    date + offset, and a business-day shift only moves it later."""
    offsets = [st.offset_days for p in plans.values() for st in p.steps]
    return as_of + timedelta(days=max(1, 1 - min(offsets, default=0)))


def _invoice_rows(session: Session, as_of: date, until: date) -> list[tuple[Any, ...]]:
    """(id, debtor, due day, issue day, currency, residual cents, number) of every invoice open
    as of `as_of` and due before `until` — the invoice branches of open_items_query (same
    residual rule, DOMAIN.md §3)."""
    conn = session.connection()
    dialect = conn.dialect.name
    residual: Any = cents(Invoice.open_amount)
    if allocated_after(session, as_of):
        residual = residual + late_invoice_cents(as_of)
    rows: list[tuple[Any, ...]] = []
    for open_then in (Invoice.settled_on.is_(None), Invoice.settled_on > as_of):
        rows += raw_rows(conn, select(
            Invoice.id, Invoice.debtor_id, day_column(Invoice.due_date, dialect),
            day_column(Invoice.issue_date, dialect), Invoice.currency, residual, Invoice.number,
        ).where(Invoice.kind == "invoice", Invoice.issue_date <= as_of,
                Invoice.due_date < until, open_then))
    return [r for r in rows if r[5] > 0]


def load_bulk_facts(session: Session, as_of: date) -> BulkFacts:
    plans = load_plans(session)
    plan_of = debtor_plan_ids(session)
    rows = [r for r in _invoice_rows(session, as_of, horizon(plans, as_of)) if r[1] in plan_of]
    n = len(rows)
    cols = list(zip(*rows, strict=True)) if rows else [()] * 7
    ids = np.fromiter(cols[0], np.int64, n)
    debtor = np.fromiter(cols[1], np.int64, n)
    currencies = tuple(sorted(set(cols[4])))
    code = {c: i for i, c in enumerate(currencies)}
    cur = np.fromiter((code[c] for c in cols[4]), np.int64, n)
    plan = np.fromiter((plan_of[d] for d in cols[1]), np.int64, n)
    received = np.zeros(n, np.int64)
    resume = np.zeros(n, np.bool_)
    history = _history(session, as_of, None)
    broken = broken_promise_items(session)
    if history or broken:
        for k, (item_id, plan_id) in enumerate(zip(ids.tolist(), plan.tolist(), strict=True)):
            pos, last_on = history.get((item_id, plan_id), (0, None))
            received[k] = pos
            broke = broken.get(item_id)
            resume[k] = broke is not None and (last_on is None or last_on < broke)
    holds = active_holds(session, as_of)
    default_language = session.scalar(select(Company.default_language).limit(1)) or "en"
    country: dict[int, str | None] = {}
    language: dict[int, str] = {}
    for d, c, lang in session.execute(select(Debtor.id, Debtor.country, Debtor.language)):
        country[d] = c
        language[d] = lang or default_language
    return BulkFacts(
        as_of=as_of, plans=plans, currencies=currencies,
        ids=ids, debtor=debtor, plan=plan,
        due=np.fromiter(cols[2], np.int64, n), issue=np.fromiter(cols[3], np.int64, n),
        cur=cur, residual=np.fromiter(cols[5], np.int64, n),
        received=received, resume=resume, numbers=list(cols[6]),
        item_hold=dict(holds.items), plan_of=plan_of, country=country, language=language,
        last_touch=_last_touches(session, as_of, None), debtor_hold=dict(holds.debtors),
    )

