"""Turn claimed outbox rows into the exact messages to send, as of the dispatch day: items paid,
credited or held since approval are dropped (DOMAIN.md §6.8) and the text is rendered again.

A batch of rows is prepared with one query per table (rows, actions and their items, debtors,
steps, contacts, managers, holds, open items), not one per row. A notice is sent as queued."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.models import (
    AppUser,
    CampaignAction,
    Contact,
    Debtor,
    Invoice,
    OutboxMessage,
    PlanStep,
    Setting,
)
from app.services.collection.holds import active_holds
from app.services.collection.interest import late_charges, regime_for
from app.services.collection.previews import company_dict
from app.services.collection.references import PAYMENT_LINK_SETTING
from app.services.collection.templates import (
    ItemLine,
    load_templates,
    message_context,
    render_step,
)
from app.services.dispatch.channel import InvoiceRef, PreparedMessage
from app.services.dispatch.recipients import (
    RECIPIENT_LENGTH,
    SUBJECT_LENGTH,
    fit,
    primary_contacts,
    recipient_for,
)
from app.services.dispatch.results import record_dropped, record_items_dropped
from app.services.ledger.open_items import allocated_after, open_items_query
from app.services.money import from_cents


def _open_invoices(session: Session, as_of: date, debtor_ids: list[int]) -> dict[int, Any]:
    """invoice id → its open-item row as of `as_of`, for these debtors' invoices still due."""
    items = open_items_query(as_of, late=allocated_after(session, as_of)).subquery("items")
    return {r.item_id: r for r in session.execute(select(items).where(
        items.c.debtor_id.in_(debtor_ids), items.c.item_type == "invoice",
        items.c.residual_cents > 0))}


def _address(d: Debtor, c: Contact | None) -> list[str]:
    if c is None:
        return [d.name]
    lines = [d.name, c.name if c.name and c.name != d.name else None, c.address_line1,
             c.address_line2, " ".join(x for x in (c.postal_code, c.city) if x),
             c.country if c.country and c.country != "FR" else None]
    return [x for x in lines if x]


def _charges(rows: list[Any], currency: str, as_of: date, country: str | None) -> Decimal:
    """Interest + indemnity on the late items, as message_context states them (§5)."""
    regime = regime_for(country)
    total = Decimal("0")
    for r in rows:
        if r.due_date < as_of:
            charges = late_charges(from_cents(r.residual_cents), currency, r.due_date, as_of,
                                   regime)
            total += charges.interest + charges.indemnity
    return total


@dataclass(frozen=True)
class RunShared:
    """What every message of one run shares: templates, the company, the payment link."""

    templates: dict[Any, tuple[str | None, str]]
    company: dict[str, Any]
    link_template: str | None

    @classmethod
    def load(cls, session: Session) -> RunShared:
        link = session.get(Setting, PAYMENT_LINK_SETTING)
        return cls(load_templates(session), company_dict(session),
                   str(link.value) if link is not None and link.value else None)


@dataclass(frozen=True, slots=True)
class Planned:
    """What preparing one claimed row decided, before anything is written: its message, or why
    it is dropped whole, and which invoices were dropped from it."""

    outbox_id: int
    channel: str
    message: PreparedMessage | None
    dropped: str | None = None
    items_dropped: tuple[str, ...] = ()


def prepare_message(session: Session, outbox_id: int, as_of: date, *, at: datetime,
                    user: str = "Collecta", shared: RunShared | None = None
                    ) -> PreparedMessage | None:
    """The message with the items still due and not held as of `as_of`; None when dropped."""
    return prepare_batch(session, [outbox_id], as_of, at=at, user=user, shared=shared)[outbox_id]


def prepare_batch(session: Session, outbox_ids: list[int], as_of: date, *, at: datetime,
                  user: str = "Collecta", shared: RunShared | None = None
                  ) -> dict[int, PreparedMessage | None]:
    """Each row's message (None when dropped, with the activity saying why), in one pass."""
    planned = plan_batch(session, outbox_ids, as_of, user=user, shared=shared)
    apply_plans(session, planned, at=at)
    return {p.outbox_id: p.message for p in planned}


def apply_plans(session: Session, planned: list[Planned], *, at: datetime
                ) -> dict[int, OutboxMessage]:
    """Write what the plans decided: drops on the timeline, each message's final recipient,
    subject and text on its row (what a person checks when it ends up `unknown`). Returns the
    rows by id."""
    rows = {m.id: m for m in session.scalars(select(OutboxMessage).where(
        OutboxMessage.id.in_([p.outbox_id for p in planned])))}
    for p in planned:
        m = rows[p.outbox_id]
        if p.dropped is not None:
            record_dropped(session, m, at=at, reason=p.dropped)
            continue
        if p.items_dropped:
            record_items_dropped(session, m, at=at, numbers=list(p.items_dropped))
        if p.message is not None and m.kind != "notice":
            m.recipient = fit(p.message.recipient, RECIPIENT_LENGTH)
            m.subject = fit(p.message.subject, SUBJECT_LENGTH)
            m.body = p.message.body
    session.flush()
    return rows


