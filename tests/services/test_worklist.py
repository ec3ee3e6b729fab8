from datetime import date

from app.db import session_scope
from app.services.collection.holds import put_on_hold
from app.services.ledger.open_items import allocated_after, debtor_balances_query
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


def test_as_of_today_skips_the_late_sums_and_gives_the_same_balances(db):
    # No allocation after 2025-07-31: the late-allocation sums are all zero and are left out.
    with session_scope(db) as s:
        d = f.debtor(s, "C5")
        a = f.invoice(s, d, 1000, due=date(2025, 6, 1))
        f.credit_note(s, d, 150, issued=date(2025, 6, 5))  # unapplied credit
        f.payment(s, d, 300, on=date(2025, 7, 5), settles=a)
        f.payment(s, d, 40, on=date(2025, 7, 6))  # unapplied cash
    with session_scope(db) as s:
        assert allocated_after(s, date(2025, 6, 30))
        assert not allocated_after(s, date(2025, 7, 31))
        for as_of, late in ((date(2025, 7, 31), False), (date(2025, 7, 31), True)):
            (row,) = s.execute(debtor_balances_query(as_of, late=late)).all()
            assert (row.open_cents, row.overdue_cents, row.credit_cents) == (
                1000_00 - 300_00 - 150_00 - 40_00, 1000_00 - 300_00, 150_00 + 40_00)
        (row,) = worklist_rows(s, date(2025, 7, 31))
        assert (row.open_balance, row.overdue_balance, row.credits) == (D(510), D(700), D(190))
        (before,) = worklist_rows(s, date(2025, 6, 30))  # the 07-05 payment had not come yet
        assert (before.open_balance, before.overdue_balance, before.credits) == (
            D(850), D(1000), D(150))


def test_held_debtors_carry_the_hold_text(db):
    with session_scope(db) as s:
        held = f.debtor(s, "C6", "Held SARL")
        f.invoice(s, held, 500, due=date(2025, 5, 1))
        free = f.debtor(s, "C7", "Free SAS")
        f.invoice(s, free, 200, due=date(2025, 5, 1))
        hold_id = put_on_hold(s, held.id, author="Alice Martin", reason="Customer in talks",
                              start=date(2025, 6, 1), end=date(2025, 7, 15))
    with session_scope(db) as s:
        rows = {r.ref: r.hold for r in worklist_rows(s, date(2025, 6, 30))}
        assert rows == {"C6": f"held: manual hold #{hold_id} until 2025-07-15 (Customer in talks)",
                        "C7": None}
        assert {r.ref: r.hold for r in worklist_rows(s, date(2025, 7, 16))} == {
            "C6": None, "C7": None}
