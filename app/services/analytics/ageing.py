"""Aged trial balance (DOMAIN.md §3): open invoices in buckets of days past due, credits in their
own column and netted in the total, per debtor, segment or manager, totals per currency."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

import numpy as np
import pandas as pd

from app.services.analytics.book_state import (
    BookState,
    GroupBy,
    Groups,
    book_state,
    group_currency_keys,
    groups,
    sum_by,
)
from app.services.analytics.engine import LedgerArrays
from app.services.money import from_cents

Basis = Literal["due", "invoice"]
BUCKETS = ("current", "d1_30", "d31_60", "d61_90", "d91_plus")
BUCKET_LABELS = {"current": "Current", "d1_30": "1-30", "d31_60": "31-60", "d61_90": "61-90",
                 "d91_plus": "91+", "credits": "Credits", "total": "Total"}
AMOUNT_COLUMNS = (*BUCKETS, "credits", "total")
# Upper DPD bound of each bucket, inclusive: current is DPD <= 0 (DOMAIN.md §3).
_UPPER = np.array([0, 30, 60, 90], dtype=np.int64)


def method_note(basis: Basis) -> str:
    age = "days past due date" if basis == "due" else "days since invoice date"
    return (f"Aged by {age}: current = not yet due (0 or fewer days), then 1-30, 31-60, 61-90, "
            "91+ days; credit notes and unapplied payments in their own column, netted in the "
            "total; allocations dated after the as-of date are not counted.")


def bucket_of(dpd: np.ndarray) -> np.ndarray:
    """Bucket index 0..4 for days past due (boundaries inclusive as written in DOMAIN.md §3)."""
    return np.searchsorted(_UPPER, dpd, side="left")


def aged_cents(state: BookState, grouping: Groups, basis: Basis = "due") -> pd.DataFrame:
    """One row per (group, currency) with something open: bucket, credit and total cents."""
    a = state.arrays
    keys, size = group_currency_keys(state, grouping)
    ref_day = a.item_due if basis == "due" else a.item_issue
    dpd = state.day - ref_day.astype(np.int64)
    bucket = bucket_of(dpd)
    open_invoice = state.is_invoice & (state.residual != 0)
    open_credit = state.is_credit & (state.residual != 0)
    data: dict[str, np.ndarray] = {}
    for i, name in enumerate(BUCKETS):
        data[name] = sum_by(keys, state.residual, open_invoice & (bucket == i), size)
    data["credits"] = sum_by(keys, state.residual, open_credit, size)
    data["count"] = np.bincount(keys[open_invoice | open_credit], minlength=size)
    frame = pd.DataFrame(data)
    frame["total"] = frame[list(BUCKETS)].sum(axis=1) - frame["credits"]
    ncur = max(len(a.currencies), 1)
    frame["group"] = np.arange(size) // ncur
    present = np.flatnonzero(frame["count"].to_numpy() > 0)
    frame = frame.iloc[present].reset_index(drop=True)
    names = np.array(a.currencies or ("",), dtype=object)
    frame["currency"] = names[present % ncur]
    return frame


@dataclass(frozen=True, slots=True)
class AgedRow:
    key: str  # debtor reference, segment or manager
    name: str
    debtor_id: int | None
    currency: str
    current: Decimal
    d1_30: Decimal
    d31_60: Decimal
    d61_90: Decimal
    d91_plus: Decimal
    credits: Decimal
    total: Decimal

    @property
    def overdue(self) -> Decimal:
        return self.d1_30 + self.d31_60 + self.d61_90 + self.d91_plus


@dataclass(frozen=True)
class AgedBalance:
    as_of: date
    by: GroupBy
    basis: Basis
    rows: tuple[AgedRow, ...]
    totals: dict[str, AgedRow]  # per currency, never added across currencies
    method: str


def _row(key: str, name: str, debtor_id: int | None, currency: str,
         cents: list[int]) -> AgedRow:
    return AgedRow(key, name, debtor_id, currency, *(from_cents(c) for c in cents))


def aged_balance(arrays: LedgerArrays, as_of: date, *, by: GroupBy = "debtor",
                 basis: Basis = "due") -> AgedBalance:
    """The aged balance as of `as_of`, rows sorted by currency then key."""
    grouping = groups(arrays, by)
    frame = aged_cents(book_state(arrays, as_of), grouping, basis)
    amounts = frame[list(AMOUNT_COLUMNS)].to_numpy().tolist()
    rows: list[AgedRow] = []
    for g, currency, cents in zip(frame["group"].tolist(), frame["currency"].tolist(), amounts,
                                  strict=True):
        key = grouping.labels[g]
        name = str(arrays.debtor_name[g]) if by == "debtor" else key
        rows.append(_row(key, name, grouping.debtor_ids[g], str(currency), cents))
    rows.sort(key=lambda x: (x.currency, x.key))
    totals: dict[str, AgedRow] = {}
    for currency, part in frame.groupby("currency", sort=True):
        summed = [int(v) for v in part[list(AMOUNT_COLUMNS)].sum().tolist()]
        totals[str(currency)] = _row("Total", "Total", None, str(currency), summed)
    return AgedBalance(as_of, by, basis, tuple(rows), totals, method_note(basis))
