"""Ledger sources (where the ledger comes from), saved column mappings, and closures.

A closure settles (part of) an imported item without a counterpart: a line lettered in the
source whose group does not balance inside the file, or an open item that disappeared from a
full-snapshot source. It keeps `open_amount` / `settled_on` consistent with the allocations.
"""

from __future__ import annotations

import datetime as dt
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import MONEY, Base

SOURCE_KINDS = ("csv", "excel", "fec", "sage100", "sql")
CLOSURE_REASONS = ("lettered", "missing")


class LedgerSource(Base):
    """A configured source: kind, file or URL, options (mapping, terms …), schedule, last sync."""

    __tablename__ = "ledger_source"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[str] = mapped_column(
        Enum(*SOURCE_KINDS, name="source_kind", native_enum=False, create_constraint=True)
    )
    location: Mapped[str] = mapped_column(Text)
    options: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    schedule_minutes: Mapped[int | None] = mapped_column(Integer)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    last_sync_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_outcome: Mapped[str | None] = mapped_column(String(20))
    last_message: Mapped[str | None] = mapped_column(Text)
    last_fingerprint: Mapped[str | None] = mapped_column(String(64))


class ImportProfile(Base):
    """A named column mapping: canonical field → the header in the user's file."""

    __tablename__ = "import_profile"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    columns: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    options: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class LedgerClosure(Base):
    """Part of an invoice, credit note or payment settled without a counterpart."""

    __tablename__ = "ledger_closure"
    __table_args__ = (
        Index("ix_ledger_closure_invoice_id", "invoice_id"),
        Index("ix_ledger_closure_payment_id", "payment_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoice.id", ondelete="CASCADE"))
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payment.id", ondelete="CASCADE"))
    amount: Mapped[Decimal] = mapped_column(MONEY)
    date: Mapped[dt.date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(
        Enum(*CLOSURE_REASONS, name="closure_reason", native_enum=False, create_constraint=True)
    )
    source: Mapped[str] = mapped_column(String(40))
