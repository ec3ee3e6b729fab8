"""The fast 12-month trend gives exactly book_metrics' figures at every month end."""

from datetime import date, timedelta

from app.db import session_scope
from app.models import LedgerClosure
from app.services.analytics.ageing import aged_balance
from app.services.analytics.book_metrics import book_metrics
from app.services.analytics.engine import LedgerEngine
from app.services.analytics.metrics import add_months
from app.services.analytics.trend import book_series
from tests import factories as f
from tests.factories import D
from tests.services.analytics import worked_examples as ex


def test_series_matches_book_metrics_month_by_month(db):
    with session_scope(db) as s:
        ex.countback_quarter(s)
        ex.cei_quarter(s)
        ex.add_month(s)
        d = f.debtor(s, "MIX")
        for i in range(14):
            issued = date(2023, 6, 1) + timedelta(days=29 * i)
            inv = f.invoice(s, d, 1000 + 37 * i, due=issued + timedelta(days=45), issued=issued)
            if i % 3:
                f.payment(s, d, 600 + i, on=issued + timedelta(days=50 + i), settles=inv)
        f.credit_note(s, d, 120, issued=date(2024, 2, 3))
        odd = f.invoice(s, d, 333, due=date(2023, 12, 1), issued=date(2024, 4, 10))  # issued late
        f.payment(s, d, 100, on=date(2024, 5, 2), settles=odd)
        lettered = f.invoice(s, d, 410, due=date(2024, 1, 31), issued=date(2024, 1, 1))
        s.add(LedgerClosure(invoice_id=lettered.id, amount=D(410), date=date(2024, 4, 3),
                            reason="lettered", source="fec"))
        cash = f.payment(s, d, 55, on=date(2024, 2, 1))
        s.add(LedgerClosure(payment_id=cash.id, amount=D(55), date=date(2024, 3, 9),
                            reason="lettered", source="fec"))
        f.payment(s, d, 75, on=date(2024, 1, 9))  # unapplied cash
    arrays = LedgerEngine(db.engine).arrays
    days = [add_months(date(2024, 6, 30), -k) for k in range(11, -1, -1)]
    series = book_series(arrays, "EUR", days)
    assert [p.as_of for p in series] == days
    for point in series:
        m = book_metrics(arrays, point.as_of).get("EUR")
        assert m is not None
        assert point.open_cents == int(m.open_total * 100)
        assert point.current_cents == int(m.current_total * 100)
        assert point.invoice_cents == int((m.current_total + m.overdue_total) * 100)
        aged = aged_balance(arrays, point.as_of, by="book").totals.get("EUR")
        assert point.over_90_cents == (int(aged.d91_plus * 100) if aged else 0)
        assert point.sales_cents == int(m.credit_sales * 100)
        assert (point.dso_simple, point.dso_countback, point.bpdso, point.add) == (
            m.dso_simple, m.dso_countback, m.bpdso, m.add)
    countback = {p.as_of: p for p in series}[ex.COUNTBACK_AS_OF]
    assert countback.dso_countback is not None
