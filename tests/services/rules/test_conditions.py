"""Condition trees over a facts table: every operator of DOMAIN.md §7, groups, problems as data."""

import numpy as np
import pandas as pd
import pytest

from app.services.rules.conditions import condition_problems, evaluate
from app.services.rules.wording import condition_text, reason_text

EUR_10K = {"amount": "10000.00", "currency": "EUR"}


@pytest.fixture
def facts():
    """Three debtors: A in EUR (DSO 74.2), B in GBP (DSO 30), C in EUR without DSO."""
    return pd.DataFrame({
        "name": ["A", "B", "C"], "currency": ["EUR", "GBP", "EUR"],
        "dso": [74.17, 30.0, np.nan], "max_dpd": [45, 10, 0],
        "overdue_balance": [1_250_000.0, 2_000_000.0, 0.0],
        "segment": ["smb", "key_accounts", None], "country": ["FR", "GB", "FR"],
        "tags": [("VIP", "OVERLIMIT"), (), ("VIP",)],
    }, index=pd.Index([11, 12, 13], name="debtor_id"))


def matching(node, facts):
    return facts.index[evaluate(node, facts)].tolist()


@pytest.mark.parametrize(("op", "value", "expected"), [
    (">", 60, [11]), (">=", 30, [11, 12]), ("<", 60, [12]), ("<=", 30, [12]),
    ("=", 30, [12]), ("!=", 30, [11]), ("between", [30, 74.17], [11, 12]),
    ("is_empty", None, [13]),
])
def test_numeric_operators_never_match_a_missing_value_except_is_empty(facts, op, value,
                                                                      expected):
    assert matching({"fact": "dso", "op": op, "value": value}, facts) == expected


def test_an_amount_matches_only_debtors_in_its_currency(facts):
    # B's 20,000 GBP is more than 10,000 but not in EUR: amounts of currencies never mix.
    node = {"fact": "overdue_balance", "op": ">", "value": EUR_10K}
    assert matching(node, facts) == [11]


@pytest.mark.parametrize(("op", "value", "expected"), [
    ("=", "smb", [11]), ("!=", "smb", [12, 13]), ("in", ["smb", "key_accounts"], [11, 12]),
    ("not_in", ["smb"], [12, 13]), ("is_empty", None, [13]),
])
def test_choice_operators(facts, op, value, expected):
    assert matching({"fact": "segment", "op": op, "value": value}, facts) == expected


@pytest.mark.parametrize(("op", "value", "expected"), [
    ("contains", "VIP", [11, 13]), ("in", ["OVERLIMIT", "X"], [11]),
    ("not_in", ["VIP"], [12]), ("is_empty", None, [12]),
])
def test_tag_operators(facts, op, value, expected):
    assert matching({"fact": "tags", "op": op, "value": value}, facts) == expected


def test_groups_combine_with_and_and_or(facts):
    node = {"any": [{"all": [{"fact": "dso", "op": ">", "value": 60},
                             {"fact": "country", "op": "=", "value": "FR"}]},
                    {"fact": "tags", "op": "is_empty"}]}
    assert matching(node, facts) == [11, 12]
    assert condition_text(node) == "(DSO > 60 and Country = FR) or Tags is empty"


def test_the_reason_quotes_the_debtors_own_figures(facts):
    node = {"all": [{"fact": "dso", "op": ">", "value": 60},
                    {"fact": "overdue_balance", "op": ">", "value": EUR_10K}]}
    row = facts.reset_index().iloc[0].to_dict()
    assert reason_text(node, row) == ("DSO 74.2 > 60, Overdue balance 12,500.00 EUR > "
                                      "10,000.00 EUR")


def test_a_malformed_tree_lists_every_part_at_fault():
    node = {"all": [{"fact": "dso_days", "op": ">", "value": 60},
                    {"any": []},
                    {"fact": "segment", "op": ">", "value": "smb"},
                    {"fact": "overdue_balance", "op": ">", "value": 10000},
                    {"fact": "dso", "op": "between", "value": [90, 60]}]}
    problems = [str(p) for p in condition_problems(node)]
    assert problems[0].startswith("condition › condition 1: unknown fact 'dso_days'")
    assert problems[1] == ("condition › group 2: this group is empty: add a condition or "
                           "delete the group")
    assert problems[2] == ("condition › condition 3: operator '>' does not apply to Segment "
                           "(choice; use =, ≠, in, not in, is empty)")
    assert problems[3] == ("condition › condition 4: Overdue balance >: needs an amount with a "
                           "currency, got 10000")
    assert problems[4] == "condition › condition 5: DSO between: low is above high"
    assert len(problems) == 5


def test_an_empty_top_level_group_is_a_problem():
    assert [str(p) for p in condition_problems({"all": []})] == [
        "condition: this group is empty: add a condition or delete the group"]