def plan_batch(session: Session, outbox_ids: list[int], as_of: date, *, user: str = "Collecta",
               shared: RunShared | None = None) -> list[Planned]:
    """Each row's plan, in `outbox_ids` order, with one query per table; reads only."""
    shared = shared or RunShared.load(session)
    rows = {m.id: m for m in session.scalars(
        select(OutboxMessage).where(OutboxMessage.id.in_(outbox_ids)))}
    reminders = [m for m in rows.values() if m.kind != "notice"]
    out: dict[int, Planned] = {m.id: Planned(m.id, m.channel, _notice(m))
                               for m in rows.values() if m.kind == "notice"}
    if reminders:
        out.update(_plan_reminders(session, reminders, as_of, user, shared))
    return [out[i] for i in outbox_ids if i in out]


def _plan_reminders(session: Session, reminders: list[OutboxMessage], as_of: date, user: str,
                    shared: RunShared) -> dict[int, Planned]:
    actions = {a.id: a for a in session.scalars(
        select(CampaignAction).where(CampaignAction.id.in_({m.action_id for m in reminders}))
        .options(selectinload(CampaignAction.items)))}
    debtor_ids = sorted({m.debtor_id for m in reminders})
    debtors = {d.id: d for d in session.scalars(select(Debtor).where(Debtor.id.in_(debtor_ids)))}
    steps = {p.id: p for p in session.scalars(select(PlanStep).where(
        PlanStep.id.in_({a.step_id for a in actions.values()})))}
    managers = {u.id: u for u in session.scalars(select(AppUser).where(AppUser.id.in_(
        {d.account_manager_id for d in debtors.values() if d.account_manager_id})))}
    holds = active_holds(session, as_of, debtor_ids)
    open_rows = _open_invoices(session, as_of, debtor_ids)
    wanted_all = {i.invoice_id for a in actions.values() for i in a.items}
    invoices = {i: (number, ref) for i, number, ref in session.execute(
        select(Invoice.id, Invoice.number, Invoice.external_ref).where(
            Invoice.id.in_(wanted_all)))}
    contacts = primary_contacts(session, debtor_ids)
    out: dict[int, Planned] = {}
    for m in reminders:
        action = actions[m.action_id]  # type: ignore[index]
        debtor = debtors[m.debtor_id]
        if debtor.id in holds.debtors:
            out[m.id] = Planned(m.id, m.channel, None, dropped=holds.debtors[debtor.id])
            continue
        wanted = {i.invoice_id for i in action.items}
        still = {i: open_rows[i] for i in wanted
                 if i in open_rows and open_rows[i].debtor_id == debtor.id
                 and i not in holds.items}
        gone = tuple(sorted(invoices[i][0] for i in wanted - set(still)))
        if not still:
            out[m.id] = Planned(m.id, m.channel, None, dropped="every invoice was paid, "
                                f"credited or held since approval ({', '.join(gone)})")
            continue
        manager = managers.get(debtor.account_manager_id or 0)
        message = _reminder(m, debtor, steps[action.step_id], action.currency,
                            sorted(still.values(), key=lambda r: (r.due_date, r.number)),
                            contacts.get(debtor.id), manager, invoices, as_of, user, shared)
        out[m.id] = Planned(m.id, m.channel, message, items_dropped=gone)
    return out


def _notice(m: OutboxMessage) -> PreparedMessage:
    """A notice is final when queued: sent as it is, plain text."""
    return PreparedMessage(
        outbox_id=m.id, message_id=m.message_id, channel=m.channel, campaign_id=None,
        action_id=None, debtor_id=m.debtor_id, recipient=m.recipient or None,
        subject=m.subject, body=m.body or "", reply_to=None, as_of=m.as_of, kind="notice")


def _reminder(m: OutboxMessage, debtor: Debtor, step: PlanStep, currency: str, rows: list[Any],
              contact: Contact | None, manager: AppUser | None,
              invoices: Mapping[int, tuple[str, str | None]], as_of: date, user: str,
              shared: RunShared) -> PreparedMessage:
    language = debtor.language or str(shared.company["default_language"])
    context: dict[str, Any] = message_context(
        company=shared.company,
        debtor={"id": debtor.id, "ref": debtor.external_ref, "name": debtor.name,
                "country": debtor.country, "language": debtor.language},
        contact={"name": contact.name or "" if contact else "",
                 "email": contact.email or "" if contact else "",
                 "phone": (contact.phone or contact.mobile or "") if contact else "",
                 "mobile": contact.mobile or "" if contact else ""},
        items=[ItemLine(r.number, r.issue_date, r.due_date, from_cents(r.residual_cents))
               for r in rows],
        currency=currency, as_of=as_of, language=language, step_name=step.name,
        with_interest=step.with_interest, user_name=user, link_template=shared.link_template)
    text = render_step(shared.templates, step.template_key, (m.channel,), language,
                       str(shared.company["default_language"]), context)[m.channel]
    context["address"] = _address(debtor, contact)
    context["with_interest"] = step.with_interest
    due = sum((from_cents(r.residual_cents) for r in rows), from_cents(0))
    context["amount_due"] = str(due)
    context["amount_claimed"] = str(due + _charges(rows, currency, as_of, debtor.country)
                                    if step.with_interest else due)
    return PreparedMessage(
        outbox_id=m.id, message_id=m.message_id, channel=m.channel, campaign_id=m.campaign_id,
        action_id=m.action_id, debtor_id=debtor.id, recipient=recipient_for(m.channel, contact),
        subject=text["subject"], body=text["body"] or "",
        reply_to=manager.email if manager is not None else None, context=context, as_of=as_of,
        invoices=tuple(InvoiceRef(r.number, invoices[r.item_id][1]) for r in rows))
