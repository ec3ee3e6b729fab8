"""DOMAIN.md §6.6: dispute → its items; promise → promised items until date + grace, then if
broken the plan resumes at the next step; manual hold → the debtor until its end; legal → out."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.db import session_scope
from app.errors import UserError
from app.models import Activity, Promise
from app.services.collection.builder import build_campaign
from app.services.collection.disputes import open_dispute, set_dispute_status
from app.services.collection.explain import explain_item
from app.services.collection.holds import held_debtor_ids, put_on_hold
from app.services.collection.promises import record_promise
from tests import factories as f
from tests.factories import D
from tests.services.collection.test_builder import actions, approve_and_send, history, setup


def inv(s, d, amount, due, ref, **kw):
    return f.invoice(s, d, amount, due=due, issued=due - timedelta(days=30), ref=ref, **kw)


def build(db, day):
    with session_scope(db) as s:
        return build_campaign(s, day, user="Alice Martin")


def test_dispute_holds_only_its_items_until_resolved(db):
    with session_scope(db) as s:
        setup(s)
        d = f.debtor(s, "C1")
        contested = inv(s, d, 900, date(2025, 5, 1), "F1")
        inv(s, d, 300, date(2025, 5, 1), "F2")
        opened = open_dispute(s, d.id, [contested.id], category="pricing",
                              reason="Unit price differs from the quote", author="Alice Martin",
                              on=date(2025, 5, 2))
    result = build(db, date(2025, 5, 4))
    assert actions(db, result.campaign_id) == [("C1", 2, "EUR", D(300), ["F2"])]
    with session_scope(db) as s:
        assert explain_item(s, contested.id, date(2025, 5, 4)) == (
            f"F1 as of 2025-05-04: plan 'Standard', held: dispute #{opened.dispute_id} (pricing)")
        assert held_debtor_ids(s, date(2025, 5, 4)) == {
            d.id: f"held: dispute #{opened.dispute_id} (pricing)"}
        set_dispute_status(s, opened.dispute_id, "rejected", author="Alice Martin",
                           on=date(2025, 5, 5), note="Price confirmed by sales")
    approve_and_send(db, result.campaign_id, date(2025, 5, 4))
    after = build(db, date(2025, 5, 9))  # gap of 5 days since the 05-04 email
    assert actions(db, after.campaign_id) == [("C1", 2, "EUR", D(1200), ["F1", "F2"])]


def test_broken_promise_is_detected_and_the_plan_resumes_at_the_next_step(db):
    with session_scope(db) as s:
        setup(s)
        d = f.debtor(s, "C1")
        item = inv(s, d, 1000, date(2025, 5, 1), "F1")
        record_promise(s, d.id, [item.id], [(date(2025, 5, 10), D(500)),
                                            (date(2025, 5, 20), D(500))],
                       author="Alice Martin", on=date(2025, 5, 2))
        f.payment(s, d, 500, on=date(2025, 5, 11), settles=item)  # first instalment kept
    # Held until the last instalment + 2 days of grace (05-22), even though steps fall due.
    for day in (date(2025, 5, 4), date(2025, 5, 15), date(2025, 5, 22)):
        assert build(db, day).actions == 0
    with session_scope(db) as s:
        assert "held: promise to pay" in explain_item(s, item.id, date(2025, 5, 22))
    # Nothing paid for the second instalment by 05-22: broken on the 05-23 build.
    resumed = build(db, date(2025, 5, 23))
    with session_scope(db) as s:
        promise = s.scalar(select(Promise))
        assert (promise.status, promise.closed_on) == ("broken", date(2025, 5, 23))
        assert s.scalar(select(Activity.summary).where(Activity.kind == "promise_broken")) == (
            f"Promise #{promise.id} broken; reminders resume at the next step")
    # +22 would be the call (step 4) by catch-up; a broken promise resumes at the next step,
    # the first reminder (the courtesy "falls due soon" step no longer fits a late item).
    assert actions(db, resumed.campaign_id) == [("C1", 2, "EUR", D(500), ["F1"])]
    assert history(db) == [("F1", 2, "proposed")]


def test_kept_promise_is_marked_kept(db):
    with session_scope(db) as s:
        setup(s)
        d = f.debtor(s, "C1")
        item = inv(s, d, 1000, date(2025, 5, 1), "F1")
        record_promise(s, d.id, [item.id], [(date(2025, 5, 10), D(1000))],
                       author="Alice Martin", on=date(2025, 5, 2))
        f.payment(s, d, 1000, on=date(2025, 5, 12), settles=item)  # within 2 days of grace
    build(db, date(2025, 5, 13))
    with session_scope(db) as s:
        assert s.scalar(select(Promise.status)) == "kept"


def test_manual_hold_covers_the_debtor_until_its_end_date(db):
    with session_scope(db) as s:
        setup(s)
        d = f.debtor(s, "C1")
        item = inv(s, d, 1000, date(2025, 5, 1), "F1")
        hold_id = put_on_hold(s, d.id, author="Alice Martin", reason="Owner in hospital",
                              start=date(2025, 5, 2), end=date(2025, 5, 10))
    assert build(db, date(2025, 5, 10)).actions == 0
    with session_scope(db) as s:
        assert explain_item(s, item.id, date(2025, 5, 10)) == (
            f"F1 as of 2025-05-10: plan 'Standard', held: manual hold #{hold_id} until "
            "2025-05-10 (Owner in hospital)")
    assert build(db, date(2025, 5, 11)).actions == 1


def test_legal_file_takes_the_debtor_out_of_automated_plans(db):
    with session_scope(db) as s:
        setup(s)
        d = f.debtor(s, "C1")
        item = inv(s, d, 1000, date(2025, 3, 1), "F1")
        put_on_hold(s, d.id, author="Alice Martin", reason="Handed to Cabinet Durand",
                    start=date(2025, 5, 2), end=None, legal=True)
    assert build(db, date(2025, 9, 1)).actions == 0
    with session_scope(db) as s:
        assert explain_item(s, item.id, date(2025, 9, 1)).endswith(
            "legal file since 2025-05-02: out of automated plans")


def test_hold_input_is_checked(db):
    with session_scope(db) as s:
        setup(s)
        d, other = f.debtor(s, "C1"), f.debtor(s, "C2")
        theirs = inv(s, other, 10, date(2025, 5, 1), "X1")
        with pytest.raises(UserError, match="do not belong to debtor"):
            open_dispute(s, d.id, [theirs.id], category="quality", reason="Broken",
                         author="A", on=date(2025, 5, 2))
        with pytest.raises(UserError, match="not one of"):
            open_dispute(s, other.id, [theirs.id], category="mood", reason="x", author="A",
                         on=date(2025, 5, 2))
        with pytest.raises(UserError, match="before its start"):
            put_on_hold(s, d.id, author="A", reason="x", start=date(2025, 5, 2),
                        end=date(2025, 5, 1))
        with pytest.raises(UserError, match="before the promise date"):
            record_promise(s, other.id, [theirs.id], [(date(2025, 5, 1), D(10))], author="A",
                           on=date(2025, 5, 2))
