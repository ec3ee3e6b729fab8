"""The receivables ledger: invoices, credit notes, payments, and the allocations settling them.

`open_amount` and `settled_on` are kept by services/ledger/allocation.py whenever an allocation
is written, so the worklist reads open items without aggregating the whole allocation table.
Residuals as of a past date are always computed from allocations (DOMAIN.md §3).
"""

from __future__ import annotations

import datetime as dt
from datetime import date
from decimal import Decimal

from sqlalchemy import (
    CHAR,
    CheckConstraint,
    Date,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import MONEY, Base, str40, str200

INVOICE_KINDS = ("invoice", "credit_note")


class Invoice(Base):
    """An invoice (debit) or a credit note (credit); `amount` is always positive."""

    __tablename__ = "invoice"
    __table_args__ = (
        UniqueConstraint("source", "external_ref"),
        CheckConstraint("amount >= 0", name="amount_positive"),
        Index("ix_invoice_debtor_id", "debtor_id"),
        Index(
            "ix_invoice_open",
            "debtor_id",
            "due_date",
            sqlite_where=text("settled_on IS NULL"),
            postgresql_where=text("settled_on IS NULL"),
        ),
        Index("ix_invoice_settled_on", "settled_on"),
        Index("ix_invoice_issue_date", "issue_date"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(40), default="manual")
    external_ref: Mapped[str] = mapped_column(String(80))
    debtor_id: Mapped[int] = mapped_column(ForeignKey("debtor.id", ondelete="RESTRICT"))
    number: Mapped[str40]
    issue_date: Mapped[date] = mapped_column(Date)
    due_date: Mapped[date] = mapped_column(Date)
    currency: Mapped[str] = mapped_column(CHAR(3))
    amount: Mapped[Decimal] = mapped_column(MONEY)
    kind: Mapped[str] = mapped_column(
        Enum(*INVOICE_KINDS, name="invoice_kind", native_enum=False, create_constraint=True),
        default="invoice",
    )
    open_amount: Mapped[Decimal] = mapped_column(MONEY)
    settled_on: Mapped[dt.date | None] = mapped_column(Date)
    document_path: Mapped[str | None] = mapped_column(String(500))


class Payment(Base):
    """Cash received; the part not allocated stays open as a credit on the debtor."""

    __tablename__ = "payment"
    __table_args__ = (
        UniqueConstraint("source", "external_ref"),
        CheckConstraint("amount >= 0", name="amount_positive"),
        Index("ix_payment_debtor_id", "debtor_id"),
        Index("ix_payment_date", "date"),
        Index("ix_payment_settled_on", "settled_on"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(40), default="manual")
    external_ref: Mapped[str] = mapped_column(String(80))
    debtor_id: Mapped[int] = mapped_column(ForeignKey("debtor.id", ondelete="RESTRICT"))
    date: Mapped[dt.date] = mapped_column(Date)
    currency: Mapped[str] = mapped_column(CHAR(3))
    amount: Mapped[Decimal] = mapped_column(MONEY)
    method: Mapped[str40 | None]
    reference: Mapped[str200 | None]
    open_amount: Mapped[Decimal] = mapped_column(MONEY)
    settled_on: Mapped[dt.date | None] = mapped_column(Date)


class Allocation(Base):
    """Settles (part of) an invoice with a payment or with a credit note, on a date."""

    __tablename__ = "allocation"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint(
            "(payment_id IS NULL) <> (credit_note_id IS NULL)", name="one_counterpart"
        ),
        Index("ix_allocation_invoice_id", "invoice_id"),
        Index("ix_allocation_payment_id", "payment_id"),
        Index("ix_allocation_credit_note_id", "credit_note_id"),
        Index("ix_allocation_date", "date"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoice.id", ondelete="CASCADE"))
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payment.id", ondelete="CASCADE"))
    credit_note_id: Mapped[int | None] = mapped_column(
        ForeignKey("invoice.id", ondelete="CASCADE")
    )
    amount: Mapped[Decimal] = mapped_column(MONEY)
    date: Mapped[dt.date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(40), default="manual")
