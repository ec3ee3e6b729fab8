"""Items settled without a counterpart (FEC lettering closures) and the real FEC fixtures."""

from datetime import date
from decimal import Decimal

import pytest

from app.db import session_scope
from app.models import LedgerClosure
from app.services.analytics.ageing import aged_balance
from app.services.analytics.engine import LedgerEngine
from app.services.ledger.fec import read_fec
from app.services.ledger.pipeline import ImportOptions, import_batch
from tests import factories as f
from tests.conftest import FEC_DIR
from tests.factories import D
from tests.services.ledger.test_fec import FILES, unlettered_balances


def test_a_closure_settles_its_item_from_its_date(db):
    with session_scope(db) as s:
        d = f.debtor(s, "CL1")
        inv = f.invoice(s, d, 500, due=date(2025, 4, 1), issued=date(2025, 3, 1))
        s.add(LedgerClosure(invoice_id=inv.id, amount=D(500), date=date(2025, 5, 10),
                            reason="lettered", source="fec"))
        cash = f.payment(s, d, 80, on=date(2025, 4, 20))
        s.add(LedgerClosure(payment_id=cash.id, amount=D(30), date=date(2025, 5, 10),
                            reason="lettered", source="fec"))
    arrays = LedgerEngine(db.engine).arrays
    before = aged_balance(arrays, date(2025, 5, 1)).totals["EUR"]
    assert (before.d1_30, before.credits, before.total) == (D(500), D(80), D(420))
    after = aged_balance(arrays, date(2025, 5, 31)).totals["EUR"]
    assert (after.d1_30, after.d31_60, after.credits, after.total) == (D(0), D(0), D(50), D(-50))


@pytest.mark.parametrize("name", FILES)
def test_aged_totals_equal_the_open_items_of_the_real_fec_files(sqlite_db, name):
    path = FEC_DIR / name
    expected, last = unlettered_balances(path)
    report = import_batch(sqlite_db, read_fec(path), ImportOptions(source="fec", as_of=last))
    assert report.rejected == 0
    aged = aged_balance(LedgerEngine(sqlite_db.engine).arrays, last)
    by_debtor = {r.key: r.total for r in aged.rows if r.total}
    assert by_debtor == expected
    (currency,) = aged.totals
    assert aged.totals[currency].total == sum(expected.values(), Decimal("0.00"))
