from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from app.db import session_scope
from app.errors import PermissionDenied, UserError
from app.models import Activity, Campaign, CampaignAction
from app.services.activity import log_activity
from app.services.collection.approval import (
    approve_campaign,
    exclude_action,
    items_still_due,
    mark_action_sent,
    reject_campaign,
)
from app.services.collection.builder import build_campaign
from app.services.collection.explain import explain_item, find_invoice
from tests import factories as f
from tests.services.collection.test_builder import history, setup


def inv(s, d, amount, due, ref, **kw):
    return f.invoice(s, d, amount, due=due, issued=due - timedelta(days=30), ref=ref, **kw)


def build(db, day):
    with session_scope(db) as s:
        return build_campaign(s, day, user="Alice Martin")


def one_action_id(db, campaign_id):
    with session_scope(db) as s:
        return s.scalar(select(CampaignAction.id).where(CampaignAction.campaign_id == campaign_id))


def test_controllers_cannot_approve_managers_can_and_both_are_recorded(db):
    with session_scope(db) as s:
        setup(s)
        f.user(s, "Alice Martin", role="controller")
        inv(s, f.debtor(s, "C1"), 400, date(2025, 5, 1), "F1")
    built = build(db, date(2025, 5, 4))
    with session_scope(db) as s:
        with pytest.raises(PermissionDenied, match="Alice Martin is a controller; only a manager"):
            approve_campaign(s, built.campaign_id, user="Alice Martin")
        with pytest.raises(PermissionDenied, match="not an active Collecta user"):
            approve_campaign(s, built.campaign_id, user="Nobody")
    with session_scope(db) as s:
        approve_campaign(s, built.campaign_id, user="Marie Curie")
    with session_scope(db) as s:
        c = s.get(Campaign, built.campaign_id)
        assert (c.status, c.built_by, c.decided_by) == ("approved", "Alice Martin", "Marie Curie")


def test_an_approved_campaign_is_locked(db):
    with session_scope(db) as s:
        setup(s)
        inv(s, f.debtor(s, "C1"), 400, date(2025, 5, 1), "F1")
    built = build(db, date(2025, 5, 4))
    action_id = one_action_id(db, built.campaign_id)
    with session_scope(db) as s:
        approve_campaign(s, built.campaign_id, user="Marie Curie")
    with session_scope(db) as s, pytest.raises(UserError, match="approved and locked"):
        exclude_action(s, action_id, user="Marie Curie", reason="Customer called")
    with session_scope(db) as s, pytest.raises(UserError, match="cannot be rejected"):
        reject_campaign(s, built.campaign_id, user="Marie Curie", reason="Too late")


def test_excluded_line_is_not_sent_and_its_items_come_back_later(db):
    with session_scope(db) as s:
        setup(s)
        inv(s, f.debtor(s, "C1"), 400, date(2025, 5, 1), "F1")
    built = build(db, date(2025, 5, 4))
    action_id = one_action_id(db, built.campaign_id)
    with session_scope(db) as s:
        exclude_action(s, action_id, user="Marie Curie", reason="Customer paid by cheque")
        approve_campaign(s, built.campaign_id, user="Marie Curie")
    assert history(db) == []
    with session_scope(db) as s, pytest.raises(UserError, match="was excluded"):
        mark_action_sent(s, action_id, datetime(2025, 5, 4, 9, tzinfo=UTC), author="Collecta")
    assert build(db, date(2025, 5, 5)).actions == 1


def test_rejecting_frees_the_day_for_a_new_build(db):
    with session_scope(db) as s:
        setup(s)
        inv(s, f.debtor(s, "C1"), 400, date(2025, 5, 1), "F1")
    first = build(db, date(2025, 5, 4))
    with session_scope(db) as s:
        reject_campaign(s, first.campaign_id, user="Marie Curie", reason="Templates not ready")
    assert history(db) == []
    second = build(db, date(2025, 5, 4))
    assert second.created and second.campaign_id != first.campaign_id and second.actions == 1


def test_mark_sent_records_the_step_and_the_touch(db):
    with session_scope(db) as s:
        setup(s)
        inv(s, f.debtor(s, "C1"), 400, date(2025, 5, 1), "F1")
    built = build(db, date(2025, 5, 4))
    action_id = one_action_id(db, built.campaign_id)
    with session_scope(db) as s, pytest.raises(UserError, match="only approved actions"):
        mark_action_sent(s, action_id, datetime(2025, 5, 4, 9, tzinfo=UTC), author="Collecta")
    with session_scope(db) as s:
        approve_campaign(s, built.campaign_id, user="Marie Curie")
        mark_action_sent(s, action_id, datetime(2025, 5, 4, 9, tzinfo=UTC), author="Collecta")
    assert history(db) == [("F1", 1, "skipped"), ("F1", 2, "sent")]
    with session_scope(db) as s:
        sent = s.scalar(select(Activity).where(Activity.kind == "email_sent"))
        assert sent.summary == ("Email sent: Relance – factures échues – Atelier Dupuis SAS (F1)")


