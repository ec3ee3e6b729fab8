"""Turn a claimed outbox row into the exact message to send, as of the dispatch day: items paid,
credited or held since approval are dropped (DOMAIN.md §6.8) and the text is rendered again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

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
from app.services.dispatch.channel import PreparedMessage
from app.services.dispatch.results import record_dropped, record_items_dropped
from app.services.ledger.open_items import open_items_query
from app.services.money import from_cents


def _contact(session: Session, debtor_id: int) -> Contact | None:
    return session.scalars(select(Contact).where(Contact.debtor_id == debtor_id)
                           .order_by(Contact.is_primary.desc(), Contact.id).limit(1)).first()


def _recipient(channel: str, c: Contact | None) -> str | None:
    if c is None:
        return None
    if channel == "email":
        return c.email or None
    if channel in ("sms", "call"):
        return c.mobile or c.phone or None
    lines = [c.name, c.address_line1, c.address_line2,
             " ".join(x for x in (c.postal_code, c.city) if x)]
    return "\n".join(x for x in lines if x) or None


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


def prepare_message(session: Session, outbox_id: int, as_of: date, *, at: datetime,
                    user: str = "Collecta", shared: RunShared | None = None
                    ) -> PreparedMessage | None:
    """The message with the items still due and not held as of `as_of`; None when dropped."""
    shared = shared or RunShared.load(session)
    m = session.get(OutboxMessage, outbox_id)
    assert m is not None
    action = session.get(CampaignAction, m.action_id)
    debtor = session.get(Debtor, m.debtor_id)
    assert action is not None and debtor is not None
    step = session.get(PlanStep, action.step_id)
    assert step is not None
    holds = active_holds(session, as_of, [debtor.id])
    if debtor.id in holds.debtors:
        record_dropped(session, m, at=at, reason=holds.debtors[debtor.id])
        return None
    wanted = {i.invoice_id for i in action.items}
    still = {r.item_id: r for r in session.execute(open_items_query(as_of, debtor.id)).all()
             if r.item_type == "invoice" and r.item_id in wanted and r.residual_cents > 0
             and r.item_id not in holds.items}
    if len(still) < len(wanted):
        gone = sorted(session.scalars(select(Invoice.number).where(
            Invoice.id.in_(wanted - set(still)))).all())
        if not still:
            record_dropped(session, m, at=at, reason="every invoice was paid, credited or held "
                           f"since approval ({', '.join(gone)})")
            return None
        record_items_dropped(session, m, at=at, numbers=gone)
    rows = sorted(still.values(), key=lambda r: (r.due_date, r.number))
    contact = _contact(session, debtor.id)
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
        currency=action.currency, as_of=as_of, language=language, step_name=step.name,
        with_interest=step.with_interest, user_name=user, link_template=shared.link_template)
    text = render_step(shared.templates, step.template_key, (m.channel,), language,
                       str(shared.company["default_language"]), context)[m.channel]
    manager = session.get(AppUser, debtor.account_manager_id) if debtor.account_manager_id else None
    context["address"] = _address(debtor, contact)
    context["with_interest"] = step.with_interest
    due = sum((from_cents(r.residual_cents) for r in rows), from_cents(0))
    context["amount_due"] = str(due)
    context["amount_claimed"] = str(due + _charges(rows, action.currency, as_of, debtor.country)
                                    if step.with_interest else due)
    m.recipient, m.subject, m.body = _recipient(m.channel, contact), text["subject"], text["body"]
    session.flush()
    return PreparedMessage(
        outbox_id=m.id, message_id=m.message_id, channel=m.channel, campaign_id=m.campaign_id,
        action_id=m.action_id, debtor_id=debtor.id, recipient=m.recipient, subject=m.subject,
        body=m.body or "", reply_to=manager.email if manager is not None else None,
        context=context, as_of=as_of)
