"""Loads what the campaign rules need, in a few bulk queries: open invoices with the step each
has reached, each debtor's plan, last touch and holds (DOMAIN.md §6)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.models import Activity, Debtor, Invoice, PlanStep, StepHistory
from app.services.collection.decide import DebtorFacts, ItemFacts
from app.services.collection.holds import active_holds
from app.services.collection.plans import PlanInfo, debtor_plan_ids, load_plans
from app.services.collection.promises import broken_promise_items
from app.services.ledger.open_items import (
    cents,
    late_invoice_cents,
    open_items_query,
)

# The touches that count for the minimum gap (notes do not: they are not contacts).
GAP_TOUCH_KINDS = ("email_sent", "sms_sent", "letter_sent", "call")


@dataclass(frozen=True)
class CampaignFacts:
    as_of: date
    plans: dict[int, PlanInfo]
    plan_of: dict[int, int]  # debtor id → plan id
    debtors: dict[int, DebtorFacts]
    items: dict[int, list[ItemFacts]]  # debtor id → open invoices


def _last_touches(session: Session, as_of: date, debtor_ids: list[int] | None
                  ) -> dict[int, date]:
    end = datetime.combine(as_of + timedelta(days=1), time.min)
    q1 = (select(Activity.debtor_id, func.max(Activity.at))
          .where(Activity.kind.in_(GAP_TOUCH_KINDS), Activity.debtor_id.is_not(None),
                 Activity.at < end)
          .group_by(Activity.debtor_id))
    q2 = (select(StepHistory.debtor_id, func.max(StepHistory.on))
          .where(StepHistory.outcome.in_(("proposed", "sent")), StepHistory.on <= as_of)
          .group_by(StepHistory.debtor_id))
    if debtor_ids is not None:
        q1 = q1.where(Activity.debtor_id.in_(debtor_ids))
        q2 = q2.where(StepHistory.debtor_id.in_(debtor_ids))
    out: dict[int, date] = {}
    for debtor_id, at in session.execute(q1):
        if debtor_id is not None and at is not None:
            out[debtor_id] = at.date() if isinstance(at, datetime) else date.fromisoformat(at[:10])
    for debtor_id, on in session.execute(q2):
        if on is not None and on > out.get(debtor_id, date.min):
            out[debtor_id] = on
    return out


def _history(session: Session, as_of: date, debtor_ids: list[int] | None
             ) -> dict[tuple[int, int], tuple[int, date]]:
    """(invoice id, plan id) → (highest step position reached, last history date)."""
    q = (select(StepHistory.invoice_id, PlanStep.plan_id, func.max(PlanStep.position),
                func.max(StepHistory.on))
         .join(PlanStep, PlanStep.id == StepHistory.step_id)
         .join(Invoice, Invoice.id == StepHistory.invoice_id)
         .where(or_(Invoice.settled_on.is_(None), Invoice.settled_on > as_of))
         .group_by(StepHistory.invoice_id, PlanStep.plan_id))
    if debtor_ids is not None:
        q = q.where(StepHistory.debtor_id.in_(debtor_ids))
    return {(i, p): (pos, on) for i, p, pos, on in session.execute(q)}


def debtor_open_invoices(session: Session, debtor_id: int, as_of: date) -> list[Any]:
    """One debtor's invoices open as of `as_of` (DOMAIN.md §3), through its own indexes: the
    residual adds back this invoice's allocations dated after `as_of`. Rows have the columns of
    open_items_query that the rules read (item_id, number, dates, currency, residual_cents)."""
    residual = cents(Invoice.open_amount) + late_invoice_cents(as_of)
    rows = session.execute(
        select(Invoice.id.label("item_id"), Invoice.debtor_id, Invoice.number,
               Invoice.issue_date, Invoice.due_date, Invoice.currency,
               residual.label("residual_cents"))
        .where(Invoice.debtor_id == debtor_id, Invoice.kind == "invoice",
               Invoice.issue_date <= as_of,
               or_(Invoice.settled_on.is_(None), Invoice.settled_on > as_of))
    ).all()
    return [r for r in rows if r.residual_cents > 0]


def load_campaign_facts(session: Session, as_of: date, debtor_ids: list[int] | None = None
                        ) -> CampaignFacts:
    """The facts of every debtor (or of `debtor_ids`) as objects, every open invoice included:
    what `explain` (one debtor) and tests read. The builder reads them as arrays (bulk_facts)."""
    plans = load_plans(session)
    plan_of = debtor_plan_ids(session, debtor_ids)
    holds = active_holds(session, as_of, debtor_ids)
    touches = _last_touches(session, as_of, debtor_ids)
    history = _history(session, as_of, debtor_ids)
    broken = broken_promise_items(session)
    dq = select(Debtor.id, Debtor.country)
    if debtor_ids is not None:
        dq = dq.where(Debtor.id.in_(debtor_ids))
    debtors = {
        d: DebtorFacts(d, country, touches.get(d), holds.debtors.get(d))
        for d, country in session.execute(dq)
    }
    items: dict[int, list[ItemFacts]] = {}
    if debtor_ids is not None:
        rows = [r for d in debtor_ids for r in debtor_open_invoices(session, d, as_of)]
    else:
        rows = [r for r in session.execute(open_items_query(as_of)).all()
                if r.item_type == "invoice" and r.residual_cents > 0]
    for r in rows:
        if r.debtor_id not in plan_of:
            continue
        pos, last_on = history.get((r.item_id, plan_of[r.debtor_id]), (0, None))
        broke = broken.get(r.item_id)
        items.setdefault(r.debtor_id, []).append(ItemFacts(
            invoice_id=r.item_id, number=r.number, issue_date=r.issue_date,
            due_date=r.due_date, currency=r.currency,
            residual=Decimal(int(r.residual_cents)).scaleb(-2),  # from_cents, 5x faster
            received_position=pos, hold=holds.items.get(r.item_id),
            resume_next=broke is not None and (last_on is None or last_on < broke),
        ))
    return CampaignFacts(as_of, plans, plan_of, debtors, items)
