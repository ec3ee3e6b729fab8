from sqlalchemy import func, select

from app.db import session_scope
from app.models import Activity, DebtorPlan, MessageTemplate, PlanStep, ReminderPlan
from app.services.collection.plans import (
    assign_plan,
    debtor_plan_ids,
    ensure_default_plans,
    install_default_plans,
    load_plans,
)
from tests import factories as f


def test_default_plans_are_installed_once(db):
    assert sorted(install_default_plans(db)) == ["High risk", "Key accounts", "Standard"]
    assert install_default_plans(db) == []
    with session_scope(db) as s:
        assert s.scalar(select(func.count()).select_from(ReminderPlan)) == 3
        assert s.scalar(select(func.count()).select_from(MessageTemplate)) == 12
        standard = next(p for p in load_plans(s).values() if p.name == "Standard")
    assert [(st.offset_days, st.channels) for st in standard.steps] == [
        (-5, ("email",)), (3, ("email",)), (10, ("email", "sms")), (20, ("call",)),
        (30, ("letter",))]
    assert standard.steps[-1].with_interest
    assert standard.min_gap_days == 5


def test_key_accounts_call_first_and_high_risk_is_faster(db):
    with session_scope(db) as s:
        f.default_plans(s)
        plans = {p.name: p for p in load_plans(s).values()}
    assert plans["Key accounts"].steps[0].channels == ("call",)
    assert plans["High risk"].steps[-1].offset_days < plans["Standard"].steps[-1].offset_days


def test_a_debtor_follows_its_segment_default_until_assigned(db):
    with session_scope(db) as s:
        ids = f.default_plans(s)
        key = f.debtor(s, "K1", segment="key_accounts")
        smb = f.debtor(s, "S1", segment="smb")
        other = f.debtor(s, "O1", segment=None)
    with session_scope(db) as s:
        assert debtor_plan_ids(s) == {key.id: ids["Key accounts"], smb.id: ids["Standard"],
                                      other.id: ids["Standard"]}
        assign_plan(s, smb.id, "High risk", "Alice Martin")
    with session_scope(db) as s:
        assert debtor_plan_ids(s, [smb.id]) == {smb.id: ids["High risk"]}
        assert s.get(DebtorPlan, smb.id).assigned_by == "Alice Martin"
        assert s.scalar(select(Activity.summary).where(Activity.kind == "plan_changed")) == \
            "Moved to reminder plan 'High risk'"


def test_user_edits_survive_a_second_install(db):
    with session_scope(db) as s:
        ensure_default_plans(s)
        step = s.scalar(select(PlanStep).where(PlanStep.offset_days == 3))
        step.offset_days = 4
    with session_scope(db) as s:
        ensure_default_plans(s)
        offsets = s.scalars(select(PlanStep.offset_days).join(ReminderPlan)
                            .where(ReminderPlan.name == "Standard")
                            .order_by(PlanStep.position)).all()
    assert offsets == [-5, 4, 10, 20, 30]
