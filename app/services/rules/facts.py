"""Debtor facts for rules (DOMAIN.md §7), computed in bulk for every debtor as of a date.

One row per debtor, indexed by debtor id. Money facts are integer cents in the debtor's main
currency (`currency`: its credit-limit currency when it has open items or sales in it, else the
currency of its largest open balance) — amounts of different currencies are never added, so a
rule on "overdue above 10,000 EUR" only matches debtors whose main currency is EUR. Ledger figures
come from the analytics arrays (the same functions as `collecta report debtor`); the rest from a
handful of grouped queries, never one query per debtor.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import String, cast, func, select
from sqlalchemy.orm import Session

from app.models import AppUser, Debtor, Dispute, Hold, Promise, ReminderPlan
from app.services.analytics.book_metrics import _monthly_sales  # the dashboard's own sums
from app.services.analytics.book_state import book_state, group_currency_keys, groups, sum_by
from app.services.analytics.debtor_behaviour import _settled_frame
from app.services.analytics.engine import INVOICE, LedgerArrays
from app.services.analytics.metrics import countback_months
from app.services.collection.facts import _last_touches  # the campaign's own "last touch"
from app.services.collection.plans import debtor_plan_ids
from app.services.ledger.open_items import cents
from app.services.risk.assessments import LATEST_COLUMNS, latest_assessments

OPEN_DISPUTE_STATUSES = ("open", "in_progress")


@dataclass(frozen=True, slots=True)
class FactSpec:
    key: str
    label: str
    kind: str  # amount | number | days | count | percent | choice | text | tags
    help: str
    currency_column: str = "currency"  # amounts: the column that holds their currency


FACTS: tuple[FactSpec, ...] = (
    FactSpec("open_balance", "Open balance", "amount", "open items net of credits"),
    FactSpec("overdue_balance", "Overdue balance", "amount", "invoices past their due date"),
    FactSpec("credit_limit", "Credit limit", "amount", "the authorised credit limit",
             "credit_limit_currency"),
    FactSpec("max_dpd", "Max days past due", "days", "oldest open invoice, days past due"),
    FactSpec("dso", "DSO", "number", "the debtor's own countback DSO, 3-month period"),
    FactSpec("avg_days_late", "Average days late", "number",
             "amount-weighted, invoices paid in the last 12 months"),
    FactSpec("open_disputes", "Open disputes", "count", "disputes open or in progress"),
    FactSpec("broken_promises_12m", "Broken promises (12 months)", "count",
             "promises found broken in the last 12 months"),
    FactSpec("broken_promises_90d", "Broken promises (90 days)", "count",
             "promises found broken in the last 90 days"),
    FactSpec("exposure_ratio", "Exposure / credit limit", "percent",
             "open balance as a % of the credit limit (same currency only)"),
    FactSpec("external_score", "Insurer score", "number",
             "the credit insurer's latest score on or before the date"),
    FactSpec("external_limit", "Insurer limit", "amount",
             "the credit insurer's latest limit, in its own currency", "external_limit_currency"),
    FactSpec("insurer_exposure_ratio", "Exposure / insurer limit", "percent",
             "open balance as a % of the insurer's limit (same currency only)"),
    FactSpec("days_since_touch", "Days since last touch", "days",
             "since the last email, SMS, letter or call"),
    FactSpec("segment", "Segment", "choice", "the debtor's segment"),
    FactSpec("country", "Country", "choice", "ISO country code"),
    FactSpec("plan", "Reminder plan", "choice", "the plan the debtor follows now"),
    FactSpec("account_manager", "Account manager", "choice", "the user in charge"),
    FactSpec("tags", "Tags", "tags", "the debtor's tags"),
)
FACT_BY_KEY = {f.key: f for f in FACTS}
MONEY_FACTS = tuple(f.key for f in FACTS if f.kind == "amount")


def countback_days(ar: np.ndarray, monthly: np.ndarray, month_days: np.ndarray) -> np.ndarray:
    """`metrics.countback_dso` for many rows at once (newest month first); NaN where the AR
    exceeds the months given. Same walk: stop before a month once nothing remains, or in a month
    whose sales exceed what remains (that month counts remaining / sales × days)."""
    n, months = monthly.shape
    cum = np.cumsum(monthly, axis=1)
    before = np.hstack([np.zeros((n, 1), dtype=cum.dtype), cum[:, :-1]])
    remaining = ar[:, None] - before  # what remains when reaching each month
    done = remaining <= 0
    partial = cum > ar[:, None]
    stop = done | partial
    has_stop = stop.any(axis=1)
    k = np.where(has_stop, stop.argmax(axis=1), months)
    full_days = np.concatenate([[0], np.cumsum(month_days)])[k]
    rows = np.arange(n)
    kk = np.minimum(k, months - 1)
    in_part = has_stop & ~done[rows, kk] & partial[rows, kk]
    sales_k = monthly[rows, kk].astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        extra = np.where(in_part, remaining[rows, kk] / sales_k * month_days[kk], 0.0)
    days = full_days + extra
    exceeded = ~has_stop & (ar - cum[:, -1] > 0)
    return np.where(exceeded, np.nan, days)


def _ledger_frame(arrays: LedgerArrays, as_of: date) -> pd.DataFrame:
    """Per (debtor position, currency code) with AR or sales: open, overdue, countback DSO
    (DOMAIN.md §4, 3-month period as in `collecta report debtor`) and weighted days late."""
    end = book_state(arrays, as_of)
    grouping = groups(arrays, "debtor")
    keys, size = group_currency_keys(end, grouping)
    everything = np.ones(arrays.item_count, dtype=bool)
    not_due = arrays.item_due.astype(np.int64) >= end.day
    inv_open = end.is_invoice & (end.residual != 0)
    ar = sum_by(keys, end.signed, everything, size)
    overdue = sum_by(keys, end.residual, inv_open & ~not_due, size)
    monthly = _monthly_sales(end, keys, size)
    present = (np.bincount(keys, minlength=size) > 0) & ((ar != 0) | (monthly.any(axis=1)))
    k = np.flatnonzero(present)
    month_days = np.array([m.days for m in countback_months(as_of)], dtype=np.float64)
    ncur = max(len(arrays.currencies), 1)
    frame = pd.DataFrame({
        "pos": k // ncur, "cur": k % ncur, "open_balance": ar[k].astype(np.float64),
        "overdue_balance": overdue[k].astype(np.float64),
        "dso": countback_days(ar[k], monthly[k], month_days),
    })
    settled = _settled_frame(arrays, as_of)
    late = settled.groupby(["debtor", "cur"], sort=False)[["amount", "late_w"]].sum()
    late["avg_days_late"] = late["late_w"] / late["amount"]
    late.index = late.index.set_names(["pos", "cur"])
    return frame.merge(late[["avg_days_late"]].reset_index(), on=["pos", "cur"], how="outer")


def _max_dpd(arrays: LedgerArrays, as_of: date) -> np.ndarray:
    state = book_state(arrays, as_of)
    open_inv = (arrays.item_kind == INVOICE) & (state.residual > 0)
    dpd = np.full(arrays.debtor_id.size, -1, dtype=np.int64)
    np.maximum.at(dpd, arrays.item_debtor[open_inv],
                  state.day - arrays.item_due[open_inv].astype(np.int64))
    return np.where(dpd >= 0, dpd, 0)


def _counts(session: Session, statement: object) -> dict[int, int]:
    return {int(k): int(v) for k, v in session.execute(statement)}  # type: ignore[call-overload]


def _insurer_facts(session: Session, facts: pd.DataFrame, as_of: date) -> None:
    """The latest insurer assessment's columns (one query) and the exposure against its limit,
    compared only when the limit is in the debtor's main currency (never converted)."""
    latest = latest_assessments(session, as_of)
    for col in LATEST_COLUMNS:
        facts[col] = latest[col].reindex(facts.index)
    same = facts["currency"] == facts["external_limit_currency"]
    limit = facts["external_limit"].where(same & (facts["external_limit"] > 0))
    facts["insurer_exposure_ratio"] = facts["open_balance"] / limit * 100


