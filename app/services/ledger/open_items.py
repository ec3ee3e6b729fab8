"""Open items as of a date (DOMAIN.md §3): residual = amount − allocations and closures dated up
to as_of.

Fast path: an item's stored `open_amount` counts every allocation and closure (a part settled
without a counterpart, e.g. a lettering difference or a write-off); those dated after `as_of` are
added back, and items settled after `as_of` are still open then. So a query as of
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
    String,
    and_,
    case,
    cast,
    func,
    literal,
    select,
    type_coerce,
    union_all,
)
from sqlalchemy.orm import Session

from app.models import Allocation, Invoice, LedgerClosure, Payment


def cents(expr: Any) -> ColumnElement[int]:
    """Exact integer cents from a Numeric(18,2) column on SQLite (REAL) and PostgreSQL."""
    return cast(func.round(expr * 100), BigInteger)


def allocated_after(session: Session, as_of: date) -> bool:
    """True when any allocation or closure is dated after as_of (one probe each).

    When none is, every item's late sum is zero and the queries below can leave the correlated
    sums out (`late=False`): the usual case of a worklist as of today.
    """
    return any(session.scalar(select(t.id).where(t.date > as_of).limit(1)) is not None
               for t in (Allocation, LedgerClosure))


def _late_cents(column: Any, item_id: Any, as_of: date) -> ColumnElement[int]:
    """Cents allocated to the item after as_of (they had not happened yet then).

    A correlated sum over the allocation index of that side: one short probe per open item,
    instead of grouping the whole allocation table.
    """
    late = (
        select(func.coalesce(func.sum(cents(Allocation.amount)), 0))
        .where(column == item_id, Allocation.date > as_of)
        .scalar_subquery()
    )
    return late


def _late_closure_cents(column: Any, item_id: Any, as_of: date) -> ColumnElement[int]:
    """Cents of the item closed without a counterpart after as_of."""
    return (
        select(func.coalesce(func.sum(cents(LedgerClosure.amount)), 0))
        .where(column == item_id, LedgerClosure.date > as_of)
        .scalar_subquery()
    )


def late_invoice_cents(as_of: date) -> ColumnElement[int]:
    """For a row of `invoice` of kind 'invoice': the cents settled after as_of (allocations and
    closures), to add to its stored open amount."""
    return (_late_cents(Allocation.invoice_id, Invoice.id, as_of)
            + _late_closure_cents(LedgerClosure.invoice_id, Invoice.id, as_of))


def _open_then(settled_on: Any, as_of: date) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    """Open as of as_of = open now (partial index) or settled only after as_of: two branches,
    each served by an index, rather than one OR that makes the planner scan every item."""
    return settled_on.is_(None), settled_on > as_of


def open_items_query(as_of: date, debtor_id: int | None = None, *, late: bool = True
                     ) -> CompoundSelect[Any]:
    """One row per item open as of `as_of`.

    `late=False` only when `allocated_after(session, as_of)` is False (same rows, faster).

    Columns: item_type ('invoice' | 'credit_note' | 'payment'), item_id, debtor_id, ref, number,
    issue_date, due_date, currency, amount_cents, residual_cents (positive; the sign follows
    item_type: invoices are debits, credit notes and unapplied payments credits).
    """
    inv_residual: ColumnElement[int] = cents(Invoice.open_amount)
    pay_residual: ColumnElement[int] = cents(Payment.open_amount)
    if late:  # else every late sum is 0: no allocation is dated after as_of
        inv_residual = inv_residual + case(
            (Invoice.kind == "invoice", _late_cents(Allocation.invoice_id, Invoice.id, as_of)),
            else_=_late_cents(Allocation.credit_note_id, Invoice.id, as_of),
        ) + _late_closure_cents(LedgerClosure.invoice_id, Invoice.id, as_of)
        pay_residual = (pay_residual + _late_cents(Allocation.payment_id, Payment.id, as_of)
                        + _late_closure_cents(LedgerClosure.payment_id, Payment.id, as_of))
    branches = []
    for open_then in _open_then(Invoice.settled_on, as_of):
        q = select(
            # A plain string, not the kind Enum: the union also carries 'payment' rows.
            type_coerce(Invoice.kind, String(20)).label("item_type"),
            Invoice.id.label("item_id"),
            Invoice.debtor_id,
            Invoice.external_ref.label("ref"),
            Invoice.number,
            Invoice.issue_date,
            Invoice.due_date,
            Invoice.currency,
            cents(Invoice.amount).label("amount_cents"),
            inv_residual.label("residual_cents"),
        ).where(Invoice.issue_date <= as_of, open_then)
        if debtor_id is not None:
            q = q.where(Invoice.debtor_id == debtor_id)
        branches.append(q)
    for open_then in _open_then(Payment.settled_on, as_of):
        q = select(
            literal("payment", String(20)).label("item_type"),
            Payment.id.label("item_id"),
            Payment.debtor_id,
            Payment.external_ref.label("ref"),
            func.coalesce(Payment.reference, Payment.external_ref).label("number"),
            Payment.date.label("issue_date"),
            Payment.date.label("due_date"),
            Payment.currency,
            cents(Payment.amount).label("amount_cents"),
            pay_residual.label("residual_cents"),
        ).where(Payment.date <= as_of, open_then)
        if debtor_id is not None:
            q = q.where(Payment.debtor_id == debtor_id)
        branches.append(q)
    return union_all(*branches)


def signed_residual(item_type: str, residual_cents: int) -> int:
    return residual_cents if item_type == "invoice" else -residual_cents


def debtor_balances_query(as_of: date, *, late: bool = True) -> Select:
    """Per debtor and currency: open (net), overdue (past-due invoices), credits, oldest due.

    `late` as in open_items_query."""
    items = open_items_query(as_of, late=late).subquery("items")
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
