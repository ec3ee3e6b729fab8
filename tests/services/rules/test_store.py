"""Saving rules: a rule with a problem is refused, says which part is at fault, changes nothing."""

import pytest
from sqlalchemy import func, select

from app.db import session_scope
from app.models import Activity, Rule
from app.services.rules.store import (
    RuleDraft,
    RuleInvalidError,
    list_rules,
    reorder_rules,
    save_rule,
)
from tests import factories as f

DSO_ABOVE_60 = {"all": [{"fact": "dso", "op": ">", "value": 60}]}


@pytest.fixture
def plans(db):
    with session_scope(db) as s:
        f.default_plans(s)
        f.user(s, "Marie Curie", role="manager")


def save(db, draft):
    with session_scope(db) as s:
        return save_rule(s, draft, "Alice Martin")


def test_a_valid_rule_is_saved_disabled_by_default_and_logged(db, plans):
    rule_id = save(db, RuleDraft("DSO above 60", DSO_ABOVE_60,
                                 [{"type": "move_to_plan", "plan": "High risk"}]))
    with session_scope(db) as s:
        rows = list_rules(s)
        logged = s.scalar(select(Activity.summary).where(Activity.kind == "rule_saved"))
    assert [(r.rule_id, r.name, r.enabled, r.condition_text, r.actions) for r in rows] == [
        (rule_id, "DSO above 60", False, "DSO > 60", ("Move to plan",))]
    assert logged == "Rule 'DSO above 60' created: when DSO > 60 (disabled)"


@pytest.mark.parametrize(("condition", "actions", "message"), [
    ({"all": [{"fact": "dso_days", "op": ">", "value": 60}]},
     [{"type": "move_to_plan", "plan": "High risk"}],
     "Rule 'R' cannot be saved: condition › condition 1: unknown fact 'dso_days'"),
    ({"all": [{"fact": "dso", "op": ">", "value": "sixty"}]},
     [{"type": "move_to_plan", "plan": "High risk"}],
     "Rule 'R' cannot be saved: condition › condition 1: DSO >: needs a number (number), "
     "got 'sixty'"),
    ({"any": []}, [{"type": "move_to_plan", "plan": "High risk"}],
     "Rule 'R' cannot be saved: condition: this group is empty"),
    (DSO_ABOVE_60, [{"type": "move_to_plan", "plan": "Very high risk"}],
     "Rule 'R' cannot be saved: action 1 (Move to plan): no active plan named 'Very high risk'"),
    (DSO_ABOVE_60, [{"type": "create_task", "kind": "call", "user": "Nobody"}],
     "Rule 'R' cannot be saved: action 1 (Create task): no user named 'Nobody'"),
    (DSO_ABOVE_60, [], "Rule 'R' cannot be saved: actions: a rule needs at least one action"),
])
def test_a_malformed_rule_cannot_be_saved_and_says_why(db, plans, condition, actions, message):
    with pytest.raises(RuleInvalidError) as err:
        save(db, RuleDraft("R", condition, actions))
    assert str(err.value).startswith(message)
    with session_scope(db) as s:
        assert s.scalar(select(func.count()).select_from(Rule)) == 0


def test_two_rules_cannot_share_a_name(db, plans):
    draft = RuleDraft("DSO above 60", DSO_ABOVE_60, [{"type": "notify"}])
    save(db, draft)
    with pytest.raises(RuleInvalidError, match="another rule is already named 'DSO above 60'"):
        save(db, draft)


def test_reordering_sets_priorities_in_the_order_given(db, plans):
    a = save(db, RuleDraft("A", DSO_ABOVE_60, [{"type": "notify"}], priority=10))
    b = save(db, RuleDraft("B", DSO_ABOVE_60, [{"type": "notify"}], priority=20))
    with session_scope(db) as s:
        reorder_rules(s, [b, a], "Alice Martin")
    with session_scope(db) as s:
        assert [(r.name, r.priority) for r in list_rules(s)] == [("B", 10), ("A", 20)]
