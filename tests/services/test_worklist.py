from datetime import date

from app.db import session_scope
from app.services.worklist import WorklistFilter, totals_per_currency, worklist_rows
from tests import factories as f
from tests.factories import D


def test_balances_as_of_ignore_later_allocations(db):
    # DOMAIN.md §3: an item is open as of X if its residual as of X is non-zero.
    with session_scope(db) as s:
        d = f.debtor(s, "C1", "Boulangerie Martin")
        a = f.invoice(s, d, 1000, due=date(2025, 7, 15), issued=date(2025, 6, 15))  # current
        b = f.invoice(s, d, 2000, due=date(2025, 6, 10))  # 20 days late
        f.invoice(s, d, 800, due=date(2025, 3, 1))  # 121 days late
        f.payment(s, d, 2000, on=date(2025, 7, 5), settles=b)  # after as_of
        f.payment(s, d, 400, on=date(2025, 6, 20), settles=a)  # partial, before as_of
    with session_scope(db) as s:
        (row,) = worklist_rows(s, date(2025, 6, 30))
        assert row.ref == "C1"
        assert row.open_balance == D(600 + 2000 + 800)
        assert row.overdue_balance == D(2800)
        assert row.max_dpd == 121
        assert row.oldest_due == date(2025, 3, 1)
        (later,) = worklist_rows(s, date(2025, 7, 31))
        assert later.open_balance == D(1400)
        assert later.max_dpd == 152


def test_credits_net_in_the_total_and_currencies_never_mix(db):
    with session_scope(db) as s:
        d = f.debtor(s, "C2")
        f.invoice(s, d, 500, due=date(2025, 5, 1))
        f.credit_note(s, d, 120, issued=date(2025, 5, 10))
        f.payment(s, d, 30, on=date(2025, 5, 20))  # unapplied cash
        f.invoice(s, d, 700, due=date(2025, 5, 1), currency="GBP")
    with session_scope(db) as s:
        rows = worklist_rows(s, date(2025, 6, 1))
    by_cur = {r.currency: r for r in rows}
    assert by_cur["EUR"].open_balance == D(350)
    assert by_cur["EUR"].credits == D(150)
    assert by_cur["EUR"].overdue_balance == D(500)
    assert by_cur["GBP"].open_balance == D(700)
    assert totals_per_currency(rows) == {"EUR": (D(350), D(500)), "GBP": (D(700), D(700))}


def test_settled_debtors_only_when_asked_and_filters(db):
    with session_scope(db) as s:
        paid = f.debtor(s, "C3", "Paid Up SA", segment="key_accounts")
        inv = f.invoice(s, paid, 100, due=date(2025, 1, 31))
        f.payment(s, paid, 100, on=date(2025, 1, 20), settles=inv)
        late = f.debtor(s, "C4", "Late Payer SARL")
        f.invoice(s, late, 100, due=date(2025, 1, 31))
    with session_scope(db) as s:
        assert [r.ref for r in worklist_rows(s, date(2025, 3, 1))] == ["C4"]
        everyone = worklist_rows(s, date(2025, 3, 1), include_settled=True)
    assert sorted(r.ref for r in everyone) == ["C3", "C4"]
    assert [r.ref for r in everyone if WorklistFilter(overdue_only=True).accepts(r)] == ["C4"]
    assert [r.ref for r in everyone if WorklistFilter(text="paid").accepts(r)] == ["C3"]
    assert [r.ref for r in everyone if WorklistFilter(segment="key_accounts").accepts(r)] == ["C3"]
