"""The columnar ledger: every item and allocation as numpy arrays of integer cents and day numbers.

Loaded in bulk (one query for items, one for allocations; ARCHITECTURE.md "Performance"), refreshed
incrementally after an import: only the debtors a ChangeSet names are reloaded, and a cheap
fingerprint of the ledger tables decides whether anything else changed. Every analytic reads these
arrays; none loops over ORM objects.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import Engine

from app.services.analytics.array_cache import ArrayCache
from app.services.analytics.ledger_read import (
    CREDIT_NOTE,
    I8,
    I32,
    I64,
    INVOICE,
    PAYMENT,
    Obj,
    RawLedger,
    day_date,
    day_number,
    debtors_fingerprint,
    ledger_fingerprint,
    raw_fingerprint,
    read_debtor_rows,
    read_ledger,
)
from app.services.changes import ChangeSet

__all__ = ["CREDIT_NOTE", "I8", "I32", "I64", "INVOICE", "PAYMENT", "LedgerArrays",
           "LedgerEngine", "day_date", "day_number", "load_debtors"]


@dataclass(frozen=True, eq=False)
class LedgerArrays:
    """Column arrays of one consistent read. Item positions index every item array."""

    currencies: tuple[str, ...]
    item_kind: I8
    item_id: I64  # database id (invoice.id or payment.id; the kind tells which table)
    item_debtor: I64  # position in the debtor arrays
    item_cur: I32  # position in `currencies`
    item_issue: I32
    item_due: I32
    item_amount: I64  # cents, always positive
    alloc_item: I64  # position of the settled invoice
    alloc_counter: I64  # position of the payment or credit note
    alloc_date: I32
    alloc_amount: I64
    close_item: I64  # closures: part of an item settled without a counterpart (lettering)
    close_date: I32
    close_amount: I64
    debtor_id: I64
    debtor_ref: Obj
    debtor_name: Obj
    debtor_segment: Obj
    debtor_manager: Obj

    @property
    def item_count(self) -> int:
        return int(self.item_kind.size)


def _positions(kinds: I8, ids: I64, want_payment: bool, wanted: I64) -> I64:
    """Item positions of database ids `wanted` in the invoice or the payment id space."""
    key = np.where(kinds == PAYMENT, ids * 2 + 1, ids * 2)
    order = np.argsort(key, kind="stable")
    wanted_key = wanted * 2 + (1 if want_payment else 0)
    found = np.searchsorted(key[order], wanted_key)
    found = np.minimum(found, max(key.size - 1, 0))
    return order[found].astype(np.int64) if key.size else np.zeros(0, dtype=np.int64)


def _build(raw: RawLedger, debtors: list[Any]) -> LedgerArrays:
    it, al, cl = raw.items, raw.allocs, raw.closures
    on_payment = cl["payment"] >= 0
    close_item = np.where(
        on_payment,
        _positions(it["kind"], it["id"], True, np.where(on_payment, cl["payment"], 0)),
        _positions(it["kind"], it["id"], False, np.where(on_payment, 0, cl["invoice"])),
    )
    currencies = raw.currencies
    debtor_ids = np.array([d[0] for d in debtors], dtype=np.int64)
    item_debtor = np.searchsorted(debtor_ids, it["debtor"]).astype(np.int64)
    alloc_item = _positions(it["kind"], it["id"], False, al["invoice"])
    is_pay = al["payment"] >= 0
    counter = np.where(
        is_pay,
        _positions(it["kind"], it["id"], True, np.where(is_pay, al["payment"], 0)),
        _positions(it["kind"], it["id"], False, np.where(is_pay, 0, al["credit"])),
    )
    return LedgerArrays(
        currencies=currencies,
        item_kind=it["kind"],
        item_id=it["id"],
        item_debtor=item_debtor,
        item_cur=it["cur"],
        item_issue=it["issue"],
        item_due=it["due"],
        item_amount=it["amount"],
        alloc_item=alloc_item,
        alloc_counter=counter.astype(np.int64),
        alloc_date=al["date"],
        alloc_amount=al["amount"],
        close_item=close_item.astype(np.int64),
        close_date=cl["date"],
        close_amount=cl["amount"],
        debtor_id=debtor_ids,
        debtor_ref=np.array([d[1] for d in debtors], dtype=object),
        debtor_name=np.array([d[2] for d in debtors], dtype=object),
        debtor_segment=np.array([d[3] for d in debtors], dtype=object),
        debtor_manager=np.array([d[4] for d in debtors], dtype=object),
    )


def _merge(old: RawLedger, fresh: RawLedger, debtor_ids: Collection[int]) -> RawLedger:
    assert fresh.currencies == old.currencies
    gone = np.array(sorted(debtor_ids), dtype=np.int64)
    keep_items = ~np.isin(old.items["debtor"], gone)
    keep_allocs = ~np.isin(old.allocs["debtor"], gone)
    keep_closures = ~np.isin(old.closures["debtor"], gone)
    return RawLedger(
        currencies=old.currencies,
        items={k: np.concatenate([v[keep_items], fresh.items[k]]) for k, v in old.items.items()},
        allocs={k: np.concatenate([v[keep_allocs], fresh.allocs[k]])
                for k, v in old.allocs.items()},
        closures={k: np.concatenate([v[keep_closures], fresh.closures[k]])
                  for k, v in old.closures.items()},
    )


def load_debtors(engine: Engine, debtor_ids: Collection[int]) -> LedgerArrays:
    """The arrays of a few debtors only (one debtor's report without reading the whole book)."""
    return _build(read_ledger(engine, debtor_ids), read_debtor_rows(engine))


class LedgerEngine:
    """Holds the arrays of one database and keeps them current (see `apply`)."""

    def __init__(self, engine: Engine, cache_dir: Path | None = None) -> None:
        """`cache_dir`: keep a copy of the arrays on disk there, reused on the next start while
        the ledger fingerprint still matches (a large ledger loads in seconds instead of a
        minute)."""
        self._engine = engine
        self._cache = ArrayCache(cache_dir, engine) if cache_dir is not None else None
        self._raw: RawLedger | None = None
        self._arrays: LedgerArrays | None = None
        self._fingerprint: tuple[int, ...] | None = None
        self._debtors: tuple[int, ...] | None = None
        self.full_loads = 0
        self.partial_loads = 0
        self.cache_hits = 0

    @property
    def db_engine(self) -> Engine:
        return self._engine

    @property
    def arrays(self) -> LedgerArrays:
        if self._arrays is None:
            self.reload()
        assert self._arrays is not None
        return self._arrays

    def reload(self) -> LedgerArrays:
        """Read everything again (or take the disk cache when it matches the database)."""
        self._debtors = debtors_fingerprint(self._engine)
        cached = None
        if self._cache is not None and self._cache.exists():
            # Scanning the tables for the fingerprint only pays when there is a copy to check.
            fingerprint = ledger_fingerprint(self._engine)
            cached = self._cache.load(fingerprint)
        if cached is not None:
            self._raw, self._fingerprint = cached, fingerprint
            self.cache_hits += 1
        else:
            self._raw = read_ledger(self._engine, None)
            # The fingerprint of what was read: if a write slipped in between the reads, it
            # matches no state of the database, so neither the cache nor a later
            # refresh_if_stale will take these arrays for current.
            self._fingerprint = raw_fingerprint(self._raw)
            if self._cache is not None:
                self._cache.save(self._raw, self._fingerprint)
        self._arrays = _build(self._raw, read_debtor_rows(self._engine))
        self.full_loads += 1
        return self._arrays

    def apply(self, change: ChangeSet) -> LedgerArrays:
        """Bring the arrays up to date after `change`: reload only the named debtors when the
        rest of the ledger is unchanged, everything otherwise."""
        if self._raw is None or change.everything:
            return self.reload()
        if change.debtor_ids:
            fresh = read_ledger(self._engine, change.debtor_ids, self._raw.currencies)
            if fresh.currencies != self._raw.currencies:  # a new currency: codes change
                return self.reload()
            self._raw = _merge(self._raw, fresh, change.debtor_ids)
            self._arrays = _build(self._raw, read_debtor_rows(self._engine))
            self.partial_loads += 1
            self._fingerprint = ledger_fingerprint(self._engine)
            self._debtors = debtors_fingerprint(self._engine)
            if self._covers(self._fingerprint):
                return self._arrays
            return self.reload()
        return self.refresh_if_stale()

    def _covers(self, fingerprint: tuple[int, ...]) -> bool:
        """True when the merged arrays hold exactly what the database now holds."""
        assert self._raw is not None
        return raw_fingerprint(self._raw) == fingerprint

    def refresh_if_stale(self) -> LedgerArrays:
        if (self._arrays is None or ledger_fingerprint(self._engine) != self._fingerprint
                or debtors_fingerprint(self._engine) != self._debtors):
            return self.reload()
        return self._arrays
