"""The engine: fire on the transition, the action when the condition stops holding, conflicts by
priority, dry runs, every firing on the debtor's timeline in words (issue 7)."""

from datetime import date

from sqlalchemy import func, select

from app.db import session_scope
from app.models import (
    Activity,
    AppUser,
    CampaignAction,
    Debtor,
    Hold,
    ReminderPlan,
    RuleMatch,
    Task,
)
from app.services.collection.builder import build_campaign
from app.services.rules.engine import run_rules
from app.services.rules.seeds import ensure_seed_rules
from app.services.rules.store import RuleDraft, save_rule, set_enabled
from tests import factories as f
from tests.services.rules.conftest import AS_OF, arrays, plan_of, tags_of, timeline


def run(db, as_of=AS_OF, dry_run=False, **kw):
    arr = arrays(db)
    with session_scope(db) as s:
        return run_rules(s, arr, as_of, user="Alice Martin", dry_run=dry_run, **kw)


def enable(db, name):
    with session_scope(db) as s:
        ensure_seed_rules(s)
        set_enabled(s, name, True, "Alice Martin")


def test_dso_rule_moves_exactly_the_debtors_above_60_and_says_why(db, book):
    enable(db, "DSO above 60 days")
    result = run(db)
    assert [(c.debtor_id, c.words) for c in result.changes] == [
        (book["Atelier"], "moved this debtor to High risk")]
    assert plan_of(db, book["Atelier"]) == "High risk"
    assert plan_of(db, book["Boulangerie"]) is None  # still its segment's default, Standard
    assert timeline(db, book["Atelier"]) == [
        "Rule 'DSO above 60 days' moved this debtor to High risk: DSO 74.2 > 60"]


def test_a_rule_fires_once_while_its_condition_holds(db, book):
    enable(db, "DSO above 60 days")
    run(db)
    again = run(db, as_of=date(2024, 4, 1))
    assert again.changes == ()
    assert again.rules[0].matching == 1 and again.rules[0].entering == 0
    assert len(timeline(db, book["Atelier"])) == 1


def test_when_the_condition_stops_holding_the_debtor_goes_back_to_standard(db, book):
    enable(db, "DSO above 60 days")
    run(db)
    with session_scope(db) as s:
        a = s.get(Debtor, book["Atelier"])
        f.payment(s, a, 212_000, on=date(2024, 4, 10))  # unapplied cash nets the AR to 0
    result = run(db, as_of=date(2024, 4, 10))
    assert [c.leaving for c in result.changes] == [True]
    assert plan_of(db, book["Atelier"]) == "Standard"
    assert timeline(db, book["Atelier"])[-1] == (
        "Rule 'DSO above 60 days' moved this debtor to Standard: DSO 0, no longer > 60")
    with session_scope(db) as s:
        assert s.scalar(select(func.count()).select_from(RuleMatch)) == 0


def test_a_dry_run_returns_the_changes_and_writes_nothing(db, book):
    enable(db, "DSO above 60 days")
    dry = run(db, dry_run=True)
    assert [c.summary() for c in dry.changes] == [
        "Rule 'DSO above 60 days' moved this debtor to High risk: DSO 74.2 > 60"]
    assert plan_of(db, book["Atelier"]) is None
    assert timeline(db, book["Atelier"]) == []
    real = run(db)
    assert [c.summary() for c in real.changes] == [c.summary() for c in dry.changes]


def test_conflicting_rules_are_resolved_by_priority_and_reported(db, book):
    with session_scope(db) as s:
        save_rule(s, RuleDraft("Late payers to key accounts", priority=50, enabled=True,
                               condition={"all": [{"fact": "max_dpd", "op": ">", "value": 30}]},
                               actions=[{"type": "move_to_plan", "plan": "Key accounts"}]),
                  "Alice Martin")
    enable(db, "DSO above 60 days")  # priority 10
    result = run(db)
    assert plan_of(db, book["Atelier"]) == "High risk"
    assert [(c.debtor_name, c.slot, c.winner, c.loser) for c in result.conflicts] == [
        ("Atelier Dupuis", "plan", "DSO above 60 days", "Late payers to key accounts")]


def test_over_limit_rule_tags_and_creates_a_review_task_for_the_manager(db, book):
    enable(db, "Over credit limit")
    run(db)
    assert tags_of(db, book["Atelier"]) == ["OVERLIMIT"]
    with session_scope(db) as s:
        tasks = [(t.kind, t.debtor_id, s.get(AppUser, t.assignee_id).name, t.due_date)
                 for t in s.scalars(select(Task))]
    assert tasks == [("review", book["Atelier"], "Marie Curie", date(2024, 4, 2))]
    assert timeline(db, book["Atelier"]) == [
        "Rule 'Over credit limit' flagged this debtor over its credit limit: "
        "Exposure / credit limit 212 % > 100 %",
        "Rule 'Over credit limit' created a review task for Marie Curie due 2024-04-02: "
        "Exposure / credit limit 212 % > 100 %"]


def test_the_next_campaign_uses_the_high_risk_plan(db, book):
    enable(db, "DSO above 60 days")
    with session_scope(db) as s:
        build_campaign(s, AS_OF, user="Alice Martin")
    assert plan_of(db, book["Atelier"]) == "High risk"
    with session_scope(db) as s:
        used = {(a.debtor_id, s.get(ReminderPlan, a.plan_id).name)
                for a in s.scalars(select(CampaignAction))}
        runs = s.scalar(select(func.count()).select_from(Activity)
                        .where(Activity.kind == "rules_run"))
    assert (book["Atelier"], "High risk") in used
    assert runs == 1


def test_seed_rules_ship_disabled_and_install_once(db, book):
    with session_scope(db) as s:
        assert len(ensure_seed_rules(s)) == 5
        assert ensure_seed_rules(s) == []
    result = run(db)
    assert result.rules == () and result.changes == ()


def test_round_robin_assignment_and_a_hold_until_a_date(db, book):
    with session_scope(db) as s:
        f.user(s, "Bruno Petit", role="manager")
        save_rule(s, RuleDraft(
            "Share open accounts", priority=10, enabled=True,
            condition={"all": [{"fact": "open_balance", "op": ">",
                                "value": {"amount": "0", "currency": "EUR"}}]},
            actions=[{"type": "assign_manager", "team": "manager"},
                     {"type": "hold", "days": 14}]), "Alice Martin")
    run(db)
    with session_scope(db) as s:
        managers = {d.name: s.get(AppUser, d.account_manager_id).name
                    for d in s.scalars(select(Debtor).order_by(Debtor.id))}
        holds = [(h.debtor_id, h.kind, h.start_date, h.end_date)
                 for h in s.scalars(select(Hold).order_by(Hold.debtor_id))]
    # managers in name order, taken in turn: Bruno Petit, then Marie Curie
    assert managers == {"Atelier Dupuis": "Bruno Petit", "Boulangerie Petit": "Marie Curie"}
    assert holds == [(book["Atelier"], "manual", AS_OF, date(2024, 4, 14)),
                     (book["Boulangerie"], "manual", AS_OF, date(2024, 4, 14))]
    assert timeline(db, book["Boulangerie"])[-1] == (
        "Rule 'Share open accounts' put this debtor on hold until 2024-04-14: "
        "Open balance 10,000.00 EUR > 0.00 EUR")
