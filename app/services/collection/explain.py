"""Why an open item is or is not in today's campaign, in a credit controller's words (§6.7).

The text comes from the same rules the builder applies (decide.py); when the day's campaign
exists already, it says which action of that campaign carries the item.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.errors import NotFoundError, UserError
from app.models import Campaign, CampaignAction, CampaignActionItem, Invoice, PlanStep
from app.services.collection.decide import decide_debtor
from app.services.collection.facts import debtor_open_invoices, load_campaign_facts


def find_invoice(session: Session, ref: str) -> Invoice:
    """An invoice by its number or its external reference."""
    rows = session.scalars(
        select(Invoice).where(or_(Invoice.number == ref, Invoice.external_ref == ref))
    ).all()
    if not rows:
        raise NotFoundError(f"No invoice with number or reference '{ref}'")
    if len(rows) > 1:
        raise UserError(f"'{ref}' matches {len(rows)} invoices; use the external reference")
    return rows[0]


def _in_campaign(session: Session, invoice_id: int, as_of: date) -> str | None:
    row = session.execute(
        select(Campaign.id, Campaign.status, CampaignAction.excluded,
               CampaignAction.exclude_reason, CampaignAction.channels, PlanStep.position,
               PlanStep.name, CampaignActionItem.step_id)
        .join(CampaignAction, CampaignAction.campaign_id == Campaign.id)
        .join(CampaignActionItem, CampaignActionItem.action_id == CampaignAction.id)
        .join(PlanStep, PlanStep.id == CampaignAction.step_id)
        .where(Campaign.as_of_key == as_of, CampaignActionItem.invoice_id == invoice_id)
    ).first()
    if row is None:
        return None
    cid, status, excluded, reason, channels, position, name, own_step = row
    where = f"campaign #{cid} of {as_of.isoformat()} ({status.replace('_', ' ')})"
    if excluded:
        return f"excluded from {where}: {reason}"
    how = f"step {position} '{name}' by {' + '.join(channels)}"
    if own_step is None:
        return f"listed in the {how} message of {where}"
    return f"in {where}: {how}"


def explain_item(session: Session, invoice_id: int, as_of: date) -> str:
    inv = session.get(Invoice, invoice_id)
    if inv is None:
        raise NotFoundError(f"Invoice #{invoice_id} does not exist")
    head = f"{inv.number} as of {as_of.isoformat()}: "
    if inv.kind != "invoice":
        return head + "a credit note is never reminded"
    if inv.issue_date > as_of:
        return head + f"not issued yet (issued {inv.issue_date.isoformat()})"
    still_open = any(r.item_id == inv.id
                     for r in debtor_open_invoices(session, inv.debtor_id, as_of))
    if not still_open:
        return head + "settled, nothing to remind"
    campaign_text = _in_campaign(session, inv.id, as_of)
    if campaign_text is not None:
        return head + campaign_text
    facts = load_campaign_facts(session, as_of, [inv.debtor_id])
    if inv.debtor_id not in facts.plan_of:
        return head + "the debtor follows no reminder plan"
    plan = facts.plans[facts.plan_of[inv.debtor_id]]
    decision = decide_debtor(plan, facts.debtors[inv.debtor_id],
                             facts.items.get(inv.debtor_id, []), as_of)
    note = decision.notes.get(inv.id, "not in a reminder plan")
    return head + f"plan '{plan.name}', {note}"
