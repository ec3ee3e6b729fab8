"""Open items as of a date (DOMAIN.md §3): residual = amount − allocations dated up to as_of.

Fast path: an item's stored `open_amount` counts every allocation; allocations dated after
`as_of` are added back, and items settled after `as_of` are still open then. So a query as of
today touches only open rows, and a query in the past touches only what changed since.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    CompoundSelect,
    Select,
    Subquery,
    and_,
    case,
    cast,
    func,
    literal,
    or_,
    select,
    union_all,
)

from app.models import Allocation, Invoice, Payment


def cents(expr: Any) -> ColumnElement[int]:
    """Exact integer cents from a Numeric(18,2) column on SQLite (REAL) and PostgreSQL."""
    return cast(func.round(expr * 100), BigInteger)


def _late_allocations(as_of: date) -> Subquery:
    """Per item, the cents allocated after as_of (they had not happened yet then)."""
    late = Allocation.date > as_of
    by_invoice = (
        select(Allocation.invoice_id.label("item_id"), literal("I").label("side"),
               func.sum(cents(Allocation.amount)).label("late_cents"))
        .where(late)
        .group_by(Allocation.invoice_id)
    )
    by_credit = (
        select(Allocation.credit_note_id.label("item_id"), literal("I").label("side"),
               func.sum(cents(Allocation.amount)).label("late_cents"))
        .where(late, Allocation.credit_note_id.is_not(None))
        .group_by(Allocation.credit_note_id)
    )
    by_payment = (
        select(Allocation.payment_id.label("item_id"), literal("P").label("side"),
               func.sum(cents(Allocation.amount)).label("late_cents"))
        .where(late, Allocation.payment_id.is_not(None))
        .group_by(Allocation.payment_id)
    )
    return union_all(by_invoice, by_credit, by_payment).subquery("late")


def open_items_query(as_of: date, debtor_id: int | None = None) -> CompoundSelect[Any]:
    """One row per item open as of `as_of`.

    Columns: item_type ('invoice' | 'credit_note' | 'payment'), item_id, debtor_id, ref, number,
    issue_date, due_date, currency, amount_cents, residual_cents (positive; the sign follows
    item_type: invoices are debits, credit notes and unapplied payments credits).
    """
    late = _late_allocations(as_of)
    inv_late = late.alias("inv_late")
    pay_late = late.alias("pay_late")
    inv_open = or_(Invoice.settled_on.is_(None), Invoice.settled_on > as_of)
    inv_residual = cents(Invoice.open_amount) + func.coalesce(inv_late.c.late_cents, 0)
    invoices = (
        select(
            Invoice.kind.label("item_type"),
            Invoice.id.label("item_id"),
            Invoice.debtor_id,
            Invoice.external_ref.label("ref"),
            Invoice.number,
            Invoice.issue_date,
            Invoice.due_date,
            Invoice.currency,
            cents(Invoice.amount).label("amount_cents"),
            inv_residual.label("residual_cents"),
        )
        .select_from(Invoice)
        .outerjoin(inv_late, and_(inv_late.c.item_id == Invoice.id, inv_late.c.side == "I"))
        .where(Invoice.issue_date <= as_of, inv_open)
    )
    pay_open = or_(Payment.settled_on.is_(None), Payment.settled_on > as_of)
    pay_residual = cents(Payment.open_amount) + func.coalesce(pay_late.c.late_cents, 0)
    payments = (
        select(
            literal("payment").label("item_type"),
            Payment.id.label("item_id"),
            Payment.debtor_id,
            Payment.external_ref.label("ref"),
            func.coalesce(Payment.reference, Payment.external_ref).label("number"),
            Payment.date.label("issue_date"),
            Payment.date.label("due_date"),
            Payment.currency,
            cents(Payment.amount).label("amount_cents"),
            pay_residual.label("residual_cents"),
        )
        .select_from(Payment)
        .outerjoin(pay_late, and_(pay_late.c.item_id == Payment.id, pay_late.c.side == "P"))
        .where(Payment.date <= as_of, pay_open)
    )
    if debtor_id is not None:
        invoices = invoices.where(Invoice.debtor_id == debtor_id)
        payments = payments.where(Payment.debtor_id == debtor_id)
    return union_all(invoices, payments)


def signed_residual(item_type: str, residual_cents: int) -> int:
    return residual_cents if item_type == "invoice" else -residual_cents


def debtor_balances_query(as_of: date) -> Select:
    """Per debtor and currency: open (net), overdue (past-due invoices), credits, oldest due."""
    items = open_items_query(as_of).subquery("items")
    is_invoice = items.c.item_type == "invoice"
    signed = case((is_invoice, items.c.residual_cents), else_=-items.c.residual_cents)
    overdue = case(
        (and_(is_invoice, items.c.due_date < as_of), items.c.residual_cents), else_=0
    )
    credits = case((is_invoice, 0), else_=items.c.residual_cents)
    oldest_overdue = case(
        (and_(is_invoice, items.c.due_date < as_of, items.c.residual_cents > 0),
         items.c.due_date),
        else_=None,
    )
    oldest_due = case((and_(is_invoice, items.c.residual_cents > 0), items.c.due_date), else_=None)
    return (
        select(
            items.c.debtor_id,
            items.c.currency,
            func.sum(signed).label("open_cents"),
            func.sum(overdue).label("overdue_cents"),
            func.sum(credits).label("credit_cents"),
            func.min(oldest_overdue).label("oldest_overdue"),
            func.min(oldest_due).label("oldest_due"),
            func.count().label("item_count"),
        )
        .where(items.c.residual_cents != 0)
        .group_by(items.c.debtor_id, items.c.currency)
    )
