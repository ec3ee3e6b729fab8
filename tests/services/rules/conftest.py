"""A small book as of 2024-03-31: Atelier (DOMAIN.md §4 countback example, DSO 74.17) and
Boulangerie (one March invoice, DSO 31), both in EUR on the Standard plan."""

from datetime import date

import pytest
from sqlalchemy import select

from app.db import session_scope
from app.models import Activity, Debtor, DebtorPlan, ReminderPlan
from app.services.analytics.engine import LedgerEngine
from tests import factories as f

AS_OF = date(2024, 3, 31)


@pytest.fixture
def book(db):
    """Debtor id by name."""
    with session_scope(db) as s:
        f.company(s)
        f.default_plans(s)
        f.user(s, "Alice Martin")
        f.user(s, "Marie Curie", role="manager")
        a = f.debtor(s, "C001", "Atelier Dupuis", credit_limit=f.D(100_000),
                     credit_limit_currency="EUR")
        jan = f.invoice(s, a, 70_000, due=date(2024, 2, 14), issued=date(2024, 1, 15))
        f.invoice(s, a, 80_000, due=date(2024, 3, 16), issued=date(2024, 2, 15))
        f.invoice(s, a, 100_000, due=date(2024, 4, 14), issued=date(2024, 3, 15))
        f.payment(s, a, 38_000, on=date(2024, 2, 20), settles=jan)  # AR 212,000
        b = f.debtor(s, "C002", "Boulangerie Petit")
        f.invoice(s, b, 10_000, due=date(2024, 4, 14), issued=date(2024, 3, 15))
        return {"Atelier": a.id, "Boulangerie": b.id}


def arrays(db):
    return LedgerEngine(db.engine).arrays


def plan_of(db, debtor_id):
    with session_scope(db) as s:
        row = s.get(DebtorPlan, debtor_id)
        return None if row is None else s.get(ReminderPlan, row.plan_id).name


def timeline(db, debtor_id, kind="rule_fired"):
    with session_scope(db) as s:
        return list(s.scalars(select(Activity.summary).where(
            Activity.debtor_id == debtor_id, Activity.kind == kind).order_by(Activity.id)))


def tags_of(db, debtor_id):
    with session_scope(db) as s:
        return s.get(Debtor, debtor_id).tags
