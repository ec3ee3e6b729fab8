"""Late-payment interest and the fixed recovery indemnity (DOMAIN.md §5).

- FR (Code de commerce L441-10, D441-5): ECB rate + 10 points; the rate of 1 January for the first
  half-year, of 1 July for the second; a delay spanning both is split at 1 July; days/365;
  €40 per late invoice.
- EU (directive 2011/7/EU): the same semester reference rate + 8 points, split the same way; €40.
- UK (Late Payment of Commercial Debts (Interest) Act 1998): Bank of England rate + 8 points,
  fixed for the whole debt by the reference date (31 December for interest starting 1 Jan–30 Jun,
  30 June for 1 Jul–31 Dec); £40 under £1,000, £70 under £10,000, £100 from £10,000.
Interest is simple, accrues from the day after the due date, and is never written to the ledger.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from app.services.collection.rates import BOE_BANK_RATE, ECB_MRO, RateTable, rate_table
from app.services.money import quantize

REGIMES = ("fr", "eu", "uk")


@dataclass(frozen=True, slots=True)
class InterestPeriod:
    start: date  # first day of interest
    end: date  # last day of interest (inclusive)
    rate_percent: Decimal

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


@dataclass(frozen=True, slots=True)
class LateCharges:
    regime: str
    currency: str
    principal: Decimal
    days_late: int
    periods: tuple[InterestPeriod, ...]
    interest: Decimal
    indemnity: Decimal

    @property
    def rate_text(self) -> str:
        return " / ".join(f"{p.rate_percent:.2f} %" for p in self.periods) or "–"


def regime_for(country: str | None) -> str:
    """FR for France, UK for Great Britain, the EU directive elsewhere."""
    c = (country or "FR").upper()
    if c == "FR":
        return "fr"
    if c in ("GB", "UK"):
        return "uk"
    return "eu"


def _semester_start(day: date) -> date:
    return date(day.year, 1 if day.month <= 6 else 7, 1)


def _next_semester(day: date) -> date:
    return date(day.year, 7, 1) if day.month <= 6 else date(day.year + 1, 1, 1)


def _semester_periods(first: date, last: date, table: RateTable, margin: Decimal
                      ) -> list[InterestPeriod]:
    out = []
    start = first
    while start <= last:
        end = min(last, _next_semester(start) - timedelta(days=1))
        out.append(InterestPeriod(start, end, table.rate_on(_semester_start(start)) + margin))
        start = end + timedelta(days=1)
    return out


def uk_fixed_sum(principal: Decimal) -> Decimal:
    if principal < 1000:
        return Decimal("40.00")
    if principal < 10000:
        return Decimal("70.00")
    return Decimal("100.00")


def late_charges(
    principal: Decimal,
    currency: str,
    due_date: date,
    until: date,
    regime: str = "fr",
    *,
    ecb: RateTable | None = None,
    boe: RateTable | None = None,
) -> LateCharges:
    """Interest on `principal` from the day after `due_date` to `until` (payment or as_of)."""
    days = max(0, (until - due_date).days)
    if days == 0:
        return LateCharges(regime, currency, principal, 0, (), Decimal("0.00"), Decimal("0.00"))
    first = due_date + timedelta(days=1)
    if regime == "uk":
        table = boe or rate_table(BOE_BANK_RATE)
        ref = date(first.year - 1, 12, 31) if first.month <= 6 else date(first.year, 6, 30)
        periods = [InterestPeriod(first, until, table.rate_on(ref) + 8)]
        indemnity = uk_fixed_sum(principal)
    elif regime in ("fr", "eu"):
        margin = Decimal(10 if regime == "fr" else 8)
        periods = _semester_periods(first, until, ecb or rate_table(ECB_MRO), margin)
        indemnity = Decimal("40.00")
    else:
        raise ValueError(f"unknown late-payment regime {regime!r}")
    interest = sum(
        (principal * p.rate_percent / 100 * p.days / 365 for p in periods), Decimal("0")
    )
    return LateCharges(regime, currency, principal, days, tuple(periods), quantize(interest),
                       indemnity)
