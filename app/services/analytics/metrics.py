"""The formulas of DOMAIN.md §4 as pure functions over cents and days, and the period calendar.

Kept free of arrays and sessions so each worked example of DOMAIN.md is a one-line test.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

COUNTBACK_MAX_MONTHS = 24


def add_months(value: date, months: int) -> date:
    """`value` moved by whole months; a month end stays a month end (04-30 − 1 → 03-31,
    03-31 − 1 → 02-29), so at a month end the rolling months are calendar months."""
    index = value.year * 12 + value.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    at_month_end = value.day == calendar.monthrange(value.year, value.month)[1]
    return date(year, month + 1, last if at_month_end else min(value.day, last))


@dataclass(frozen=True, slots=True)
class Period:
    """The N months ending on as_of, as_of included (2024-03-31, 3 → 2024-01-01 … 2024-03-31)."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def day_before(self) -> date:
        return self.start - timedelta(days=1)


def period_ending(as_of: date, months: int) -> Period:
    return Period(add_months(as_of, -months) + timedelta(days=1), as_of)


def countback_months(as_of: date, count: int = COUNTBACK_MAX_MONTHS) -> list[Period]:
    """Rolling months back from as_of: month k = (as_of − k months, as_of − (k−1) months]."""
    return [Period(add_months(as_of, -k) + timedelta(days=1), add_months(as_of, -(k - 1)))
            for k in range(1, count + 1)]


def simple_dso(ar: int, sales: int, days: int) -> float | None:
    """AR_end / credit_sales × days_in_period; None without sales in the period."""
    if sales <= 0:
        return None
    return ar / sales * days


def best_possible_dso(current_ar: int, sales: int, days: int) -> float | None:
    """BPDSO: simple DSO with the current (not yet due) AR as numerator."""
    return simple_dso(current_ar, sales, days)


def average_days_delinquent(dso: float | None, bpdso: float | None) -> float | None:
    """ADD = simple DSO − BPDSO over the same period."""
    if dso is None or bpdso is None:
        return None
    return dso - bpdso


@dataclass(frozen=True, slots=True)
class Countback:
    days: float
    exceeded: bool  # AR not used up by COUNTBACK_MAX_MONTHS months of sales


def countback_dso(ar: int, months: Sequence[tuple[int, int]]) -> Countback:
    """Walk back month by month over (sales, calendar days), newest first: while the remaining AR
    covers the month's sales, subtract them and add the month's days; the last month counts
    remaining / sales × days (DOMAIN.md §4)."""
    remaining = ar
    days = 0.0
    for sales, month_days in months:
        if remaining <= 0:
            return Countback(days, False)
        if remaining >= sales:
            remaining -= sales
            days += month_days
            continue
        return Countback(days + remaining / sales * month_days, False)
    return Countback(days, remaining > 0)


def collection_effectiveness(ar_begin: int, sales: int, ar_end: int,
                             ar_end_current: int) -> float | None:
    """CEI = (AR_begin + sales − AR_end) / (AR_begin + sales − AR_end_current) × 100."""
    collectable = ar_begin + sales - ar_end_current
    if collectable <= 0:
        return None
    return (ar_begin + sales - ar_end) / collectable * 100


@dataclass(frozen=True, slots=True)
class DaysAverages:
    simple: float | None
    weighted: float | None


def average_days(days: Sequence[int], amounts: Sequence[int]) -> DaysAverages:
    """Simple mean and amount-weighted mean of days (days to pay, days late)."""
    if not days:
        return DaysAverages(None, None)
    total = sum(amounts)
    weighted = sum(d * a for d, a in zip(days, amounts, strict=True)) / total if total else None
    return DaysAverages(sum(days) / len(days), weighted)


def rounded(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)
