"""A claim takes at most the rows asked for, on both engines (PostgreSQL re-evaluated a
`LIMIT … FOR UPDATE SKIP LOCKED` subquery inside the UPDATE and claimed more)."""

from datetime import date, timedelta

from sqlalchemy import select

from app.db import session_scope
from app.models import OutboxMessage
from app.services.dispatch.outbox import claim_batch, claim_next
from tests.services.dispatch.conftest import NOON, approved_campaign

INVOICES = [(f"F{i}", str(100 + i), date(2025, 6, 6) - timedelta(days=i % 3)) for i in range(9)]


def sending(db):
    with session_scope(db) as s:
        return sorted(s.scalars(select(OutboxMessage.id).where(OutboxMessage.state == "sending")))


def test_claims_take_exactly_what_was_asked_oldest_first(db):
    approved_campaign(db, *INVOICES, mobile=None)
    with session_scope(db) as s:
        ids = sorted(s.scalars(select(OutboxMessage.id)))
        assert claim_next(s, channels=("email",), worker="pc-1", now=NOON) == ids[0]
        assert claim_next(s, channels=("email",), worker="pc-1", now=NOON) == ids[1]
    assert sending(db) == ids[:2]
    with session_scope(db) as s:
        assert claim_batch(s, channels=("email",), worker="pc-2", now=NOON, limit=4) == ids[2:6]
    assert sending(db) == ids[:6]
    with session_scope(db) as s:
        assert claim_batch(s, channels=("email",), worker="pc-2", now=NOON, limit=50) == ids[6:]
        assert claim_batch(s, channels=("email",), worker="pc-2", now=NOON) == []
