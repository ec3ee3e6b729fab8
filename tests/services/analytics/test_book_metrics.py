"""DOMAIN.md §4's worked examples computed from a ledger through the columnar engine."""

from datetime import date

from app.db import session_scope
from app.services.analytics.book_metrics import book_metrics, metrics_table
from app.services.analytics.engine import LedgerEngine
from tests import factories as f
from tests.factories import D
from tests.services.analytics import worked_examples as ex


def _book(db, as_of, months=3):
    return book_metrics(LedgerEngine(db.engine).arrays, as_of, period_months=months)["EUR"]


def test_simple_dso_over_a_year(db):
    with session_scope(db) as s:
        ex.dso_simple_year(s)
    m = _book(db, ex.DSO_AS_OF, months=12)
    assert (m.period_start, m.period_end, m.period_days) == (date(2025, 1, 1), ex.DSO_AS_OF, 365)
    assert (m.open_total, m.credit_sales) == (D(150_000), D(1_800_000))
    assert round(m.dso_simple, 1) == 30.4
    assert m.dso_countback == 31  # December's sales cover the whole AR


def test_countback_dso_as_of_march_2024(db):
    with session_scope(db) as s:
        ex.countback_quarter(s)
    m = _book(db, ex.COUNTBACK_AS_OF)
    assert m.open_total == D(212_000)
    assert m.credit_sales == D(250_000)
    assert (m.period_start, m.period_days) == (date(2024, 1, 1), 91)
    assert round(m.dso_countback, 2) == 74.17
    assert not m.countback_exceeded
    assert "2024-01-01 to 2024-03-31 (91 days)" in m.method


def test_add_is_dso_minus_best_possible_dso(db):
    with session_scope(db) as s:
        ex.add_month(s)
    m = _book(db, ex.ADD_AS_OF, months=1)
    assert m.period_days == 30
    assert (m.open_total, m.current_total, m.overdue_total, m.credit_sales) == (
        D(15_000), D(4_000), D(11_000), D(10_000))
    assert (m.dso_simple, m.bpdso, m.add) == (45.0, 12.0, 33.0)


def test_cei_over_a_quarter(db):
    with session_scope(db) as s:
        ex.cei_quarter(s)
    m = _book(db, ex.CEI_AS_OF)
    assert (m.ar_begin, m.credit_sales, m.open_total, m.current_total) == (
        D(6_200), D(10_890), D(6_340), D(3_590))
    assert round(m.cei, 2) == 79.63


def test_credit_notes_reduce_sales_and_countback_reports_exceeding(db):
    as_of = date(2024, 3, 31)
    with session_scope(db) as s:
        d = f.debtor(s, "OLD1")
        f.invoice(s, d, 5_000, due=date(2021, 2, 1), issued=date(2021, 1, 1))
        f.invoice(s, d, 1_000, due=date(2024, 3, 20), issued=date(2024, 3, 1))
        f.credit_note(s, d, 400, issued=date(2024, 3, 10))
    m = _book(db, as_of)
    assert m.credit_sales == D(600)
    assert m.open_total == D(5_600)
    assert m.countback_exceeded and m.dso_countback is None


def test_per_segment_manager_and_debtor_each_per_currency(db):
    with session_scope(db) as s:
        ex.countback_quarter(s)  # segment smb
        ex.cei_quarter(s)  # segment public_sector
        bob = f.user(s, "Bob Durand")
        gbp = f.debtor(s, "GB1", "London Ltd", segment="smb", account_manager_id=bob.id)
        f.invoice(s, gbp, 900, due=date(2024, 4, 10), issued=date(2024, 3, 11), currency="GBP")
    arrays = LedgerEngine(db.engine).arrays
    seg = {(r.key, r.currency): r for r in metrics_table(arrays, ex.CEI_AS_OF, by="segment")}
    assert set(seg) == {("smb", "EUR"), ("smb", "GBP"), ("public_sector", "EUR")}
    assert round(seg["smb", "EUR"].dso_countback, 2) == 74.17
    assert round(seg["public_sector", "EUR"].cei, 2) == 79.63
    assert seg["smb", "GBP"].open_total == D(900)
    man = {(r.key, r.currency) for r in metrics_table(arrays, ex.CEI_AS_OF, by="manager")}
    assert man == {("(none)", "EUR"), ("Bob Durand", "GBP")}
    debtors = {r.key: r for r in metrics_table(arrays, ex.CEI_AS_OF, by="debtor")}
    assert debtors["CB1"].name == "Countback Industries"
    assert debtors["CEI1"].open_total == D(6_340)
    book = book_metrics(arrays, ex.CEI_AS_OF)
    assert book["EUR"].open_total == D(212_000 + 6_340)
    assert book["GBP"].open_total == D(900)
