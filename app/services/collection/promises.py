"""Promises to pay (DOMAIN.md §1, §6.6): one or several instalments; the promised items are held
until the last instalment + grace. Kept when allocations on the promised items cover every
instalment by its date + grace; broken as soon as one is not covered in time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.errors import UserError
from app.models import Allocation, Hold, HoldItem, Invoice, Promise, PromiseInstalment
from app.services.activity import log_activity
from app.services.collection.holds import new_hold, promise_hold_end
from app.services.money import quantize


@dataclass(frozen=True, slots=True)
class PromiseOutcome:
    promise_id: int
    debtor_id: int
    status: str  # kept | broken
    invoice_ids: tuple[int, ...]


def record_promise(session: Session, debtor_id: int, invoice_ids: list[int],
                   instalments: list[tuple[date, Decimal]], *, author: str, on: date,
                   grace_days: int = 2, note: str = "") -> int:
    """Record a promise to pay the debtor's `invoice_ids` in one or more instalments."""
    if not instalments:
        raise UserError("A promise needs at least one instalment (date and amount)")
    if not invoice_ids:
        raise UserError("Select the invoices the promise covers")
    for day, amount in instalments:
        if amount <= 0:
            raise UserError(f"Instalment of {day.isoformat()}: the amount must be positive")
        if day < on:
            raise UserError(f"Instalment date {day.isoformat()} is before the promise date")
    if grace_days < 0:
        raise UserError("Grace days cannot be negative")
    currencies = set(session.scalars(
        select(Invoice.currency).where(Invoice.id.in_(invoice_ids))))
    if len(currencies) != 1:
        raise UserError("A promise covers invoices of one currency; record one per currency")
    currency = currencies.pop()
    total = quantize(sum((a for _, a in instalments), Decimal("0")))
    dates = ", ".join(d.isoformat() for d, _ in sorted(instalments))
    hold = new_hold(session, debtor_id, "promise", author=author,
                    reason=note or f"Promise to pay {total} {currency} on {dates}", start=on,
                    invoice_ids=invoice_ids)
    promise = Promise(hold_id=hold.id, currency=currency, grace_days=grace_days,
                      status="pending",
                      instalments=[PromiseInstalment(due_date=d, amount=quantize(a))
                                   for d, a in sorted(instalments)])
    session.add(promise)
    session.flush()
    hold.end_date = promise_hold_end(promise)
    log_activity(session, author=author, kind="promise_recorded", debtor_id=debtor_id,
                 summary=f"Promise #{promise.id}: {total} {currency} on {dates}",
                 detail={"promise_id": promise.id, "invoice_ids": sorted(invoice_ids)})
    session.flush()
    return promise.id


def _outcome(session: Session, promise: Promise, invoice_ids: list[int], as_of: date
             ) -> str | None:
    """kept | broken | None (still running) as of `as_of`."""
    due = Decimal("0")
    for inst in promise.instalments:
        due += inst.amount
        deadline = inst.due_date + timedelta(days=promise.grace_days)
        paid = session.scalar(
            select(func.coalesce(func.sum(Allocation.amount), 0)).where(
                Allocation.invoice_id.in_(invoice_ids),
                Allocation.date >= promise.hold.start_date,
                Allocation.date <= min(deadline, as_of),
            )
        )
        if Decimal(paid or 0) >= due:
            continue
        return "broken" if as_of > deadline else None
    return "kept"


def review_promises(session: Session, as_of: date, author: str) -> list[PromiseOutcome]:
    """Mark pending promises kept or broken as of `as_of`, one activity each (done by the build)."""
    out: list[PromiseOutcome] = []
    pending = session.scalars(
        select(Promise).join(Hold, Hold.id == Promise.hold_id)
        .where(Promise.status == "pending", Hold.start_date <= as_of).order_by(Promise.id)
    ).all()
    for promise in pending:
        invoice_ids = sorted(session.scalars(
            select(HoldItem.invoice_id).where(HoldItem.hold_id == promise.hold_id)))
        status = _outcome(session, promise, invoice_ids, as_of)
        if status is None:
            continue
        promise.status, promise.closed_on = status, as_of
        if status == "broken":
            promise.hold.end_date = max(promise.hold.start_date, as_of - timedelta(days=1))
        log_activity(session, author=author, kind=f"promise_{status}",
                     debtor_id=promise.hold.debtor_id,
                     summary=f"Promise #{promise.id} {status}"
                     + ("; reminders resume at the next step" if status == "broken" else ""),
                     detail={"promise_id": promise.id})
        out.append(PromiseOutcome(promise.id, promise.hold.debtor_id, status,
                                  tuple(invoice_ids)))
    session.flush()
    return out


def broken_promise_items(session: Session) -> dict[int, date]:
    """Invoice id → the day its promise was found broken (the plan resumes at the next step)."""
    rows = session.execute(
        select(HoldItem.invoice_id, Promise.closed_on)
        .join(Promise, Promise.hold_id == HoldItem.hold_id)
        .where(Promise.status == "broken")
    )
    out: dict[int, date] = {}
    for invoice_id, closed in rows:
        if closed is not None and closed > out.get(invoice_id, date.min):
            out[invoice_id] = closed
    return out
