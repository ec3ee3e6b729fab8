from datetime import date

from app.db import session_scope
from app.services.analytics.ageing import aged_balance
from app.services.analytics.engine import LedgerEngine
from app.services.ledger.open_items import open_items_query, signed_residual
from tests import factories as f
from tests.factories import D
from tests.services.analytics import worked_examples as ex


def test_domain_example_a_to_e_falls_in_one_bucket_each(db):
    with session_scope(db) as s:
        ex.ageing_a_to_e(s)
    aged = aged_balance(LedgerEngine(db.engine).arrays, ex.AGEING_AS_OF)
    (row,) = aged.rows
    assert (row.key, row.name, row.currency) == ("AGE1", "Ageing Example SA", "EUR")
    assert (row.current, row.d1_30, row.d31_60, row.d61_90, row.d91_plus) == (
        D(1000), D(2000), D(1500), D(500), D(800))
    assert row.total == D(5800)
    assert aged.totals["EUR"].total == D(5800)
    assert "days past due" in aged.method


def test_bucket_boundaries_are_inclusive_as_written(db):
    as_of = date(2025, 6, 30)
    with session_scope(db) as s:
        d = f.debtor(s, "EDGE")
        for dpd in (0, 1, 30, 31, 60, 61, 90, 91):
            f.invoice(s, d, dpd + 1, due=date.fromordinal(as_of.toordinal() - dpd))
    (row,) = aged_balance(LedgerEngine(db.engine).arrays, as_of).rows
    assert row.current == D(1)
    assert row.d1_30 == D(2 + 31)
    assert row.d31_60 == D(32 + 61)
    assert row.d61_90 == D(62 + 91)
    assert row.d91_plus == D(92)


def test_invoice_date_basis_ages_from_issue(db):
    with session_scope(db) as s:
        ex.ageing_a_to_e(s)
    aged = aged_balance(LedgerEngine(db.engine).arrays, ex.AGEING_AS_OF, basis="invoice")
    (row,) = aged.rows
    # issued 30 days before due: A 15 days old, B 50, C 90, D 106, E 151
    assert (row.current, row.d1_30, row.d31_60, row.d61_90, row.d91_plus) == (
        D(0), D(1000), D(2000), D(1500), D(1300))
    assert "invoice date" in aged.method


def test_credits_netted_later_allocations_ignored_currencies_apart(db):
    as_of = date(2025, 6, 30)
    with session_scope(db) as s:
        d = f.debtor(s, "CR1", segment="smb")
        late = f.invoice(s, d, 900, due=date(2025, 6, 1))
        f.payment(s, d, 900, on=date(2025, 7, 3), settles=late)  # after as_of: still open
        f.credit_note(s, d, 150, issued=date(2025, 6, 5))
        f.payment(s, d, 50, on=date(2025, 6, 20))  # unapplied cash
        f.invoice(s, d, 700, due=date(2025, 5, 1), currency="GBP")
    arrays = LedgerEngine(db.engine).arrays
    rows = {r.currency: r for r in aged_balance(arrays, as_of).rows}
    assert rows["EUR"].d1_30 == D(900)
    assert rows["EUR"].credits == D(200)
    assert rows["EUR"].total == D(700)
    assert rows["GBP"].d31_60 == D(700)
    assert sorted(aged_balance(arrays, as_of).totals) == ["EUR", "GBP"]
    assert [r.currency for r in aged_balance(arrays, date(2025, 7, 31)).rows] == ["EUR", "GBP"]
    assert aged_balance(arrays, date(2025, 7, 31)).totals["EUR"].total == D(-200)


def test_by_segment_and_manager_and_totals_equal_the_open_items(db):
    as_of = date(2025, 6, 30)
    with session_scope(db) as s:
        alice = f.user(s, "Alice Martin")
        a = f.debtor(s, "S1", segment="smb", account_manager_id=alice.id)
        b = f.debtor(s, "S2", segment="key_accounts")
        c = f.debtor(s, "S3", segment="smb")
        f.invoice(s, a, 100, due=date(2025, 6, 20))
        f.invoice(s, b, 250, due=date(2025, 3, 1))
        inv = f.invoice(s, c, 400, due=date(2025, 7, 20), issued=date(2025, 6, 20))
        f.payment(s, c, 150, on=date(2025, 6, 25), settles=inv)
    arrays = LedgerEngine(db.engine).arrays
    by_segment = {r.key: r for r in aged_balance(arrays, as_of, by="segment").rows}
    assert by_segment["smb"].total == D(350)
    assert by_segment["smb"].d1_30 == D(100)
    assert by_segment["key_accounts"].d91_plus == D(250)
    by_manager = {r.key: r.total for r in aged_balance(arrays, as_of, by="manager").rows}
    assert by_manager == {"Alice Martin": D(100), "(none)": D(500)}
    with session_scope(db) as s:
        items = s.execute(open_items_query(as_of)).all()
    expected = sum(signed_residual(i.item_type, i.residual_cents) for i in items)
    assert aged_balance(arrays, as_of).totals["EUR"].total == D(expected / 100)
