"""The canonical ledger every connector produces, and the import report every run returns.

A reader turns its input into a `LedgerBatch`: three DataFrames of *text* in the canonical
columns (plus `_file` and `_line` so a rejection can name where it came from) and, optionally,
explicit settlements (lettering). `validate.py` turns the text into typed columns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

DEBTOR_COLUMNS = ("ref", "name", "segment", "country", "language", "email", "phone",
                  "credit_limit", "currency")
INVOICE_COLUMNS = ("ref", "debtor_ref", "number", "issue_date", "due_date", "currency", "amount",
                   "kind")
PAYMENT_COLUMNS = ("ref", "debtor_ref", "date", "currency", "amount", "invoice_ref")
CANONICAL = {"debtors": DEBTOR_COLUMNS, "invoices": INVOICE_COLUMNS, "payments": PAYMENT_COLUMNS}
# Optional extras a mapped file may carry: an invoice list naming its customers creates the
# debtors it does not know yet (a new user's first import is often one aged-balance export).
EXTRA = {"debtors": (), "invoices": ("debtor_name",), "payments": ()}
REQUIRED = {
    "debtors": ("ref", "name"),
    "invoices": ("ref", "debtor_ref", "issue_date", "amount"),
    "payments": ("ref", "debtor_ref", "date", "amount"),
}
ORIGIN = ("_file", "_line")
# Settlements named by the source: FEC lettering groups, Sage 100 letter codes.
# Columns: debtor_ref, group, item_kind ('invoice' | 'credit_note' | 'payment'), item_ref, date.
LETTERING_COLUMNS = ("debtor_ref", "group", "item_kind", "item_ref", "date")


def empty_frame(kind: str) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in (*CANONICAL[kind], *ORIGIN)})


@dataclass
class LedgerBatch:
    """What one read produced. `snapshot`: the source lists every open item it knows of."""

    debtors: pd.DataFrame | None = None
    invoices: pd.DataFrame | None = None
    payments: pd.DataFrame | None = None
    lettering: pd.DataFrame | None = None
    snapshot: bool = False
    last_date: date | None = None
    rejections: list[Rejection] = field(default_factory=list)

    def frames(self) -> dict[str, pd.DataFrame]:
        out = {"debtors": self.debtors, "invoices": self.invoices, "payments": self.payments}
        return {k: v for k, v in out.items() if v is not None}

    @property
    def line_count(self) -> int:
        return sum(len(f) for f in self.frames().values())


@dataclass(frozen=True, slots=True)
class Rejection:
    """One refused input row: where it was, which column and value, and why."""

    file: str
    line: int
    column: str
    value: str
    reason: str

    def __str__(self) -> str:
        where = f"{self.file}, line {self.line}" if self.line else self.file
        col = f", column {self.column}" if self.column else ""
        val = f" ('{self.value}')" if self.value else ""
        return f"{where}{col}{val}: {self.reason}"


@dataclass(frozen=True, slots=True)
class EntityCounts:
    created: int = 0
    updated: int = 0
    closed: int = 0
    unchanged: int = 0


@dataclass(frozen=True)
class ImportReport:
    """What a run did: counts per entity, every rejection, the debtors it touched."""

    source: str
    as_of: date
    debtors: EntityCounts
    invoices: EntityCounts
    payments: EntityCounts
    rejections: tuple[Rejection, ...]
    debtor_ids: frozenset[int] = frozenset()
    allocations: int = 0
    skipped_unchanged_source: bool = False

    def _total(self, name: str) -> int:
        return sum(getattr(c, name) for c in (self.debtors, self.invoices, self.payments))

    @property
    def created(self) -> int:
        return self._total("created")

    @property
    def updated(self) -> int:
        return self._total("updated")

    @property
    def closed(self) -> int:
        return self._total("closed")

    @property
    def unchanged(self) -> int:
        return self._total("unchanged")

    @property
    def rejected(self) -> int:
        return len(self.rejections)

    def summary(self) -> str:
        if self.skipped_unchanged_source:
            return f"{self.source}: source unchanged since the last sync, nothing to do"
        return (f"{self.source}: {self.created} created, {self.updated} updated, "
                f"{self.closed} closed, {self.unchanged} unchanged, {self.rejected} rejected")
