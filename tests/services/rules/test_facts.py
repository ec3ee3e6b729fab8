"""Debtor facts (DOMAIN.md §7) in one table, computed from the analytics arrays."""

from datetime import UTC, date, datetime

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from app.db import session_scope
from app.models import Invoice
from app.services.activity import log_activity
from app.services.analytics.book_metrics import metrics_table
from app.services.analytics.metrics import countback_dso
from app.services.collection.disputes import open_dispute
from app.services.rules.facts import countback_days, debtor_facts
from tests.services.rules.conftest import AS_OF, arrays


def test_facts_of_the_countback_example(db, book):
    with session_scope(db) as s:
        facts = debtor_facts(s, arrays(db), AS_OF)
    a = facts.loc[book["Atelier"]]
    assert a["currency"] == "EUR"
    assert a["open_balance"] == 21_200_000  # cents: 250,000 invoiced − 38,000 paid
    assert a["overdue_balance"] == 11_200_000  # January's 32,000 + February's 80,000
    assert a["dso"] == pytest.approx(74.17, abs=0.005)  # 31 + 29 + 32/70 × 31
    assert a["max_dpd"] == 46  # January's invoice, due 02-14
    assert a["exposure_ratio"] == pytest.approx(212.0)  # 212,000 on a 100,000 limit
    assert a["plan"] == "Standard"
    b = facts.loc[book["Boulangerie"]]
    assert b["dso"] == pytest.approx(31.0)
    assert b["max_dpd"] == 0 and b["overdue_balance"] == 0
    assert b["exposure_ratio"] != b["exposure_ratio"]  # no credit limit: NaN, matches nothing


def test_dso_fact_is_the_debtor_report_figure(db, book):
    """The same countback DSO as `collecta report debtor` (metrics_table by debtor)."""
    arr = arrays(db)
    with session_scope(db) as s:
        facts = debtor_facts(s, arr, AS_OF)
    report = {r.debtor_id: r.dso_countback for r in metrics_table(arr, AS_OF, by="debtor")}
    assert facts["dso"].to_dict() == pytest.approx(report)


def test_open_disputes_and_days_since_touch(db, book):
    with session_scope(db) as s:
        inv = s.scalars(select(Invoice).where(Invoice.debtor_id == book["Atelier"])).first()
        open_dispute(s, book["Atelier"], [inv.id], category="pricing", author="Alice Martin",
                     reason="price differs from the order", on=date(2024, 3, 20))
        log_activity(s, author="Alice Martin", kind="call", debtor_id=book["Boulangerie"],
                     summary="Called", at=datetime(2024, 3, 21, 10, tzinfo=UTC))
    with session_scope(db) as s:
        facts = debtor_facts(s, arrays(db), AS_OF)
    assert facts.loc[book["Atelier"], "open_disputes"] == 1
    assert facts.loc[book["Boulangerie"], "open_disputes"] == 0
    assert facts.loc[book["Boulangerie"], "days_since_touch"] == 10


@settings(max_examples=300, deadline=None)
@given(ar=st.integers(-5_000, 60_000),
       sales=st.lists(st.integers(-2_000, 9_000), min_size=24, max_size=24))
def test_bulk_countback_walks_like_the_one_debtor_formula(ar, sales):
    days = [31, 30, 31, 30, 31, 31, 30, 31, 30, 31, 31, 28] * 2
    one = countback_dso(ar, list(zip(sales, days, strict=True)))
    bulk = countback_days(np.array([ar]), np.array([sales]), np.array(days, dtype=float))[0]
    if one.exceeded:
        assert np.isnan(bulk)
    else:
        assert bulk == pytest.approx(one.days)