def debtor_facts(session: Session, arrays: LedgerArrays, as_of: date) -> pd.DataFrame:
    """Every debtor's facts as of `as_of` (DOMAIN.md §7), one row per debtor id."""
    # Core columns, tags as text, the limit in cents: no ORM rows, no JSON decoding of the
    # (mostly empty) tag lists one by one.
    people = session.execute(
        select(Debtor.id, Debtor.name, Debtor.segment, Debtor.country,
               cast(Debtor.tags, String), cents(Debtor.credit_limit),
               Debtor.credit_limit_currency, AppUser.name)
        .outerjoin(AppUser, AppUser.id == Debtor.account_manager_id).order_by(Debtor.id)
    ).all()
    columns = list(zip(*people, strict=True)) if people else [()] * 8
    facts = pd.DataFrame({
        "name": columns[1], "segment": columns[2], "country": columns[3],
        "tags": [() if not t or t in ("[]", "null") else tuple(json.loads(t))
                 for t in columns[4]],
        "limit_cur": columns[6],
        "credit_limit": np.array([np.nan if c is None else c for c in columns[5]],
                                 dtype=np.float64),
        "account_manager": columns[7],
    }, index=pd.Index(np.array(columns[0], dtype=np.int64), name="debtor_id"))
    ledger = _ledger_frame(arrays, as_of)
    ledger["debtor_id"] = arrays.debtor_id[ledger["pos"].to_numpy()]
    ledger["currency"] = np.array(arrays.currencies, dtype=object)[ledger["cur"].to_numpy()]
    limit_cur = facts["limit_cur"].reindex(ledger["debtor_id"]).to_numpy()
    ledger["rank"] = np.where(ledger["currency"].to_numpy() == limit_cur, 1, 0)
    ledger["size"] = ledger["open_balance"].fillna(0).abs()
    main = (ledger.sort_values(["debtor_id", "rank", "size"], ascending=[True, False, False])
            .drop_duplicates("debtor_id").set_index("debtor_id"))
    for col in ("open_balance", "overdue_balance", "dso", "avg_days_late", "currency"):
        facts[col] = main[col].reindex(facts.index)
    facts["currency"] = facts["currency"].where(facts["currency"].notna(), facts["limit_cur"])
    facts["open_balance"] = facts["open_balance"].fillna(0.0)
    facts["overdue_balance"] = facts["overdue_balance"].fillna(0.0)
    same = facts["currency"] == facts["limit_cur"]
    limit = facts["credit_limit"].where(same & (facts["credit_limit"] > 0))
    facts["exposure_ratio"] = facts["open_balance"] / limit * 100
    _insurer_facts(session, facts, as_of)
    dpd = pd.Series(_max_dpd(arrays, as_of), index=arrays.debtor_id)
    facts["max_dpd"] = dpd.reindex(facts.index).fillna(0).astype(np.int64)
    facts["open_disputes"] = pd.Series(_counts(session, (
        select(Hold.debtor_id, func.count()).join(Dispute, Dispute.hold_id == Hold.id)
        .where(Dispute.status.in_(OPEN_DISPUTE_STATUSES), Hold.start_date <= as_of)
        .group_by(Hold.debtor_id))), dtype=np.int64).reindex(facts.index).fillna(0).astype(int)
    for key, days in (("broken_promises_12m", 365), ("broken_promises_90d", 90)):
        facts[key] = pd.Series(_counts(session, (
            select(Hold.debtor_id, func.count()).join(Promise, Promise.hold_id == Hold.id)
            .where(Promise.status == "broken", Promise.closed_on > as_of - timedelta(days=days),
                   Promise.closed_on <= as_of)
            .group_by(Hold.debtor_id))), dtype=np.int64).reindex(facts.index).fillna(0).astype(int)
    touched = _last_touches(session, as_of, None)
    facts["days_since_touch"] = pd.Series(
        {k: (as_of - v).days for k, v in touched.items()}, dtype=np.float64
    ).reindex(facts.index)
    plan_names = dict(session.execute(select(ReminderPlan.id, ReminderPlan.name)).all())
    facts["plan"] = pd.Series({k: plan_names.get(v) for k, v in debtor_plan_ids(session).items()},
                              dtype=object).reindex(facts.index)
    return facts.rename(columns={"limit_cur": "credit_limit_currency"})


__all__ = ["FACTS", "FACT_BY_KEY", "MONEY_FACTS", "FactSpec", "debtor_facts"]
