"""The debtor page: header, contacts, balances, open items, payments and the activity timeline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import NotFoundError, UserError
from app.models import Activity, AppUser, Contact, Debtor, Payment
from app.services.activity import log_activity
from app.services.ledger.open_items import open_items_query
from app.services.money import from_cents, totals_by_currency


@dataclass(frozen=True, slots=True)
class ContactInfo:
    name: str | None
    role: str | None
    email: str | None
    phone: str | None
    mobile: str | None
    address: str
    preferred_channel: str | None
    is_primary: bool


@dataclass(frozen=True, slots=True)
class OpenItem:
    item_type: str  # invoice | credit_note | payment
    item_id: int
    ref: str
    number: str
    issue_date: date
    due_date: date
    currency: str
    amount: Decimal
    residual: Decimal  # signed: credits negative
    days_past_due: int


@dataclass(frozen=True, slots=True)
class PaymentInfo:
    payment_id: int
    ref: str
    date: date
    currency: str
    amount: Decimal
    unapplied: Decimal
    method: str | None
    reference: str | None


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    at: datetime
    author: str
    kind: str
    summary: str
    detail: dict[str, Any] | None


@dataclass(frozen=True, slots=True)
class DebtorDetail:
    debtor_id: int
    ref: str
    source: str
    name: str
    segment: str | None
    country: str | None
    language: str
    manager: str | None
    credit_limit: Decimal | None
    credit_limit_currency: str | None
    tags: tuple[str, ...]
    notes: str | None
    as_of: date
    contacts: tuple[ContactInfo, ...]
    open_items: tuple[OpenItem, ...]
    balances: dict[str, Decimal]
    overdue: dict[str, Decimal]
    payments: tuple[PaymentInfo, ...]
    timeline: tuple[TimelineEntry, ...]


def find_debtor(session: Session, ref: str) -> Debtor:
    """The debtor with external reference `ref` (any source); NotFoundError otherwise."""
    rows = session.scalars(select(Debtor).where(Debtor.external_ref == ref)).all()
    if not rows:
        raise NotFoundError(f"No debtor with reference '{ref}'")
    if len(rows) > 1:
        sources = ", ".join(sorted(d.source for d in rows))
        raise UserError(f"Reference '{ref}' exists in several sources ({sources}); use SOURCE:REF")
    return rows[0]


def resolve_debtor(session: Session, ref: str) -> Debtor:
    if ":" in ref:
        source, _, external = ref.partition(":")
        found = session.scalar(
            select(Debtor).where(Debtor.source == source, Debtor.external_ref == external)
        )
        if found is not None:
            return found
    return find_debtor(session, ref)


def _address(c: Contact) -> str:
    parts = [c.address_line1, c.address_line2, " ".join(p for p in (c.postal_code, c.city) if p),
             c.country]
    return ", ".join(p for p in parts if p)


def debtor_detail(
    session: Session, debtor_id: int, as_of: date, *, timeline_limit: int = 500
) -> DebtorDetail:
    d = session.get(Debtor, debtor_id)
    if d is None:
        raise NotFoundError(f"Debtor #{debtor_id} no longer exists")
    manager = session.get(AppUser, d.account_manager_id) if d.account_manager_id else None
    items: list[OpenItem] = []
    for r in session.execute(open_items_query(as_of, debtor_id=d.id)).all():
        if r.residual_cents == 0:
            continue
        sign = 1 if r.item_type == "invoice" else -1
        dpd = (as_of - r.due_date).days if r.item_type == "invoice" else 0
        items.append(
            OpenItem(r.item_type, r.item_id, r.ref, r.number, r.issue_date, r.due_date,
                     r.currency, from_cents(r.amount_cents), from_cents(sign * r.residual_cents),
                     dpd)
        )
    items.sort(key=lambda i: (i.due_date, i.number))
    balances = totals_by_currency([(i.currency, i.residual) for i in items])
    overdue = totals_by_currency(
        [(i.currency, i.residual) for i in items
         if i.item_type == "invoice" and i.days_past_due > 0]
    )
    payments = tuple(
        PaymentInfo(p.id, p.external_ref, p.date, p.currency, p.amount, p.open_amount, p.method,
                    p.reference)
        for p in session.scalars(
            select(Payment).where(Payment.debtor_id == d.id, Payment.date <= as_of)
            .order_by(Payment.date.desc(), Payment.id.desc())
        )
    )
    timeline = tuple(
        TimelineEntry(a.at, a.author, a.kind, a.summary, a.detail)
        for a in session.scalars(
            select(Activity).where(Activity.debtor_id == d.id)
            .order_by(Activity.at.desc(), Activity.id.desc()).limit(timeline_limit)
        )
    )
    contacts = tuple(
        ContactInfo(c.name, c.role, c.email, c.phone, c.mobile, _address(c), c.preferred_channel,
                    c.is_primary)
        for c in sorted(d.contacts, key=lambda c: (not c.is_primary, c.id))
    )
    return DebtorDetail(
        debtor_id=d.id, ref=d.external_ref, source=d.source, name=d.name, segment=d.segment,
        country=d.country, language=d.language, manager=manager.name if manager else None,
        credit_limit=d.credit_limit, credit_limit_currency=d.credit_limit_currency,
        tags=tuple(d.tags or ()), notes=d.notes, as_of=as_of, contacts=contacts,
        open_items=tuple(items), balances=balances, overdue=overdue, payments=payments,
        timeline=timeline,
    )


def add_note(session: Session, debtor_id: int, author: str, text: str) -> int:
    """Record a note on the debtor's timeline; returns the activity id."""
    text = text.strip()
    if not text:
        raise UserError("A note cannot be empty")
    if session.get(Debtor, debtor_id) is None:
        raise NotFoundError(f"Debtor #{debtor_id} no longer exists")
    row = log_activity(session, author=author, kind="note", summary=text, debtor_id=debtor_id)
    session.flush()
    return row.id
