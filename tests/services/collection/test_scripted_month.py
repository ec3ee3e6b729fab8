"""Acceptance (issue 5): a scripted month on the demo ledger — build → approve → mark sent, day
after day, with the PC off for 10 days in the middle — never proposes the same step twice for an
item, never touches a held item, respects the gap, and after the 10-day gap sends only the
highest due step."""

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select

from app.db import session_scope
from app.models import (
    CampaignAction,
    CampaignActionItem,
    Debtor,
    Invoice,
    PlanStep,
    StepHistory,
)
from app.services.collection.approval import approve_campaign, mark_action_sent
from app.services.collection.builder import build_campaign
from app.services.collection.disputes import open_dispute
from app.services.collection.facts import load_campaign_facts
from app.services.collection.holds import active_holds, put_on_hold
from app.services.collection.plans import install_default_plans
from app.services.collection.promises import record_promise
from app.services.demo import generate_demo
from tests.factories import D

START = date(2025, 6, 2)
OFF = range(10, 20)  # days the PC stayed off


def _open_invoices(s, debtor_id, day):
    return s.scalars(select(Invoice).where(
        Invoice.debtor_id == debtor_id, Invoice.kind == "invoice", Invoice.settled_on.is_(None),
        Invoice.issue_date <= day).order_by(Invoice.due_date)).all()


def _add_holds(db):
    """A dispute, a manual hold and a promise on three debtors with open items."""
    with session_scope(db) as s:
        candidates = [d for d in s.scalars(select(Debtor).order_by(Debtor.id))
                      if len(_open_invoices(s, d.id, START)) >= 2][:3]
        a, b, c = candidates
        open_dispute(s, a.id, [_open_invoices(s, a.id, START)[0].id], category="quality",
                     reason="Damaged goods", author="Claire Dubois", on=START)
        put_on_hold(s, b.id, author="Claire Dubois", reason="Negotiating a settlement",
                    start=START, end=START + timedelta(days=15))
        promised = _open_invoices(s, c.id, START)[0]
        record_promise(s, c.id, [promised.id], [(START + timedelta(days=24), D(1))],
                       author="Claire Dubois", on=START)


def _due_unreceived(s, facts, invoice_id, debtor_id, day):
    """Steps of the item's plan that are due on `day` and have no history row."""
    plan = facts.plans[facts.plan_of[debtor_id]]
    item = next(i for i in facts.items[debtor_id] if i.invoice_id == invoice_id)
    country = facts.debtors[debtor_id].country
    have: set[int] = set()  # steps received, and those a catch-up skipped
    for h in s.scalars(select(StepHistory).where(StepHistory.invoice_id == invoice_id)):
        have |= {h.step_id, *(h.skipped_step_ids or ())}
    return [st.position for st in plan.steps
            if st.due_on(item.due_date, country) <= day and st.step_id not in have]


def test_a_scripted_month_on_the_demo_ledger(db):
    generate_demo(db, debtors=60, seed=11, as_of=START)
    install_default_plans(db)
    _add_holds(db)
    touches: dict[int, list[date]] = {}
    proposed_after_gap = 0
    for n in range(30):
        day = START + timedelta(days=n)
        if n in OFF:
            continue
        with session_scope(db) as s:
            held = active_holds(s, day)
            facts = load_campaign_facts(s, day)
            # What the build must do, measured before it runs.
            expected_highest = {}
            if n == OFF.stop:
                for debtor_id, items in facts.items.items():
                    for i in items:
                        due = _due_unreceived(s, facts, i.invoice_id, debtor_id, day)
                        if due:
                            expected_highest[i.invoice_id] = max(due)
            result = build_campaign(s, day, user="Julien Moreau")
            rows = s.execute(
                select(CampaignAction.debtor_id, CampaignActionItem.invoice_id,
                       CampaignActionItem.step_id)
                .join(CampaignActionItem, CampaignActionItem.action_id == CampaignAction.id)
                .where(CampaignAction.campaign_id == result.campaign_id)).all()
            for debtor_id, invoice_id, step_id in rows:
                assert debtor_id not in held.debtors, f"{day}: held debtor {debtor_id} touched"
                assert invoice_id not in held.items, f"{day}: held item {invoice_id} touched"
                if n == OFF.stop and step_id is not None:
                    position = s.get(PlanStep, step_id).position
                    assert position == expected_highest[invoice_id]
                    proposed_after_gap += 1
            approve_campaign(s, result.campaign_id, user="Claire Dubois")
            for action_id, debtor_id in s.execute(
                select(CampaignAction.id, CampaignAction.debtor_id)
                .where(CampaignAction.campaign_id == result.campaign_id)).all():
                mark_action_sent(s, action_id, datetime.combine(day, datetime.min.time(), UTC),
                                 author="Collecta")
                touches.setdefault(debtor_id, []).append(day)
    with session_scope(db) as s:
        pairs = s.execute(
            select(CampaignActionItem.invoice_id, CampaignActionItem.step_id, func.count())
            .where(CampaignActionItem.step_id.is_not(None))
            .group_by(CampaignActionItem.invoice_id, CampaignActionItem.step_id)).all()
        gaps = {d: facts.plans[facts.plan_of[d]].min_gap_days for d in touches}
        skipped = sum(len(h.skipped_step_ids or ()) for h in s.scalars(select(StepHistory)))
    assert pairs and all(count == 1 for _, _, count in pairs)  # never the same step twice
    for debtor_id, days in touches.items():
        for earlier, later in zip(days, days[1:], strict=False):
            assert earlier == later or (later - earlier).days >= gaps[debtor_id]
    assert proposed_after_gap > 0 and skipped > 0
