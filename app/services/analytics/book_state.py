"""The ledger as it stood on a date: each item's residual from the allocations dated up to then
(DOMAIN.md §3: allocations dated after as_of do not count yet), and how debtors are grouped."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

import numpy as np

from app.services.analytics.engine import (
    I32,
    I64,
    INVOICE,
    LedgerArrays,
    day_number,
)

GroupBy = Literal["book", "debtor", "segment", "manager"]
NO_VALUE = "(none)"


def residuals_on(arrays: LedgerArrays, day: int) -> I64:
    """Per item, the positive cents still open at the end of `day` (0 if not yet issued)."""
    n = arrays.item_count
    mask = arrays.alloc_date <= day
    weights = arrays.alloc_amount[mask]
    applied = np.zeros(n, dtype=np.float64)
    applied += np.bincount(arrays.alloc_item[mask], weights=weights, minlength=n)
    applied += np.bincount(arrays.alloc_counter[mask], weights=weights, minlength=n)
    closed = arrays.close_date <= day
    if closed.any():
        applied += np.bincount(arrays.close_item[closed], weights=arrays.close_amount[closed],
                               minlength=n)
    residual = arrays.item_amount - np.rint(applied).astype(np.int64)
    residual[arrays.item_issue > day] = 0
    return residual


def settled_on(arrays: LedgerArrays, residual: I64, day: int) -> I32:
    """Per item, the date (day number) of its last allocation up to `day` when it is fully
    settled then; -1 for items still open or never settled."""
    mask = arrays.alloc_date <= day
    last = np.full(arrays.item_count, -1, dtype=np.int32)
    np.maximum.at(last, arrays.alloc_item[mask], arrays.alloc_date[mask])
    closed = arrays.close_date <= day
    np.maximum.at(last, arrays.close_item[closed], arrays.close_date[closed])
    last[residual != 0] = -1
    return last


@dataclass(frozen=True)
class BookState:
    """Residuals of every item at the end of `as_of`; `signed` nets credits (negative)."""

    arrays: LedgerArrays
    as_of: date
    day: int
    residual: I64
    signed: I64
    is_invoice: np.ndarray

    @property
    def is_credit(self) -> np.ndarray:
        return ~self.is_invoice


def book_state(arrays: LedgerArrays, as_of: date) -> BookState:
    day = day_number(as_of)
    residual = residuals_on(arrays, day)
    is_invoice = arrays.item_kind == INVOICE
    signed = np.where(is_invoice, residual, -residual)
    return BookState(arrays, as_of, day, residual, signed, is_invoice)


@dataclass(frozen=True)
class Groups:
    """Each debtor's group code and the label of each code."""

    by: GroupBy
    debtor_code: I64
    labels: tuple[str, ...]
    debtor_ids: tuple[int | None, ...]  # per code: the debtor id when grouping by debtor


def groups(arrays: LedgerArrays, by: GroupBy) -> Groups:
    n = arrays.debtor_id.size
    if by == "book":
        return Groups(by, np.zeros(n, dtype=np.int64), ("All debtors",), (None,))
    if by == "debtor":
        return Groups(by, np.arange(n, dtype=np.int64), tuple(arrays.debtor_ref.tolist()),
                      tuple(int(i) for i in arrays.debtor_id.tolist()))
    column = arrays.debtor_segment if by == "segment" else arrays.debtor_manager
    values = [NO_VALUE if v is None or v == "" else str(v) for v in column.tolist()]
    labels = tuple(sorted(set(values)))
    code = {label: i for i, label in enumerate(labels)}
    return Groups(by, np.array([code[v] for v in values], dtype=np.int64), labels,
                  tuple(None for _ in labels))


def group_currency_keys(state: BookState, grouping: Groups) -> tuple[I64, int]:
    """Per item, one key for (group, currency), and the number of keys."""
    a = state.arrays
    ncur = max(len(a.currencies), 1)
    key = grouping.debtor_code[a.item_debtor] * ncur + a.item_cur
    return key.astype(np.int64), len(grouping.labels) * ncur


def sum_by(keys: I64, weights: I64, mask: np.ndarray, size: int) -> I64:
    """Exact integer sums of `weights` per key over `mask` (float64 is exact below 2**53)."""
    return np.rint(np.bincount(keys[mask], weights=weights[mask], minlength=size)).astype(
        np.int64)


__all__ = ["BookState", "GroupBy", "Groups", "book_state", "group_currency_keys",
           "groups", "residuals_on", "settled_on", "sum_by"]
