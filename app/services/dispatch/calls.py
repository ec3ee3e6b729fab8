"""Call tasks: an approved action whose step is a phone call waits in the outbox as a task for
a person ("Calls today", DOMAIN.md §1). The outcome form closes it: reached → a promise, a
dispute or a note (the step counts as sent); not reached → tried again on a retry date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.errors import NotFoundError, UserError
from app.models import Activity, AppUser, CampaignAction, Contact, Debtor, OutboxMessage
from app.services.activity import log_activity
from app.services.collection.disputes import open_dispute
from app.services.collection.holds import active_holds
from app.services.collection.promises import record_promise
from app.services.dispatch.results import record_sent
from app.services.ledger.open_items import open_items_query
from app.services.money import from_cents

OUTCOMES = ("promise", "dispute", "note", "not_reached")


@dataclass(frozen=True, slots=True)
class CallItem:
    invoice_id: int
    number: str
    due_date: date
    days_late: int
    residual: Decimal
    currency: str


@dataclass(frozen=True, slots=True)
class CallTask:
    """One call to make, with what the caller needs on screen."""

    outbox_id: int
    debtor_id: int
    debtor_ref: str
    debtor_name: str
    contact: str
    phone: str
    tries: int
    items: tuple[CallItem, ...]
    last_touches: tuple[str, ...]
    holds: tuple[str, ...]  # open disputes and running promises

    def total(self) -> dict[str, Decimal]:
        out: dict[str, Decimal] = {}
        for i in self.items:
            out[i.currency] = out.get(i.currency, Decimal("0")) + i.residual
        return out


def calls_today(session: Session, as_of: date, user: str) -> list[CallTask]:
    """Queued call tasks due by `as_of` for debtors the user manages (or nobody manages)."""
    me = session.scalar(select(AppUser.id).where(AppUser.name == user))
    due_by = datetime.combine(as_of, time.max, tzinfo=UTC)
    rows = session.execute(
        select(OutboxMessage, Debtor).join(Debtor, Debtor.id == OutboxMessage.debtor_id)
        .where(OutboxMessage.channel == "call", OutboxMessage.state == "queued",
               OutboxMessage.as_of <= as_of,
               or_(OutboxMessage.next_attempt_at.is_(None),
                   OutboxMessage.next_attempt_at <= due_by),
               or_(Debtor.account_manager_id.is_(None), Debtor.account_manager_id == me))
        .order_by(Debtor.name, OutboxMessage.id)).all()
    holds = active_holds(session, as_of, [d.id for _, d in rows])
    return [_task(session, m, d, as_of, holds.items, holds.debtors.get(d.id)) for m, d in rows]


def _task(session: Session, m: OutboxMessage, d: Debtor, as_of: date, held: dict[int, str],
          debtor_hold: str | None) -> CallTask:
    c = session.scalars(select(Contact).where(Contact.debtor_id == d.id)
                        .order_by(Contact.is_primary.desc(), Contact.id).limit(1)).first()
    items = tuple(
        CallItem(r.item_id, r.number, r.due_date, max(0, (as_of - r.due_date).days),
                 from_cents(r.residual_cents), r.currency)
        for r in sorted(session.execute(open_items_query(as_of, d.id)).all(),
                        key=lambda r: (r.due_date, r.number))
        if r.item_type == "invoice" and r.residual_cents > 0 and r.due_date < as_of)
    touches = tuple(f"{a.at:%Y-%m-%d} {a.summary}" for a in session.scalars(
        select(Activity).where(Activity.debtor_id == d.id).order_by(Activity.at.desc(),
                                                                    Activity.id.desc()).limit(3)))
    hold_texts = sorted({held[i.invoice_id] for i in items if i.invoice_id in held}
                        | ({debtor_hold} if debtor_hold else set()))
    return CallTask(m.id, d.id, d.external_ref, d.name, (c.name or "") if c else "",
                    (c.phone or c.mobile or "") if c else "", m.attempts, items, touches,
                    tuple(hold_texts))


def record_call_outcome(
    session: Session, outbox_id: int, outcome: str, *, user: str, at: datetime, as_of: date,
    note: str = "", invoice_ids: list[int] | None = None,
    promise: tuple[date, Decimal] | None = None, dispute_category: str = "other",
    retry_on: date | None = None,
) -> None:
    """Close (or postpone) a call task with what the call gave."""
    m = session.get(OutboxMessage, outbox_id)
    if m is None or m.channel != "call":
        raise NotFoundError(f"Call task #{outbox_id} does not exist")
    if m.state != "queued":
        raise UserError(f"Call task #{m.id} is already {m.state}")
    if outcome not in OUTCOMES:
        raise UserError(f"Call outcome must be one of {', '.join(OUTCOMES)}")
    if outcome == "not_reached":
        if retry_on is None or retry_on <= as_of:
            raise UserError("Not reached: choose a retry date after today")
        m.attempts += 1
        m.next_attempt_at = datetime.combine(retry_on, time.min, tzinfo=UTC)
        m.last_error = f"not reached on {as_of.isoformat()}"
        log_activity(session, author=user, kind="call_not_reached", debtor_id=m.debtor_id, at=at,
                     summary=f"Call: not reached; try again on {retry_on.isoformat()}"
                     + (f" ({note.strip()})" if note.strip() else ""),
                     detail={"outbox_id": m.id})
        session.flush()
        return
    action = session.get(CampaignAction, m.action_id)
    assert action is not None
    ids = invoice_ids or [i.invoice_id for i in action.items]
    if outcome == "promise":
        if promise is None:
            raise UserError("A promise needs a date and an amount")
        record_promise(session, m.debtor_id, ids, [promise], author=user, on=as_of, note=note)
    elif outcome == "dispute":
        if not note.strip():
            raise UserError("Say what the customer disputes")
        open_dispute(session, m.debtor_id, ids, category=dispute_category, reason=note.strip(),
                     author=user, on=as_of)
    elif not note.strip():
        raise UserError("Write a note of what was said")
    m.attempts += 1
    contact = session.scalars(select(Contact).where(Contact.debtor_id == m.debtor_id)
                              .order_by(Contact.is_primary.desc(), Contact.id).limit(1)).first()
    m.recipient = (contact.phone or contact.mobile) if contact is not None else None
    record_sent(session, m, at=at, author=user, provider_id=None, archive_path=None,
                note={"promise": "promise to pay", "dispute": "dispute opened",
                      "note": note.strip()}[outcome])
