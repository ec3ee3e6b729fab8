"""An invoice closed without a counterpart (a lettering difference, a write-off) is still open on
the days before the closure: the worklist, the debtor's open items and the campaign build agree
with the analytics engine, which reads closures itself (DOMAIN.md §3)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import update

from app.db import Database, session_scope
from app.models import Invoice, LedgerClosure
from app.services.analytics.ageing import aged_balance
from app.services.analytics.engine import LedgerEngine
from app.services.collection.builder import build_campaign
from app.services.ledger.open_items import open_items_query
from app.services.worklist import worklist_rows
from tests import factories as f

CLOSED_ON = date(2025, 6, 20)


def _ledger(db: Database) -> int:
    with session_scope(db) as s:
        f.company(s)
        f.default_plans(s)
        d = f.debtor(s, "C001", "Brasserie du Port", country="FR", language="fr")
        inv = f.invoice(s, d, "1200.00", due=date(2025, 5, 1), issued=date(2025, 4, 1))
        s.add(LedgerClosure(invoice_id=inv.id, amount=f.D("1200.00"), date=CLOSED_ON,
                            reason="missing", source="manual"))
        s.execute(update(Invoice).where(Invoice.id == inv.id)
                  .values(open_amount=0, settled_on=CLOSED_ON))
        return inv.id


def test_closed_later_is_open_before(db: Database) -> None:
    invoice_id = _ledger(db)
    before, after = date(2025, 6, 19), CLOSED_ON
    with session_scope(db) as s:
        open_before = {(r.item_id, r.residual_cents) for r in s.execute(open_items_query(before))}
        open_after = {r.item_id for r in s.execute(open_items_query(after))}
        rows = worklist_rows(s, before)
    assert open_before == {(invoice_id, 120_000)}
    assert open_after == set()
    assert [r.overdue_balance for r in rows] == [f.D("1200.00")]
    arrays = LedgerEngine(db.engine).arrays
    assert aged_balance(arrays, before).totals["EUR"].overdue == f.D("1200.00")
    assert aged_balance(arrays, after).totals.get("EUR") is None or \
        aged_balance(arrays, after).totals["EUR"].total == 0
    with session_scope(db) as s:
        built = build_campaign(s, before, user="Alice Martin")
        assert built.actions == 1 and built.totals == {"EUR": f.D("1200.00")}
        assert build_campaign(s, date(2025, 6, 21), user="Alice Martin").actions == 0
