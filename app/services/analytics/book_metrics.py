"""DSO (simple, countback), BPDSO, ADD and CEI (DOMAIN.md §4) for the whole book, per segment,
per account manager or per debtor, one result per currency, each stating its period and method."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import numpy as np

from app.services.analytics.book_state import (
    BookState,
    GroupBy,
    book_state,
    group_currency_keys,
    groups,
    sum_by,
)
from app.services.analytics.engine import CREDIT_NOTE, INVOICE, LedgerArrays, day_number
from app.services.analytics.metrics import (
    COUNTBACK_MAX_MONTHS,
    Period,
    average_days_delinquent,
    best_possible_dso,
    collection_effectiveness,
    countback_dso,
    countback_months,
    period_ending,
    simple_dso,
)
from app.services.money import from_cents

DEFAULT_PERIOD_MONTHS = 3


def method_note(period: Period) -> str:
    return (
        f"Period {period.start.isoformat()} to {period.end.isoformat()} ({period.days} days). "
        "Credit sales = invoices minus credit notes issued in the period. DSO simple = AR / "
        "credit sales x days; DSO countback walks back calendar months of sales (at most "
        f"{COUNTBACK_MAX_MONTHS}); BPDSO uses the not-yet-due AR; ADD = DSO - BPDSO; CEI = "
        "(AR begin + sales - AR end) / (AR begin + sales - current AR end) x 100."
    )


@dataclass(frozen=True, slots=True)
class MetricsRow:
    scope: GroupBy
    key: str
    name: str
    debtor_id: int | None
    currency: str
    period_start: date
    period_end: date
    period_days: int
    open_total: Decimal
    overdue_total: Decimal
    current_total: Decimal
    credit_sales: Decimal
    ar_begin: Decimal
    dso_simple: float | None
    dso_countback: float | None  # None when AR exceeds 24 months of sales
    countback_exceeded: bool
    bpdso: float | None
    add: float | None
    cei: float | None
    method: str


def _sales_in(state: BookState, keys: np.ndarray, size: int, first: int, last: int) -> np.ndarray:
    a = state.arrays
    issued = (a.item_issue >= first) & (a.item_issue <= last) & (a.item_kind != 2)
    signed_amount = np.where(a.item_kind == CREDIT_NOTE, -a.item_amount, a.item_amount)
    return sum_by(keys, signed_amount, issued, size)


def _monthly_sales(state: BookState, keys: np.ndarray, size: int) -> np.ndarray:
    """Sales per key and countback month: shape (size, 24), newest month first."""
    a = state.arrays
    months = countback_months(state.as_of)
    starts = np.array([day_number(m.start) for m in reversed(months)], dtype=np.int64)
    issue = a.item_issue.astype(np.int64)
    inside = (issue >= starts[0]) & (issue <= state.day) & (a.item_kind != 2)
    newest_first = len(months) - np.searchsorted(starts, issue, side="right")
    flat = keys * len(months) + np.clip(newest_first, 0, len(months) - 1)
    signed_amount = np.where(a.item_kind == CREDIT_NOTE, -a.item_amount, a.item_amount)
    totals = sum_by(flat, signed_amount, inside, size * len(months))
    return totals.reshape(size, len(months))


def metrics_table(arrays: LedgerArrays, as_of: date, *, by: GroupBy = "book",
                  period_months: int = DEFAULT_PERIOD_MONTHS,
                  end_state: BookState | None = None) -> list[MetricsRow]:
    """One MetricsRow per (group, currency) that has AR or sales, sorted by currency then key.
    `end_state` may pass the book_state of as_of when the caller already has it."""
    period = period_ending(as_of, period_months)
    end = end_state if end_state is not None and end_state.as_of == as_of else book_state(
        arrays, as_of)
    begin = book_state(arrays, period.day_before)
    grouping = groups(arrays, by)
    keys, size = group_currency_keys(end, grouping)
    everything = np.ones(arrays.item_count, dtype=bool)
    inv_open = end.is_invoice & (end.residual != 0)
    not_due = arrays.item_due.astype(np.int64) >= end.day
    ar_end = sum_by(keys, end.signed, everything, size)
    ar_begin = sum_by(keys, begin.signed, everything, size)
    current = sum_by(keys, end.residual, inv_open & not_due, size)
    overdue = sum_by(keys, end.residual, inv_open & ~not_due, size)
    sales = _sales_in(end, keys, size, day_number(period.start), end.day)
    monthly = _monthly_sales(end, keys, size)
    month_days = [m.days for m in countback_months(as_of)]
    present = np.bincount(keys, minlength=size) > 0
    ncur = max(len(arrays.currencies), 1)
    rows: list[MetricsRow] = []
    note = method_note(period)
    for k in np.flatnonzero(present & ((ar_end != 0) | (sales != 0) | (ar_begin != 0))):
        g, c = divmod(int(k), ncur)
        ar, cur_ar, s = int(ar_end[k]), int(current[k]), int(sales[k])
        dso = simple_dso(ar, s, period.days)
        bp = best_possible_dso(cur_ar, s, period.days)
        cb = countback_dso(ar, list(zip(monthly[k].tolist(), month_days, strict=True)))
        key = grouping.labels[g]
        rows.append(MetricsRow(
            scope=by, key=key, name=str(arrays.debtor_name[g]) if by == "debtor" else key,
            debtor_id=grouping.debtor_ids[g], currency=arrays.currencies[c],
            period_start=period.start, period_end=period.end, period_days=period.days,
            open_total=from_cents(ar), overdue_total=from_cents(int(overdue[k])),
            current_total=from_cents(cur_ar), credit_sales=from_cents(s),
            ar_begin=from_cents(int(ar_begin[k])), dso_simple=dso,
            dso_countback=None if cb.exceeded else cb.days, countback_exceeded=cb.exceeded,
            bpdso=bp, add=average_days_delinquent(dso, bp),
            cei=collection_effectiveness(int(ar_begin[k]), s, ar, cur_ar), method=note,
        ))
    rows.sort(key=lambda r: (r.currency, r.key))
    return rows


def book_metrics(arrays: LedgerArrays, as_of: date,
                 period_months: int = DEFAULT_PERIOD_MONTHS,
                 end_state: BookState | None = None) -> dict[str, MetricsRow]:
    """The whole book's metrics per currency code."""
    return {r.currency: r for r in metrics_table(arrays, as_of, by="book",
                                                 period_months=period_months,
                                                 end_state=end_state)}


__all__ = ["INVOICE", "MetricsRow", "book_metrics", "metrics_table", "method_note"]
