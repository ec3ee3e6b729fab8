"""The dashboard's figures agree with the reports they summarise."""

from datetime import date

from app.db import session_scope
from app.services.analytics.ageing import aged_balance
from app.services.analytics.book_metrics import book_metrics
from app.services.analytics.dashboard_data import dashboard_data
from app.services.analytics.engine import LedgerEngine
from tests import factories as f
from tests.factories import D
from tests.services.analytics import worked_examples as ex


def test_tiles_charts_and_previous_period(db):
    with session_scope(db) as s:
        ex.cei_quarter(s)  # public_sector
        ex.countback_quarter(s)  # smb
        late = f.debtor(s, "LATE", "Very Late SA", segment="smb")
        f.invoice(s, late, 900, due=date(2023, 11, 1), issued=date(2023, 10, 1))
        f.payment(s, late, 1_234.5, on=date(2024, 3, 5))  # unapplied cash in March
        f.invoice(s, f.debtor(s, "USD1"), 10, due=date(2024, 3, 1), currency="USD")
    arrays = LedgerEngine(db.engine).arrays
    data = dashboard_data(arrays, ex.CEI_AS_OF)
    assert data.currency == "EUR"  # the currency with the most open AR
    assert data.currencies == ("EUR", "USD")
    tiles = {k.key: k for k in data.kpis}
    book = book_metrics(arrays, ex.CEI_AS_OF)["EUR"]
    assert tiles["open"].value == book.open_total
    assert tiles["overdue"].value == book.overdue_total
    assert tiles["dso"].value == book.dso_countback
    assert tiles["add"].value == book.add
    assert tiles["cei"].value == book.cei
    previous = book_metrics(arrays, date(2023, 12, 31))["EUR"]
    assert tiles["open"].previous == previous.open_total
    assert tiles["dso"].previous == previous.dso_countback
    aged = aged_balance(arrays, ex.CEI_AS_OF, by="book").totals["EUR"]
    gross = aged.current + aged.overdue
    assert round(tiles["over_90"].value, 6) == round(float(aged.d91_plus / gross * 100), 6)
    bars = {b.label: b for b in data.aged_bars}
    assert set(bars) == {"smb", "public_sector"}
    assert bars["public_sector"].cents == (359_000, 0, 275_000, 0, 0)  # Jan: 45 days
    assert [t.ref for t in data.top_debtors] == ["CB1", "CEI1", "LATE"]
    assert data.top_debtors[2].overdue_cents == 90_000
    assert [p.month_end for p in data.trend][-2:] == [date(2024, 2, 29), date(2024, 3, 31)]
    assert len(data.trend) == 12
    cash = {c.month_end: c.cents for c in data.cash}
    assert cash[date(2024, 3, 31)] == 123_450
    assert cash[date(2024, 2, 29)] == 38_000_00 + 4_550_00
    assert D(data.top_debtors[0].overdue_cents / 100) == D(112_000)


def test_other_currency_and_unknown_currency_falls_back(db):
    with session_scope(db) as s:
        f.invoice(s, f.debtor(s, "G1", segment=None), 50, due=date(2024, 3, 1), currency="GBP")
    arrays = LedgerEngine(db.engine).arrays
    data = dashboard_data(arrays, date(2024, 3, 31), currency="GBP", group_by="manager")
    assert data.currency == "GBP"
    assert [b.label for b in data.aged_bars] == ["(none)"]
    unknown = dashboard_data(arrays, date(2020, 1, 1), currency="JPY")
    assert unknown.currency == "GBP" and unknown.top_debtors == () and unknown.aged_bars == ()


def test_an_empty_ledger_has_no_figures(db):
    data = dashboard_data(LedgerEngine(db.engine).arrays, date(2024, 3, 31))
    assert data.currency is None and data.kpis == ()
