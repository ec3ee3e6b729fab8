"""Read a source without importing it and say what it holds ("1,234 invoices, 56 customers,
789 payments"): the "Test" of the sources page and `collecta sources test`. Nothing is written,
not even the last-sync outcome, so a test can run while a sync is in progress."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd
from sqlalchemy import select

from app.db import Database
from app.errors import NotFoundError, UserError
from app.models import LedgerSource
from app.services.formatting import DEFAULT_LOCALE, day, number
from app.services.ledger.connection import source_url
from app.services.ledger.records import LedgerBatch
from app.services.ledger.source_list import SourceRow, _row
from app.services.ledger.sources import read_source, source_password
from app.services.ledger.sql_source import load_sql_config, read_sql_source


@dataclass(frozen=True, slots=True)
class SourceCounts:
    """What one read of a source found."""

    customers: int
    invoices: int
    credit_notes: int
    payments: int
    rejected: int
    last_date: date | None

    def describe(self, locale: str = DEFAULT_LOCALE) -> str:
        def n(value: int, word: str) -> str:
            return f"{number(value, locale, digits=0)} {word}{'' if value == 1 else 's'}"

        parts = [n(self.invoices, "invoice")]
        if self.credit_notes:
            parts.append(n(self.credit_notes, "credit note"))
        parts += [n(self.customers, "customer"), n(self.payments, "payment")]
        text = ", ".join(parts)
        if self.rejected:
            text += f"; {n(self.rejected, 'line')} unreadable"
        if self.last_date is not None:
            text += f" (latest entry {day(self.last_date, locale)})"
        return text


def count_batch(batch: LedgerBatch) -> SourceCounts:
    """Customers are the debtor rows, or the distinct customer refs when the source lists none."""
    inv = batch.invoices if batch.invoices is not None else pd.DataFrame()
    credit = int((inv["kind"] == "credit_note").sum()) if "kind" in inv else 0
    if batch.debtors is not None:
        customers = len(batch.debtors)
    else:
        refs = [f["debtor_ref"] for f in (batch.invoices, batch.payments)
                if f is not None and "debtor_ref" in f]
        customers = int(pd.concat(refs).nunique()) if refs else 0
    payments = len(batch.payments) if batch.payments is not None else 0
    return SourceCounts(customers, len(inv) - credit, credit, payments, len(batch.rejections),
                        batch.last_date)


def probe_source(db: Database, src: SourceRow, password: str | None = None) -> SourceCounts:
    """Read `src` (saved or not) as a sync would, and count what it holds.

    A database source uses `password` (typed, not saved yet), else the keyring's; a computer
    without a keyring reads without one, and the server's refusal says so."""
    try:
        return count_batch(_read(db, src, password))
    except ImportError as exc:  # the URL's driver package (pyodbc …) is not installed
        raise UserError(f"No database driver '{exc.name}' on this computer (for SQL Server "
                        "install pyodbc and Microsoft's ODBC driver)") from None


def _read(db: Database, src: SourceRow, password: str | None) -> LedgerBatch:
    if src.kind in ("sage100", "sql"):
        secret = password or source_password(src.name)
        if src.kind == "sql":
            cfg = load_sql_config(Path(src.location))
            cfg = dataclasses.replace(cfg, url=_with_password(cfg.url, secret))
            return read_sql_source(cfg, None)
        # no name: the connector must not ask the keyring again (it may have none)
        src = dataclasses.replace(src, name="", location=_with_password(src.location, secret))
    return read_source(db, src)[0]


def _with_password(url: str, secret: str | None) -> str:
    parsed = source_url(url, None)
    if not secret or parsed.password is not None or parsed.drivername.startswith("sqlite"):
        return url
    return parsed.set(password=secret).render_as_string(hide_password=False)


def probe_saved_source(db: Database, name: str) -> SourceCounts:
    with db.sessions() as s:
        row = s.scalar(select(LedgerSource).where(LedgerSource.name == name))
        if row is None:
            raise NotFoundError(f"No ledger source named '{name}'")
        src = _row(row)
    return probe_source(db, src)
