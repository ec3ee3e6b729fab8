"""Holds stop reminders (DOMAIN.md §6.6): dispute → its items; promise → the promised items until
the last instalment + grace; manual → the whole debtor until its end date; legal → the debtor
leaves automated plans. `active_holds` is what the builder, explain and the worklist read."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.clock import utcnow
from app.errors import NotFoundError, UserError
from app.models import Debtor, Dispute, Hold, HoldItem, Invoice, Promise
from app.services.activity import log_activity


@dataclass(frozen=True)
class ActiveHolds:
    """What is held as of a date: whole debtors and single items, each with its reason text."""

    debtors: dict[int, str] = field(default_factory=dict)
    items: dict[int, str] = field(default_factory=dict)
    legal: frozenset[int] = frozenset()


def _hold_text(hold: Hold, dispute: Dispute | None, promise: Promise | None,
               until: date | None) -> str:
    if dispute is not None:
        return f"held: dispute #{dispute.id} ({dispute.category})"
    if promise is not None:
        return f"held: promise to pay #{promise.id} until {until.isoformat() if until else '?'}"
    if hold.kind == "legal":
        return f"legal file since {hold.start_date.isoformat()}: out of automated plans"
    end = f" until {hold.end_date.isoformat()}" if hold.end_date else ""
    return f"held: manual hold #{hold.id}{end} ({hold.reason})"


def promise_hold_end(promise: Promise) -> date:
    last = max(i.due_date for i in promise.instalments)
    return date.fromordinal(last.toordinal() + promise.grace_days)


def active_holds(session: Session, as_of: date, debtor_ids: list[int] | None = None
                 ) -> ActiveHolds:
    q = select(Hold).where(Hold.start_date <= as_of,
                           or_(Hold.end_date.is_(None), Hold.end_date >= as_of))
    if debtor_ids is not None:
        q = q.where(Hold.debtor_id.in_(debtor_ids))
    holds = session.scalars(q).all()
    ids = [h.id for h in holds]
    disputes = {d.hold_id: d for d in session.scalars(
        select(Dispute).where(Dispute.hold_id.in_(ids)))}
    promises = {p.hold_id: p for p in session.scalars(
        select(Promise).where(Promise.hold_id.in_(ids)))}
    items: dict[int, list[int]] = {}
    for hold_id, invoice_id in session.execute(
        select(HoldItem.hold_id, HoldItem.invoice_id).where(HoldItem.hold_id.in_(ids))
    ):
        items.setdefault(hold_id, []).append(invoice_id)
    out = ActiveHolds()
    legal: set[int] = set()
    for h in sorted(holds, key=lambda h: h.id):
        dispute, promise = disputes.get(h.id), promises.get(h.id)
        until = None
        if dispute is not None and dispute.status not in ("open", "in_progress"):
            continue
        if promise is not None:
            until = promise_hold_end(promise)
            if promise.status != "pending" or as_of > until:
                continue
        text = _hold_text(h, dispute, promise, until)
        if h.kind in ("manual", "legal") and not items.get(h.id):
            out.debtors.setdefault(h.debtor_id, text)
            if h.kind == "legal":
                legal.add(h.debtor_id)
        for invoice_id in items.get(h.id, []):
            out.items.setdefault(invoice_id, text)
    return ActiveHolds(out.debtors, out.items, frozenset(legal))


def held_debtor_ids(session: Session, as_of: date) -> dict[int, str]:
    """Debtors with any active hold, with the first hold's text (for the worklist column)."""
    holds = active_holds(session, as_of)
    out = dict(holds.debtors)
    if holds.items:
        for invoice_id, debtor_id in session.execute(
            select(Invoice.id, Invoice.debtor_id).where(Invoice.id.in_(list(holds.items)))
        ):
            out.setdefault(debtor_id, holds.items[invoice_id])
    return out


def new_hold(session: Session, debtor_id: int, kind: str, *, author: str, reason: str,
             start: date, end: date | None = None, invoice_ids: list[int] | None = None) -> Hold:
    """A hold row after checking the debtor, dates and that the items are this debtor's."""
    if session.get(Debtor, debtor_id) is None:
        raise NotFoundError(f"Debtor #{debtor_id} no longer exists")
    if not reason.strip():
        raise UserError("A hold needs a reason")
    if end is not None and end < start:
        raise UserError(f"Hold end {end.isoformat()} is before its start {start.isoformat()}")
    ids = sorted(set(invoice_ids or []))
    if ids:
        found = dict(session.execute(
            select(Invoice.id, Invoice.debtor_id).where(Invoice.id.in_(ids))).all())
        bad = [i for i in ids if found.get(i) != debtor_id]
        if bad:
            raise UserError(f"Invoices {bad} do not belong to debtor #{debtor_id}")
    hold = Hold(debtor_id=debtor_id, kind=kind, reason=reason.strip(), author=author,
                start_date=start, end_date=end, created_at=utcnow(),
                items=[HoldItem(invoice_id=i) for i in ids])
    session.add(hold)
    session.flush()
    return hold


def put_on_hold(session: Session, debtor_id: int, *, author: str, reason: str, start: date,
                end: date | None, legal: bool = False) -> int:
    """Manual hold of the whole debtor until `end` (inclusive), or a legal file (no end)."""
    kind = "legal" if legal else "manual"
    hold = new_hold(session, debtor_id, kind, author=author, reason=reason, start=start,
                    end=None if legal else end)
    what = "Legal file opened" if legal else (
        f"Manual hold until {end.isoformat()}" if end else "Manual hold")
    log_activity(session, author=author, kind=f"hold_{kind}", debtor_id=debtor_id,
                 summary=f"{what}: {hold.reason}", detail={"hold_id": hold.id})
    return hold.id


def release_hold(session: Session, hold_id: int, *, author: str, on: date) -> None:
    """End a hold: reminders may resume from the day after `on`."""
    hold = session.get(Hold, hold_id)
    if hold is None:
        raise NotFoundError(f"Hold #{hold_id} does not exist")
    hold.end_date = max(hold.start_date, on)
    log_activity(session, author=author, kind="hold_released", debtor_id=hold.debtor_id,
                 summary=f"Hold #{hold.id} ({hold.kind}) released on {on.isoformat()}",
                 detail={"hold_id": hold.id})
    session.flush()
