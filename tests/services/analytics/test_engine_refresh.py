"""The columnar engine reloads only what an import changed."""

from datetime import date

from app.db import session_scope
from app.models import Debtor, Invoice
from app.services.analytics.ageing import aged_balance
from app.services.analytics.engine import LedgerEngine
from app.services.changes import ChangeSet
from tests import factories as f
from tests.factories import D

AS_OF = date(2025, 6, 30)


def test_reloads_only_the_debtors_named_by_the_change(db):
    with session_scope(db) as s:
        a = f.debtor(s, "R1")
        b = f.debtor(s, "R2")
        inv = f.invoice(s, a, 1000, due=date(2025, 6, 1))
        f.invoice(s, b, 300, due=date(2025, 6, 1))
    engine = LedgerEngine(db.engine)
    assert aged_balance(engine.arrays, AS_OF).totals["EUR"].total == D(1300)
    with session_scope(db) as s:
        f.payment(s, s.get(Debtor, a.id), 400, on=date(2025, 6, 20),
                  settles=s.get(Invoice, inv.id))
    engine.apply(ChangeSet(debtor_ids=frozenset({a.id}), ledger=True))
    assert (engine.full_loads, engine.partial_loads) == (1, 1)
    assert aged_balance(engine.arrays, AS_OF).totals["EUR"].total == D(900)


def test_falls_back_to_a_full_reload_when_other_rows_changed(db):
    with session_scope(db) as s:
        a = f.debtor(s, "R3")
        f.invoice(s, a, 100, due=date(2025, 6, 1))
    engine = LedgerEngine(db.engine)
    assert engine.arrays.item_count == 1
    with session_scope(db) as s:
        other = f.debtor(s, "R4")
        f.invoice(s, other, 50, due=date(2025, 6, 1))
    # the change names debtor R3 only, but R4 changed as well: the fingerprint catches it
    engine.apply(ChangeSet(debtor_ids=frozenset({a.id}), ledger=True))
    assert engine.full_loads == 2
    assert aged_balance(engine.arrays, AS_OF).totals["EUR"].total == D(150)
    # nothing changed: no reload
    engine.apply(ChangeSet(ledger=True))
    assert engine.full_loads == 2


def test_a_disk_copy_is_reused_only_while_the_ledger_is_unchanged(db, tmp_path):
    with session_scope(db) as s:
        a = f.debtor(s, "K1")
        f.invoice(s, a, 100, due=date(2025, 6, 1))
    first = LedgerEngine(db.engine, cache_dir=tmp_path)
    first.reload()
    assert first.cache_hits == 0 and list(tmp_path.glob("ledger-*.npz"))
    second = LedgerEngine(db.engine, cache_dir=tmp_path)
    assert aged_balance(second.arrays, AS_OF).totals["EUR"].total == D(100)
    assert second.cache_hits == 1
    with session_scope(db) as s:
        f.invoice(s, s.get(Debtor, a.id), 40, due=date(2025, 6, 2))
    third = LedgerEngine(db.engine, cache_dir=tmp_path)
    assert aged_balance(third.arrays, AS_OF).totals["EUR"].total == D(140)
    assert third.cache_hits == 0


def test_an_edited_due_date_is_noticed(db):
    with session_scope(db) as s:
        inv = f.invoice(s, f.debtor(s, "K2"), 100, due=date(2025, 6, 1))
    engine = LedgerEngine(db.engine)
    assert aged_balance(engine.arrays, AS_OF).totals["EUR"].d1_30 == D(100)
    with session_scope(db) as s:
        s.get(Invoice, inv.id).due_date = date(2025, 7, 15)
    engine.apply(ChangeSet(ledger=True))
    assert engine.full_loads == 2
    assert aged_balance(engine.arrays, AS_OF).totals["EUR"].current == D(100)