def test_items_settled_after_approval_are_dropped_at_dispatch(db):
    with session_scope(db) as s:
        setup(s)
        d = f.debtor(s, "C1")
        paid = inv(s, d, 400, date(2025, 5, 1), "F1")
        unpaid = inv(s, d, 300, date(2025, 5, 1), "F2")
    built = build(db, date(2025, 5, 4))
    action_id = one_action_id(db, built.campaign_id)
    with session_scope(db) as s:
        approve_campaign(s, built.campaign_id, user="Marie Curie")
        f.payment(s, s.get(f.Debtor, d.id), 400, on=date(2025, 5, 5),
                  settles=s.get(f.Invoice, paid.id))
    with session_scope(db) as s:
        assert items_still_due(s, action_id, date(2025, 5, 4)) == sorted([paid.id, unpaid.id])
        assert items_still_due(s, action_id, date(2025, 5, 5)) == [unpaid.id]


def test_explanations_in_a_credit_controllers_words(db):
    with session_scope(db) as s:
        setup(s)
        d = f.debtor(s, "C1")
        due3 = inv(s, d, 400, date(2025, 5, 1), "F1")
        small_d = f.debtor(s, "C2")
        small = inv(s, small_d, "12.00", date(2025, 5, 1), "F2")
        touched_d = f.debtor(s, "C3")
        touched = inv(s, touched_d, 500, date(2025, 5, 1), "F3")
        log_activity(s, author="Alice Martin", kind="email_sent", summary="Sent by hand",
                     debtor_id=touched_d.id, at=datetime(2025, 5, 2, 10, tzinfo=UTC))
        later = inv(s, d, 100, date(2025, 6, 5), "F4")
    day = date(2025, 5, 7)
    with session_scope(db) as s:
        assert explain_item(s, due3.id, day) == (
            "F1 as of 2025-05-07: plan 'Standard', step 2 'First reminder' due since 3 days "
            "(catch-up: step 1 'Courtesy reminder' skipped): proposed with step 2 "
            "'First reminder' by email")
        assert explain_item(s, small.id, day) == (
            "F2 as of 2025-05-07: plan 'Standard', step 2 'First reminder' due since 3 days "
            "(catch-up: step 1 'Courtesy reminder' skipped), but below tolerance 15.00 EUR "
            "(overdue 12.00 EUR)")
        assert explain_item(s, touched.id, day).endswith("proposed with step 2 "
                                                          "'First reminder' by email")
        assert explain_item(s, touched.id, date(2025, 5, 6)).endswith(
            "skipped), but touched 4 days ago, gap 5")
        assert explain_item(s, later.id, day) == (
            "F4 as of 2025-05-07: plan 'Standard', next: step 1 'Courtesy reminder' on 2025-05-31")
        assert find_invoice(s, "F4").id == later.id
    built = build(db, day)
    with session_scope(db) as s:
        assert explain_item(s, due3.id, day) == (
            f"F1 as of 2025-05-07: in campaign #{built.campaign_id} of 2025-05-07 (pending "
            "approval): step 2 'First reminder' by email")


def test_explain_settled_credit_notes_and_future_invoices(db):
    with session_scope(db) as s:
        setup(s)
        d = f.debtor(s, "C1")
        paid = inv(s, d, 100, date(2025, 5, 1), "PAID")
        f.payment(s, d, 100, on=date(2025, 5, 3), settles=paid)
        note = f.credit_note(s, d, 40, issued=date(2025, 5, 2))
        future = f.invoice(s, d, 70, due=date(2025, 7, 1), issued=date(2025, 6, 1), ref="LATER")
    with session_scope(db) as s:
        assert explain_item(s, paid.id, date(2025, 5, 2)).startswith(
            "PAID as of 2025-05-02: plan 'Standard', step 1 'Courtesy reminder' due since 6 days")
        assert explain_item(s, paid.id, date(2025, 5, 3)) == (
            "PAID as of 2025-05-03: settled, nothing to remind")
        assert explain_item(s, note.id, date(2025, 5, 3)).endswith(
            "a credit note is never reminded")
        assert explain_item(s, future.id, date(2025, 5, 3)) == (
            "LATER as of 2025-05-03: not issued yet (issued 2025-06-01)")
