"""The insurer's score and limit as rule facts: latest assessment on or before the date, the limit
compared in its own currency, the reason naming the insurer and the date."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from app.db import session_scope
from app.models import InsurerAssessment
from app.services.rules.conditions import condition_problems
from app.services.rules.engine import run_rules
from app.services.rules.facts import debtor_facts
from app.services.rules.preview import preview_condition
from app.services.rules.seeds import ensure_seed_rules
from app.services.rules.store import set_enabled
from tests.services.rules.conftest import AS_OF, arrays, tags_of, timeline


def assess(s, debtor_id, on, score=None, limit=None, currency="EUR", insurer="Coface"):
    s.add(InsurerAssessment(debtor_id=debtor_id, insurer=insurer,
                            score=None if score is None else Decimal(score),
                            limit_amount=None if limit is None else Decimal(limit),
                            limit_currency=currency if limit is not None else None,
                            assessed_on=on, imported_at=datetime(2024, 3, 1, tzinfo=UTC)))


@pytest.fixture
def insured(db, book):
    with session_scope(db) as s:
        assess(s, book["Atelier"], date(2024, 1, 10), score="8", limit="300000")
        assess(s, book["Atelier"], date(2024, 3, 15), score="3.5", limit="150000")
        assess(s, book["Atelier"], date(2024, 4, 15), score="1", limit="1000")  # after as_of
        assess(s, book["Boulangerie"], date(2024, 2, 1), score="6", limit="20000",
               currency="CHF", insurer="Allianz Trade")
    return book


def facts(db):
    with session_scope(db) as s:
        return debtor_facts(s, arrays(db), AS_OF)


def test_the_latest_assessment_on_or_before_the_date_is_the_fact(db, insured):
    table = facts(db)
    a = table.loc[insured["Atelier"]]
    assert (a["external_score"], a["external_limit"], a["external_limit_currency"]) == (
        3.5, 15_000_000, "EUR")
    assert a["insurer_exposure_ratio"] == pytest.approx(212_000 / 150_000 * 100)
    b = table.loc[insured["Boulangerie"]]
    assert (b["insurer"], b["external_score"], b["external_limit_currency"]) == (
        "Allianz Trade", 6.0, "CHF")
    assert b["insurer_exposure_ratio"] != b["insurer_exposure_ratio"]  # CHF limit, EUR book


def test_the_limit_is_compared_in_its_own_currency(db, insured):
    table = facts(db)
    chf = {"all": [{"fact": "external_limit", "op": "<",
                    "value": {"amount": "50000", "currency": "CHF"}}]}
    eur = {"all": [{"fact": "external_limit", "op": "<",
                    "value": {"amount": "50000", "currency": "EUR"}}]}
    # Boulangerie's book is in EUR but its insurer limit is 20,000 CHF: only the CHF rule sees it
    assert [r.name for r in preview_condition(table, chf).rows] == ["Boulangerie Petit"]
    assert preview_condition(table, eur).count == 0
    low = {"all": [{"fact": "external_score", "op": "<", "value": 5}]}
    assert [(r.name, r.reason) for r in preview_condition(table, low).rows] == [
        ("Atelier Dupuis", "Insurer score 3.5 (Coface, 2024-03-15) < 5")]


def test_insurer_facts_validate_like_the_others(db):
    assert condition_problems({"all": [{"fact": "external_limit", "op": ">", "value": 5}]})[0] \
        .message.startswith("Insurer limit >: needs an amount with a currency")
    assert condition_problems({"all": [{"fact": "external_score", "op": "contains",
                                        "value": "x"}]})[0].message.startswith(
        "operator 'contains' does not apply to Insurer score")


def test_the_insurer_limit_seed_rule_tags_and_says_why(db, insured):
    with session_scope(db) as s:
        ensure_seed_rules(s)
        set_enabled(s, "Exposure above the insurer limit", True, "Alice Martin")
    with session_scope(db) as s:
        run_rules(s, arrays(db), AS_OF, user="Alice Martin")
    assert tags_of(db, insured["Atelier"]) == ["OVER INSURER LIMIT"]
    assert timeline(db, insured["Atelier"])[0] == (
        "Rule 'Exposure above the insurer limit' tagged OVER INSURER LIMIT on this debtor: "
        "Exposure / insurer limit 141.3 % (Coface, 2024-03-15) > 100 %")
    assert tags_of(db, insured["Boulangerie"]) == []
