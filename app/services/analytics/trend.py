"""Book-level DSO and ADD at many dates at once (the dashboard's 12-month trend).

The same definitions as book_metrics (DOMAIN.md §4), computed from sorted cumulative sums instead
of one full residual pass per date: net AR at t is what was issued by t minus what was allocated
by t (an allocation counts once both its date and its item's issue date are reached), and sales
over any interval are a difference of two cumulative sums. tests/services/analytics/test_trend.py
checks it against book_metrics date by date.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from app.services.analytics.engine import CREDIT_NOTE, INVOICE, PAYMENT, LedgerArrays, day_number
from app.services.analytics.metrics import (
    average_days_delinquent,
    best_possible_dso,
    countback_dso,
    countback_months,
    period_ending,
    simple_dso,
)


@dataclass(frozen=True, slots=True)
class BookPoint:
    as_of: date
    open_cents: int  # net: invoices minus unapplied credits
    invoice_cents: int  # open invoices only (gross)
    current_cents: int
    over_90_cents: int  # open invoices more than 90 days past due
    sales_cents: int
    dso_simple: float | None
    dso_countback: float | None
    bpdso: float | None
    add: float | None


class _Cumulative:
    """Sums of several value columns over keys <= d, for any d, after one sort."""

    def __init__(self, keys: np.ndarray, *values: np.ndarray) -> None:
        order = np.argsort(keys, kind="stable")
        # int64 keys: searching an int32 array for a Python int would copy the array each time
        self.keys = keys[order].astype(np.int64)
        self.sums = [np.concatenate([[0], np.cumsum(v[order], dtype=np.int64)]) for v in values]

    def upto(self, day: int, column: int = 0) -> int:
        return int(self.sums[column][np.searchsorted(self.keys, day, side="right")])

    def between(self, first: int, last: int, column: int = 0) -> int:
        """Sum over first <= key <= last."""
        return self.upto(last, column) - self.upto(first - 1, column)


@dataclass(frozen=True, eq=False)
class _SeriesIndex:
    """What book_series needs for one currency, independent of the date (built once, cached)."""

    by_issue: _Cumulative  # columns: signed amount, invoice amount, sales amount
    by_due: _Cumulative  # invoices by due date: amount
    odd_issue: np.ndarray  # invoices issued after their due date (rare): issue, due, amount
    odd_due: np.ndarray
    odd_amount: np.ndarray
    inv_settled: _Cumulative  # allocations by max(date, invoice issue)
    cnt_settled: _Cumulative  # allocations by max(date, counterpart issue)
    by_due_alloc: _Cumulative  # allocations by their invoice's due date
    late_key: np.ndarray  # allocations sorted by inv key: key, invoice due, amount
    late_due: np.ndarray
    late_amount: np.ndarray


_INDEXES: weakref.WeakKeyDictionary[LedgerArrays, dict[int, _SeriesIndex]] = (
    weakref.WeakKeyDictionary())


def _series_index(arrays: LedgerArrays, cur: int) -> _SeriesIndex:
    cached = _INDEXES.setdefault(arrays, {})
    if cur in cached:
        return cached[cur]
    mine = arrays.item_cur == cur
    kind, amount = arrays.item_kind[mine], arrays.item_amount[mine]
    issue, due = arrays.item_issue[mine], arrays.item_due[mine]
    is_inv = kind == INVOICE
    signed = np.where(is_inv, amount, -amount)
    sales_amount = np.where(kind == PAYMENT, 0, np.where(kind == CREDIT_NOTE, -amount, amount))
    odd = is_inv & (issue > due)
    # what lowers an invoice: allocations and closures of invoices; what lowers a credit:
    # the counterpart side of allocations and closures of credit notes and payments
    in_cur = arrays.item_cur[arrays.alloc_item] == cur
    closed_here = arrays.item_cur[arrays.close_item] == cur
    closes_invoice = arrays.item_kind[arrays.close_item] == INVOICE
    on_inv = closed_here & closes_invoice
    on_cnt = closed_here & ~closes_invoice
    inv_pos = np.concatenate([arrays.alloc_item[in_cur], arrays.close_item[on_inv]])
    inv_amount = np.concatenate([arrays.alloc_amount[in_cur], arrays.close_amount[on_inv]])
    inv_date = np.concatenate([arrays.alloc_date[in_cur], arrays.close_date[on_inv]])
    cnt_pos = np.concatenate([arrays.alloc_counter[in_cur], arrays.close_item[on_cnt]])
    cnt_amount = np.concatenate([arrays.alloc_amount[in_cur], arrays.close_amount[on_cnt]])
    cnt_date = np.concatenate([arrays.alloc_date[in_cur], arrays.close_date[on_cnt]])
    inv_key = np.maximum(inv_date, arrays.item_issue[inv_pos])
    inv_due = arrays.item_due[inv_pos]
    order = np.argsort(inv_key, kind="stable")
    index = _SeriesIndex(
        by_issue=_Cumulative(issue, signed, np.where(is_inv, amount, 0), sales_amount),
        by_due=_Cumulative(due[is_inv], amount[is_inv]),
        odd_issue=issue[odd], odd_due=due[odd], odd_amount=amount[odd],
        inv_settled=_Cumulative(inv_key, inv_amount),
        cnt_settled=_Cumulative(np.maximum(cnt_date, arrays.item_issue[cnt_pos]), cnt_amount),
        by_due_alloc=_Cumulative(inv_due, inv_amount),
        late_key=inv_key[order].astype(np.int64), late_due=inv_due[order],
        late_amount=inv_amount[order],
    )
    cached[cur] = index
    return index


def _open_invoices_due_before(ix: _SeriesIndex, t: int, limit: int) -> int:
    """Residual at t of invoices issued by t and due before `limit` (limit <= t)."""
    issued = ix.by_due.upto(limit - 1)
    issued -= int(ix.odd_amount[(ix.odd_due < limit) & (ix.odd_issue > t)].sum())
    settled = ix.by_due_alloc.upto(limit - 1)
    after = np.searchsorted(ix.late_key, t, side="right")  # allocations not yet made at t
    settled -= int(ix.late_amount[after:][ix.late_due[after:] < limit].sum())
    return issued - settled


def book_series(arrays: LedgerArrays, currency: str, days: Sequence[date],
                period_months: int = 3) -> list[BookPoint]:
    if currency not in arrays.currencies:
        return []
    ix = _series_index(arrays, arrays.currencies.index(currency))
    points = []
    for as_of in days:
        t = day_number(as_of)
        settled = ix.inv_settled.upto(t)
        # each allocation lowers its invoice (+) and its payment / credit note (−) alike
        ar = ix.by_issue.upto(t, 0) - settled + ix.cnt_settled.upto(t)
        invoices = ix.by_issue.upto(t, 1) - settled
        current = invoices - _open_invoices_due_before(ix, t, t)
        over_90 = _open_invoices_due_before(ix, t, t - 90)
        period = period_ending(as_of, period_months)
        s = ix.by_issue.between(day_number(period.start), t, 2)
        months = [(ix.by_issue.between(day_number(m.start), day_number(m.end), 2), m.days)
                  for m in countback_months(as_of)]
        cb = countback_dso(ar, months)
        dso = simple_dso(ar, s, period.days)
        bp = best_possible_dso(current, s, period.days)
        points.append(BookPoint(as_of, ar, invoices, current, over_90, s, dso,
                                None if cb.exceeded else cb.days, bp,
                                average_days_delinquent(dso, bp)))
    return points
