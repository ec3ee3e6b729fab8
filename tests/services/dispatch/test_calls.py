"""Call tasks (issue 6 §5): Calls today with the debtor's context, and the outcome form."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.db import session_scope
from app.errors import UserError
from app.models import Activity, Dispute, OutboxMessage, Promise, StepHistory
from app.services.dispatch.calls import calls_today, record_call_outcome
from tests.services.dispatch.conftest import AS_OF, approved_campaign

AT = datetime(2025, 6, 12, 10, tzinfo=UTC)


def call_campaign(db):
    # due 2025-05-20, 23 days late: the call (+20) is due, the formal
    # notice (+30) is not due yet
    approved_campaign(db, ("F1", "1200", date(2025, 5, 20)), ("F2", "300", date(2025, 5, 20)),
                            mobile="06 12 34 56 78")
    with session_scope(db) as s:  # approval queued the calls: no send run is needed
        return calls_today(s, AS_OF, "Marie Curie")


def test_calls_today_lists_each_call_with_its_context(db):
    tasks = call_campaign(db)
    assert [(t.debtor_ref, t.phone, t.contact) for t in tasks] == [
        ("C-F1", "06 12 34 56 78", "Jean Payeur"), ("C-F2", "06 12 34 56 78", "Jean Payeur")]
    t = tasks[0]
    assert [(i.number, i.days_late, i.residual) for i in t.items] == [
        ("F1", 23, Decimal("1200.00"))]
    assert t.total() == {"EUR": Decimal("1200.00")} and t.holds == ()


def test_not_reached_comes_back_on_the_retry_date(db):
    task = call_campaign(db)[0]
    with session_scope(db) as s:
        with pytest.raises(UserError, match="retry date after today"):
            record_call_outcome(s, task.outbox_id, "not_reached", user="Marie Curie", at=AT,
                                as_of=AS_OF, retry_on=AS_OF)
        record_call_outcome(s, task.outbox_id, "not_reached", user="Marie Curie", at=AT,
                            as_of=AS_OF, retry_on=date(2025, 6, 16), note="voicemail")
    with session_scope(db) as s:
        assert [t.debtor_ref for t in calls_today(s, AS_OF, "Marie Curie")] == ["C-F2"]
        again = calls_today(s, date(2025, 6, 16), "Marie Curie")
        assert [(t.debtor_ref, t.tries) for t in again] == [("C-F1", 1), ("C-F2", 0)]
        assert s.scalar(select(Activity.summary).where(Activity.kind == "call_not_reached")) == \
            "Call: not reached; try again on 2025-06-16 (voicemail)"


def test_reached_with_a_promise_or_a_dispute_closes_the_task(db):
    first, second = call_campaign(db)
    with session_scope(db) as s:
        record_call_outcome(s, first.outbox_id, "promise", user="Marie Curie", at=AT,
                            as_of=AS_OF, promise=(date(2025, 6, 20), Decimal("1200.00")))
        record_call_outcome(s, second.outbox_id, "dispute", user="Marie Curie", at=AT,
                            as_of=AS_OF, dispute_category="quality", note="Damaged goods")
    with session_scope(db) as s:
        assert calls_today(s, AS_OF, "Marie Curie") == []
        assert {m.state for m in s.scalars(select(OutboxMessage))} == {"sent"}
        assert s.scalar(select(Promise.status)) == "pending"
        assert s.scalar(select(Dispute.category)) == "quality"
        assert "proposed" not in {h.outcome for h in s.scalars(select(StepHistory))}
        calls = sorted(a.summary for a in s.scalars(
            select(Activity).where(Activity.kind == "call")))
        assert calls == [
            "Call made to 06 12 34 56 78: Appel de relance – Client F1 (F1) (promise to pay)",
            "Call made to 06 12 34 56 78: Appel de relance – Client F2 (F2) (dispute opened)"]
        with pytest.raises(UserError, match="already sent"):
            record_call_outcome(s, first.outbox_id, "note", user="Marie Curie", at=AT,
                                as_of=AS_OF, note="again")
