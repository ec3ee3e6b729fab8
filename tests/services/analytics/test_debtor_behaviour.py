from datetime import date

from app.db import session_scope
from app.services.analytics.debtor_behaviour import payment_behaviour
from app.services.analytics.engine import LedgerEngine
from tests import factories as f
from tests.services.analytics import worked_examples as ex


def test_days_to_pay_simple_and_weighted(db):
    with session_scope(db) as s:
        debtor_id = ex.behaviour_two_invoices(s)
        other = f.debtor(s, "OTHER")
        f.invoice(s, other, 500, due=date(2025, 5, 1))  # open: not counted anywhere
    (b,) = payment_behaviour(LedgerEngine(db.engine).arrays, ex.BEHAVIOUR_AS_OF)
    assert b.debtor_id == debtor_id
    assert (b.period_start, b.period_end) == (date(2024, 7, 1), ex.BEHAVIOUR_AS_OF)
    assert b.invoices_paid == 2
    assert b.days_to_pay_simple == 15
    assert round(b.days_to_pay_weighted, 2) == 19.09
    assert b.days_late_simple == 5
    assert round(b.days_late_weighted, 2) == 9.09


def test_only_invoices_settled_in_the_last_twelve_months_as_of_the_date(db):
    with session_scope(db) as s:
        debtor_id = ex.behaviour_two_invoices(s)
    arrays = LedgerEngine(db.engine).arrays
    # as of 2025-02-15 the 1,000 invoice is not paid yet
    (early,) = payment_behaviour(arrays, date(2025, 2, 15), debtor_id=debtor_id)
    assert (early.invoices_paid, early.days_to_pay_simple) == (1, 10)
    # a year and a half later both payments are older than 12 months
    assert payment_behaviour(arrays, date(2026, 6, 30)) == []
