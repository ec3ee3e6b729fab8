"""Allocations settle invoices with payments or credit notes, and keep `open_amount` /
`settled_on` on both sides in step (DOMAIN.md §1, "allocation / lettering")."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from app.errors import UserError
from app.models import Allocation, Invoice, Payment
from app.services.money import quantize


class AllocationError(UserError):
    pass


def _reduce(row: Invoice | Payment, amount: Decimal, on: date) -> None:
    row.open_amount = quantize(row.open_amount - amount)
    if row.open_amount == 0:
        row.settled_on = max(on, row.settled_on) if row.settled_on else on


def allocate(
    session: Session,
    invoice: Invoice,
    counterpart: Payment | Invoice,
    amount: Decimal,
    on: date,
    source: str = "manual",
) -> Allocation:
    """Settle `amount` of `invoice` with a payment or a credit note on date `on`."""
    amount = quantize(amount)
    if invoice.kind != "invoice":
        raise AllocationError(f"{invoice.number} is a credit note; only invoices can be settled")
    if amount <= 0:
        raise AllocationError(f"Allocation amount must be positive, got {amount}")
    if counterpart.currency != invoice.currency:
        raise AllocationError(
            f"Cannot settle {invoice.currency} invoice {invoice.number} "
            f"with {counterpart.currency}"
        )
    if counterpart.debtor_id != invoice.debtor_id:
        raise AllocationError(f"Invoice {invoice.number} belongs to another debtor")
    if amount > invoice.open_amount:
        raise AllocationError(
            f"Cannot allocate {amount} to invoice {invoice.number}: only "
            f"{invoice.open_amount} {invoice.currency} is open"
        )
    if amount > counterpart.open_amount:
        raise AllocationError(
            f"Cannot allocate {amount}: only {counterpart.open_amount} "
            f"{counterpart.currency} of the payment or credit note is unapplied"
        )
    if isinstance(counterpart, Invoice) and counterpart.kind != "credit_note":
        raise AllocationError(f"{counterpart.number} is not a credit note")
    row = Allocation(invoice_id=invoice.id, amount=amount, date=on, source=source)
    if isinstance(counterpart, Payment):
        row.payment_id = counterpart.id
    else:
        row.credit_note_id = counterpart.id
    _reduce(invoice, amount, on)
    _reduce(counterpart, amount, on)
    session.add(row)
    return row
