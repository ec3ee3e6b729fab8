"""The bulk read of the ledger: packed rows give exactly the columns of the plain read, and a
full read takes each allocation's debtor from the invoice rows (no join)."""

from datetime import date

import numpy as np

from app.db import session_scope
from app.services.analytics import ledger_read
from app.services.analytics.ledger_read import (
    CREDIT_NOTE,
    INVOICE,
    PAYMENT,
    day_number,
    ledger_fingerprint,
    raw_fingerprint,
    read_ledger,
)
from tests import factories as f


def _book(db):
    with session_scope(db) as s:
        a = f.debtor(s, "L1")
        b = f.debtor(s, "L2")
        old = f.invoice(s, a, "1234.56", due=date(2099, 12, 31), issued=date(1969, 7, 20))
        f.credit_note(s, a, "20.05", issued=date(2025, 5, 2), currency="GBP")
        late = f.invoice(s, b, 300, due=date(2025, 6, 1))
        f.payment(s, b, "299.99", on=date(2025, 6, 20), settles=late)
        f.payment(s, a, 34, on=date(2025, 6, 21), settles=old)
        return a.id, b.id, old.id, late.id


def test_packed_read_gives_the_plain_columns_and_allocation_debtors(db, monkeypatch):
    a, b, old_id, late_id = _book(db)
    packed = read_ledger(db.engine, None)
    it = packed.items
    assert packed.currencies == ("EUR", "GBP")
    rows = sorted(zip(it["kind"].tolist(), it["debtor"].tolist(), it["cur"].tolist(),
                      it["issue"].tolist(), it["due"].tolist(), it["amount"].tolist(),
                      strict=True))
    assert rows == sorted([
        (INVOICE, a, 0, day_number(date(1969, 7, 20)), day_number(date(2099, 12, 31)), 123456),
        (CREDIT_NOTE, a, 1, day_number(date(2025, 5, 2)), day_number(date(2025, 5, 2)), 2005),
        (INVOICE, b, 0, day_number(date(2025, 6, 1)), day_number(date(2025, 6, 1)), 30000),
        (PAYMENT, b, 0, day_number(date(2025, 6, 20)), day_number(date(2025, 6, 20)), 29999),
        (PAYMENT, a, 0, day_number(date(2025, 6, 21)), day_number(date(2025, 6, 21)), 3400),
    ])
    allocs = dict(zip(packed.allocs["invoice"].tolist(), packed.allocs["debtor"].tolist(),
                      strict=True))
    assert allocs == {old_id: a, late_id: b}
    assert raw_fingerprint(packed) == ledger_fingerprint(db.engine)

    monkeypatch.setattr(ledger_read, "_can_pack", lambda conn, currencies: False)
    plain = read_ledger(db.engine, None)
    for group in ("items", "allocs", "closures"):
        for column, values in getattr(plain, group).items():
            assert np.array_equal(values, getattr(packed, group)[column]), (group, column)
    partial = read_ledger(db.engine, [b])  # the join path names the debtor itself
    assert partial.allocs["debtor"].tolist() == [b]
