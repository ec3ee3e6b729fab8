"""DOMAIN.md §4: promise-kept rate = kept / (kept + broken); dispute days = median days from
opening to resolution; both over the 12 months ending on as_of."""

from datetime import UTC, date, datetime

from app.db import session_scope
from app.models.collection import Dispute, DisputeEvent, Hold, Promise
from app.services.analytics.collection_behaviour import collection_behaviour
from tests import factories as f

AS_OF = date(2025, 6, 30)


def _hold(s, debtor, kind, start):
    h = Hold(debtor_id=debtor.id, kind=kind, reason="test", author="Alice Martin",
             start_date=start, created_at=datetime(2025, 1, 1, tzinfo=UTC))
    s.add(h)
    s.flush()
    return h


def _promise(s, debtor, status, closed_on):
    s.add(Promise(hold_id=_hold(s, debtor, "promise", date(2024, 1, 1)).id, currency="EUR",
                  grace_days=2, status=status, closed_on=closed_on))


def _dispute(s, debtor, opened, *events):
    d = Dispute(hold_id=_hold(s, debtor, "dispute", opened).id, category="pricing",
                status=events[-1][1] if events else "open")
    s.add(d)
    s.flush()
    for day, status in events:
        s.add(DisputeEvent(dispute_id=d.id, at=datetime(day.year, day.month, day.day, 10,
                                                        tzinfo=UTC),
                           author="Alice Martin", status=status))


def test_promise_kept_rate_and_median_dispute_days(db):
    with session_scope(db) as s:
        a = f.debtor(s, "PR1")
        b = f.debtor(s, "PR2")
        for closed in (date(2024, 9, 1), date(2025, 2, 1), date(2025, 6, 1)):
            _promise(s, a, "kept", closed)
        _promise(s, a, "broken", date(2025, 3, 3))
        _promise(s, a, "kept", date(2023, 5, 1))  # older than 12 months
        _promise(s, a, "pending", None)
        _promise(s, b, "broken", date(2025, 4, 4))
        _dispute(s, a, date(2025, 1, 10), (date(2025, 1, 12), "in_progress"),
                 (date(2025, 1, 20), "resolved"))  # 10 days
        _dispute(s, a, date(2025, 2, 1), (date(2025, 3, 3), "credited"))  # 30 days
        _dispute(s, a, date(2025, 3, 1), (date(2025, 3, 5), "rejected"))  # 4 days
        _dispute(s, a, date(2025, 5, 1), (date(2025, 5, 2), "in_progress"))  # still open
        _dispute(s, b, date(2025, 6, 1), (date(2025, 7, 9), "resolved"))  # after as_of
        a_id = a.id
    with session_scope(db) as s:
        mine = collection_behaviour(s, AS_OF, debtor_id=a_id)
        book = collection_behaviour(s, AS_OF)
    assert (mine.period_start, mine.period_end) == (date(2024, 7, 1), AS_OF)
    assert (mine.promises_kept, mine.promises_broken, mine.promise_kept_rate) == (3, 1, 75.0)
    assert (mine.disputes_resolved, mine.dispute_days_median) == (3, 10.0)
    assert (book.promises_kept, book.promises_broken, book.promise_kept_rate) == (3, 2, 60.0)
    assert book.disputes_resolved == 3


def test_nothing_to_measure(db):
    with session_scope(db) as s:
        f.debtor(s, "NONE")
        result = collection_behaviour(s, AS_OF)
    assert result.promise_kept_rate is None and result.dispute_days_median is None
