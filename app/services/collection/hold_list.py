"""A debtor's holds as rows for the debtor page: disputes, promises, manual holds and legal files,
each with what it covers, its state as of a date and what the user may do with it next."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Dispute, DisputeEvent, Hold, HoldItem, Invoice, Promise, PromiseInstalment
from app.services.collection.disputes import TRANSITIONS

KIND_LABELS = {"dispute": "Dispute", "promise": "Promise to pay", "manual": "Manual hold",
               "legal": "Legal file"}


@dataclass(frozen=True, slots=True)
class DisputeStep:
    at: datetime
    author: str
    status: str
    note: str | None


@dataclass(frozen=True, slots=True)
class HoldRow:
    hold_id: int
    debtor_id: int
    kind: str  # dispute | promise | manual | legal
    title: str  # "Dispute #3 (delivery)", "Manual hold #5"
    status: str  # dispute: open | in_progress | …; promise: pending | kept | broken; else
    #              scheduled | active | ends today | ended
    active: bool  # stops reminders as of the date asked
    start: date
    end: date | None  # inclusive; promises: last instalment + grace
    invoices: tuple[str, ...]  # numbers of the items it covers; () = the whole debtor
    reason: str
    author: str
    dispute_id: int | None = None
    next_statuses: tuple[str, ...] = ()  # where the dispute may go next
    history: tuple[DisputeStep, ...] = ()  # the dispute's events, oldest first
    promised: tuple[tuple[date, Decimal], ...] = ()
    currency: str | None = None

    @property
    def releasable(self) -> bool:
        """A manual hold or legal file still running can be released by hand."""
        return self.kind in ("manual", "legal") and self.status in ("active", "scheduled")


def _period_status(hold: Hold, as_of: date) -> str:
    if hold.start_date > as_of:
        return "scheduled"
    if hold.end_date is None or hold.end_date > as_of:
        return "active"
    return "ends today" if hold.end_date == as_of else "ended"


def debtor_holds(session: Session, debtor_id: int, as_of: date) -> list[HoldRow]:
    """Every hold of the debtor, newest first."""
    holds = session.scalars(select(Hold).where(Hold.debtor_id == debtor_id)
                            .order_by(Hold.start_date.desc(), Hold.id.desc())).all()
    ids = [h.id for h in holds]
    numbers: dict[int, list[str]] = {}
    for hold_id, number in session.execute(
        select(HoldItem.hold_id, Invoice.number).join(Invoice, Invoice.id == HoldItem.invoice_id)
        .where(HoldItem.hold_id.in_(ids)).order_by(Invoice.due_date, Invoice.number)
    ):
        numbers.setdefault(hold_id, []).append(number)
    disputes = {d.hold_id: d for d in session.scalars(
        select(Dispute).where(Dispute.hold_id.in_(ids)))}
    events: dict[int, list[DisputeEvent]] = {}
    for e in session.scalars(select(DisputeEvent).where(
            DisputeEvent.dispute_id.in_([d.id for d in disputes.values()]))
            .order_by(DisputeEvent.id)):
        events.setdefault(e.dispute_id, []).append(e)
    promises = {p.hold_id: p for p in session.scalars(
        select(Promise).where(Promise.hold_id.in_(ids)))}
    instalments: dict[int, list[PromiseInstalment]] = {}
    for i in session.scalars(select(PromiseInstalment).where(
            PromiseInstalment.promise_id.in_([p.id for p in promises.values()]))
            .order_by(PromiseInstalment.due_date)):
        instalments.setdefault(i.promise_id, []).append(i)
    out: list[HoldRow] = []
    for h in holds:
        common: dict[str, Any] = {
            "hold_id": h.id, "debtor_id": h.debtor_id, "kind": h.kind, "start": h.start_date,
            "invoices": tuple(numbers.get(h.id, ())), "reason": h.reason, "author": h.author}
        running = h.start_date <= as_of and (h.end_date is None or h.end_date >= as_of)
        d, p = disputes.get(h.id), promises.get(h.id)
        if d is not None:
            out.append(HoldRow(
                **common, title=f"Dispute #{d.id} ({d.category})", status=d.status,
                active=running and d.status in ("open", "in_progress"), end=h.end_date,
                dispute_id=d.id, next_statuses=TRANSITIONS.get(d.status, ()),
                history=tuple(DisputeStep(e.at, e.author, e.status, e.note)
                              for e in events.get(d.id, ()))))
        elif p is not None:
            out.append(HoldRow(
                **common, title=f"Promise to pay #{p.id}", status=p.status,
                active=running and p.status == "pending", end=h.end_date,
                promised=tuple((i.due_date, i.amount) for i in instalments.get(p.id, ())),
                currency=p.currency))
        else:
            out.append(HoldRow(**common, title=f"{KIND_LABELS[h.kind]} #{h.id}",
                               status=_period_status(h, as_of), active=running, end=h.end_date))
    return out
