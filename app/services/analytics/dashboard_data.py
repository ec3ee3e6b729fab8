"""Everything the dashboard shows for one currency as of a date, computed without Qt: KPI tiles
with their value one period earlier, aged balance per segment or manager, DSO and ADD over the
last 12 month ends, the top overdue debtors and cash collected per month."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

import numpy as np
import pandas as pd

from app.services.analytics.ageing import BUCKETS, aged_cents
from app.services.analytics.book_metrics import method_note
from app.services.analytics.book_state import book_state, groups
from app.services.analytics.engine import PAYMENT, LedgerArrays, day_number
from app.services.analytics.metrics import (
    add_months,
    collection_effectiveness,
    countback_months,
    period_ending,
)
from app.services.analytics.trend import BookPoint, book_series
from app.services.money import from_cents

ChartGroup = Literal["segment", "manager"]
TREND_POINTS = 12
TOP_DEBTORS = 10


@dataclass(frozen=True, slots=True)
class Kpi:
    key: str  # open | overdue | dso | add | cei | over_90
    title: str
    value: Decimal | float | None
    previous: Decimal | float | None
    unit: Literal["money", "days", "percent"]
    better_when: Literal["lower", "higher"]
    note: str  # tooltip: the definition and the period


@dataclass(frozen=True, slots=True)
class AgedBar:
    label: str
    cents: tuple[int, ...]  # one per bucket of ageing.BUCKETS


@dataclass(frozen=True, slots=True)
class TrendPoint:
    month_end: date
    dso_countback: float | None
    add: float | None


@dataclass(frozen=True, slots=True)
class TopDebtor:
    debtor_id: int
    ref: str
    name: str
    overdue_cents: int


@dataclass(frozen=True, slots=True)
class CashMonth:
    month_end: date
    cents: int


@dataclass(frozen=True)
class DashboardData:
    as_of: date
    currency: str | None  # None when the ledger is empty
    currencies: tuple[str, ...]
    group_by: ChartGroup
    kpis: tuple[Kpi, ...]
    aged_bars: tuple[AgedBar, ...]
    trend: tuple[TrendPoint, ...]
    top_debtors: tuple[TopDebtor, ...]
    cash: tuple[CashMonth, ...]
    period_note: str


def _share(part: int, whole: int) -> float | None:
    return part / whole * 100 if whole > 0 else None


def _kpis(arrays: LedgerArrays, as_of: date, currency: str,
          months: int) -> tuple[tuple[Kpi, ...], str]:
    """The tiles now and one period earlier, from four points of the book series."""
    previous_day = add_months(as_of, -months)
    period, earlier = period_ending(as_of, months), period_ending(previous_day, months)
    begin_prev, prev, begin_now, now = book_series(
        arrays, currency, [earlier.day_before, previous_day, period.day_before, as_of], months)

    def cei(begin: BookPoint, end: BookPoint) -> float | None:
        return collection_effectiveness(begin.open_cents, end.sales_cents, end.open_cents,
                                        end.current_cents)

    vs = f"Change against {previous_day.isoformat()}."
    span = f"{period.start.isoformat()} to {period.end.isoformat()}"
    kpis = (
        Kpi("open", "Open balance", from_cents(now.open_cents), from_cents(prev.open_cents),
            "money", "lower",
            f"Invoices minus unapplied credits open on {as_of.isoformat()}. {vs}"),
        Kpi("overdue", "Overdue", from_cents(now.invoice_cents - now.current_cents),
            from_cents(prev.invoice_cents - prev.current_cents), "money", "lower",
            f"Open invoices past their due date. {vs}"),
        Kpi("dso", "DSO (countback)", now.dso_countback, prev.dso_countback, "days", "lower",
            f"Days of sales in AR, walking back calendar months. {vs}"),
        Kpi("add", "Avg days delinquent", now.add, prev.add, "days", "lower",
            f"Simple DSO minus best possible DSO over {span}. {vs}"),
        Kpi("cei", "Collection effectiveness", cei(begin_now, now), cei(begin_prev, prev),
            "percent", "higher", f"Share of collectable AR collected over {span}. {vs}"),
        Kpi("over_90", "Over 90 days", _share(now.over_90_cents, now.invoice_cents),
            _share(prev.over_90_cents, prev.invoice_cents), "percent", "lower",
            f"Share of open invoices more than 90 days past due. {vs}"),
    )
    return kpis, method_note(period)


def _aged_bars(arrays: LedgerArrays, by_debtor: pd.DataFrame,
               by: ChartGroup) -> tuple[AgedBar, ...]:
    """Per segment or manager, summed from the per-debtor aged lines (one pass over items)."""
    grouping = groups(arrays, by)
    codes = grouping.debtor_code[by_debtor["group"].to_numpy()]
    summed = by_debtor[list(BUCKETS)].groupby(codes).sum()
    bars = [AgedBar(grouping.labels[int(g)], tuple(int(v) for v in vals))
            for g, vals in zip(summed.index.tolist(), summed.to_numpy().tolist(), strict=True)]
    return tuple(sorted(bars, key=lambda b: -sum(b.cents)))


def _top_debtors(arrays: LedgerArrays, by_debtor: pd.DataFrame) -> tuple[TopDebtor, ...]:
    overdue = by_debtor[list(BUCKETS[1:])].sum(axis=1)
    frame = by_debtor.assign(overdue=overdue)
    frame = frame[frame["overdue"] > 0].nlargest(TOP_DEBTORS, "overdue")
    return tuple(
        TopDebtor(int(arrays.debtor_id[g]), str(arrays.debtor_ref[g]),
                  str(arrays.debtor_name[g]), int(o))
        for g, o in zip(frame["group"].tolist(), frame["overdue"].tolist(), strict=True)
    )


def _cash(arrays: LedgerArrays, as_of: date, cur: int) -> tuple[CashMonth, ...]:
    months = list(reversed(countback_months(as_of, TREND_POINTS)))
    is_cash = (arrays.item_kind == PAYMENT) & (arrays.item_cur == cur)
    dates = arrays.item_issue[is_cash]
    amounts = arrays.item_amount[is_cash]
    out = []
    for m in months:
        inside = (dates >= day_number(m.start)) & (dates <= day_number(m.end))
        out.append(CashMonth(m.end, int(amounts[inside].sum())))
    return tuple(out)


def _trend(arrays: LedgerArrays, as_of: date, currency: str,
           months: int) -> tuple[TrendPoint, ...]:
    days = [add_months(as_of, -k) for k in range(TREND_POINTS - 1, -1, -1)]
    return tuple(TrendPoint(p.as_of, p.dso_countback, p.add)
                 for p in book_series(arrays, currency, days, months))


def dashboard_data(arrays: LedgerArrays, as_of: date, *, currency: str | None = None,
                   group_by: ChartGroup = "segment", period_months: int = 3) -> DashboardData:
    """The dashboard's figures in `currency` (default: the currency with the most open AR)."""
    currencies = arrays.currencies
    if currency not in currencies:
        currency = _largest_currency(arrays, as_of)
    if currency is None:
        return DashboardData(as_of, None, currencies, group_by, (), (), (), (), (), "")
    cur = currencies.index(currency)
    aged = aged_cents(book_state(arrays, as_of), groups(arrays, "debtor"))
    by_debtor = aged[aged["currency"] == currency]
    kpis, note = _kpis(arrays, as_of, currency, period_months)
    return DashboardData(
        as_of=as_of, currency=currency, currencies=currencies, group_by=group_by, kpis=kpis,
        aged_bars=_aged_bars(arrays, by_debtor, group_by),
        trend=_trend(arrays, as_of, currency, period_months),
        top_debtors=_top_debtors(arrays, by_debtor),
        cash=_cash(arrays, as_of, cur), period_note=note,
    )


def prepare(arrays: LedgerArrays) -> LedgerArrays:
    """Build the date-independent indexes the dashboard reads (run with the ledger load, in the
    background, so that opening the dashboard and changing its date stay fast)."""
    for currency in arrays.currencies:
        book_series(arrays, currency, [])
    return arrays


def _largest_currency(arrays: LedgerArrays, as_of: date) -> str | None:
    if not arrays.currencies:
        return None
    state = book_state(arrays, as_of)
    totals = np.bincount(arrays.item_cur, weights=np.abs(state.signed).astype(np.float64),
                         minlength=len(arrays.currencies))
    return arrays.currencies[int(np.argmax(totals))]


def money(cents: int) -> Decimal:
    return from_cents(cents)
