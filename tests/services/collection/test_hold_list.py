"""The debtor page's list of holds (disputes, promises, manual holds), as of a date."""

from datetime import date, timedelta

from app.db import session_scope
from app.services.collection.disputes import open_dispute, set_dispute_status
from app.services.collection.hold_list import debtor_holds
from app.services.collection.holds import put_on_hold, release_hold
from app.services.collection.promises import record_promise
from tests import factories as f
from tests.factories import D


def inv(s, d, amount, due, ref):
    return f.invoice(s, d, amount, due=due, issued=due - timedelta(days=30), ref=ref)


def test_every_kind_of_hold_with_its_state_and_next_steps(db):
    with session_scope(db) as s:
        d = f.debtor(s, "C1")
        f1 = inv(s, d, 900, date(2025, 5, 1), "F1")
        f2 = inv(s, d, 300, date(2025, 5, 10), "F2")
        dispute = open_dispute(s, d.id, [f1.id], category="pricing", reason="Price differs",
                               author="Alice Martin", on=date(2025, 5, 2))
        set_dispute_status(s, dispute.dispute_id, "in_progress", author="Bruno Petit",
                           on=date(2025, 5, 3), note="Asked sales for the quote")
        record_promise(s, d.id, [f2.id], [(date(2025, 5, 20), D(300))], author="Alice Martin",
                       on=date(2025, 5, 4))
        manual = put_on_hold(s, d.id, author="Alice Martin", reason="Owner in hospital",
                             start=date(2025, 5, 5), end=date(2025, 5, 31))
        rows = debtor_holds(s, d.id, date(2025, 5, 6))
    # Newest first; as of 05-06 all three stop reminders.
    assert [(r.title, r.status, r.active, r.invoices, r.end) for r in rows] == [
        (f"Manual hold #{manual}", "active", True, (), date(2025, 5, 31)),
        ("Promise to pay #1", "pending", True, ("F2",), date(2025, 5, 22)),  # 05-20 + 2 grace
        (f"Dispute #{dispute.dispute_id} (pricing)", "in_progress", True, ("F1",), None),
    ]
    held = rows[2]
    assert held.next_statuses == ("resolved", "credited", "rejected")
    assert [(h.author, h.status, h.note) for h in held.history] == [
        ("Alice Martin", "open", "Price differs"),
        ("Bruno Petit", "in_progress", "Asked sales for the quote")]
    assert rows[1].promised == ((date(2025, 5, 20), D(300)),) and rows[1].currency == "EUR"
    assert rows[0].releasable and not rows[1].releasable and not held.releasable


def test_a_resolved_dispute_and_a_released_hold_no_longer_stop_reminders(db):
    with session_scope(db) as s:
        d = f.debtor(s, "C1")
        f1 = inv(s, d, 900, date(2025, 5, 1), "F1")
        dispute = open_dispute(s, d.id, [f1.id], category="quality", reason="Broken glass",
                               author="Alice Martin", on=date(2025, 5, 2))
        manual = put_on_hold(s, d.id, author="Alice Martin", reason="Holiday closure",
                             start=date(2025, 5, 2), end=None)
    with session_scope(db) as s:
        set_dispute_status(s, dispute.dispute_id, "credited", author="Alice Martin",
                           on=date(2025, 5, 6), note="Credit note AV-12 for 900.00")
        release_hold(s, manual, author="Alice Martin", on=date(2025, 5, 6))
    with session_scope(db) as s:
        on_the_day = {r.kind: (r.status, r.active) for r in debtor_holds(s, d.id, date(2025, 5, 6))}
        day_after = {r.kind: (r.status, r.active) for r in debtor_holds(s, d.id, date(2025, 5, 7))}
    # The dispute stops holding when closed; the manual hold ends with the day it is released.
    assert on_the_day == {"dispute": ("credited", False), "manual": ("ends today", True)}
    assert day_after == {"dispute": ("credited", False), "manual": ("ended", False)}
    with session_scope(db) as s:
        rows = debtor_holds(s, d.id, date(2025, 5, 7))
    assert [r.next_statuses for r in rows if r.kind == "dispute"] == [()]
    assert not any(r.releasable for r in rows)
