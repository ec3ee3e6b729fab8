"""The outbox (ARCHITECTURE.md, Reliability): one row per action × channel, claimed once,
interrupted rows become unknown, paid items dropped (DOMAIN.md §6.8), retries with backoff."""

from datetime import date, timedelta

from sqlalchemy import select

from app.db import session_scope
from app.models import Activity, Campaign, CampaignAction, OutboxMessage, StepHistory
from app.services.dispatch.channel import PermanentSendError, TransientSendError
from app.services.dispatch.enqueue import enqueue_campaign
from app.services.dispatch.outbox import (
    claim_next,
    confirm_message,
    list_outbox,
    recover_interrupted,
)
from app.services.dispatch.sender import run_dispatch
from app.services.dispatch.smtp_settings import SmtpSettings, save_smtp_settings
from tests import factories as f
from tests.services.dispatch.conftest import AS_OF, NOON, RecordingChannel, approved_campaign


def states(db):
    with session_scope(db) as s:
        return sorted((m.channel, m.state) for m in s.scalars(select(OutboxMessage)))


def timeline(db, kind_prefix=""):
    with session_scope(db) as s:
        return [a.summary for a in s.scalars(select(Activity).order_by(Activity.id))
                if a.kind.startswith(kind_prefix) and a.debtor_id is not None]


def test_approval_queues_an_email_and_sms_step_as_two_messages_with_deterministic_ids(db):
    with session_scope(db) as s:
        save_smtp_settings(s, SmtpSettings(host="smtp.dupuis.fr",
                                           from_address="relances@dupuis.fr"), user="Marie Curie")
    cid = approved_campaign(db, ("F1", "1200", date(2025, 6, 2)))
    with session_scope(db) as s:  # queued by the approval itself, in the sender's domain
        assert enqueue_campaign(s, cid, author="Collecta", at=NOON) == 0
        action_id = s.scalar(select(CampaignAction.id))
        rows = sorted((m.message_id, m.state) for m in s.scalars(select(OutboxMessage)))
        queued = s.scalar(select(Activity.summary).where(Activity.kind == "outbox_queued"))
    assert rows == [(f"<collecta.c{cid}.a{action_id}.email@dupuis.fr>", "queued"),
                    (f"<collecta.c{cid}.a{action_id}.sms@dupuis.fr>", "queued")]
    assert queued == f"Campaign #{cid}: 2 message(s) queued for sending"


def test_dispatch_sends_each_message_once_and_marks_the_steps_sent(db, clock):
    cid = approved_campaign(db, ("F1", "1200", date(2025, 6, 2)), ("F2", "300", date(2025, 6, 1)))
    email, sms = RecordingChannel("email"), RecordingChannel("sms")
    summary = run_dispatch(db, AS_OF, {"email": email, "sms": sms}, clock=clock)
    assert summary.counts == {"email": {"sent": 2}, "sms": {"sent": 2}}
    assert sorted(m.recipient for m in email.sent) == ["ap-f1@client.example",
                                                       "ap-f2@client.example"]
    first = next(m for m in email.sent if m.recipient == "ap-f1@client.example")
    assert "F1" in first.body and first.context["total"] in first.body
    assert first.context["total"].replace("\u202f", " ").replace("\xa0", " ") == "1 200,00 €"
    again = run_dispatch(db, AS_OF, {"email": email, "sms": sms}, clock=clock)
    assert again.counts == {} and len(email.sent) == 2
    with session_scope(db) as s:
        outcomes = [h.outcome for h in s.scalars(select(StepHistory))]
        assert outcomes.count("sent") == 2 and "proposed" not in outcomes
        assert s.get(Campaign, cid).status == "dispatched"
    assert len(timeline(db, "email_sent")) == 2 and len(timeline(db, "sms_sent")) == 2


def test_a_claimed_row_cannot_be_claimed_twice(db):
    approved_campaign(db, ("F1", "1200", date(2025, 6, 2)))
    with session_scope(db) as s:
        first = claim_next(s, channels=("email",), worker="pc-1", now=NOON)
    with session_scope(db) as s:
        assert claim_next(s, channels=("email",), worker="pc-2", now=NOON) is None
        second = claim_next(s, channels=("sms",), worker="pc-2", now=NOON)
    assert first is not None and second is not None and first != second
    assert states(db) == [("email", "sending"), ("sms", "sending")]


def test_a_row_left_sending_becomes_unknown_and_is_never_resent(db, clock):
    approved_campaign(db, ("F1", "1200", date(2025, 6, 2)))
    with session_scope(db) as s:  # a sender claimed the email, then the PC lost power
        claim_next(s, channels=("email",), worker="pc-1", now=NOON)
    email, sms = RecordingChannel("email"), RecordingChannel("sms")
    summary = run_dispatch(db, AS_OF, {"email": email, "sms": sms}, worker="pc-1", clock=clock)
    assert summary.recovered_unknown == 1 and email.sent == [] and len(sms.sent) == 1
    assert states(db) == [("email", "unknown"), ("sms", "sent")]
    assert any("interrupted while sending" in t for t in timeline(db, "email_unknown"))
    # another desktop's fresh claim is left alone
    with session_scope(db) as s:
        assert recover_interrupted(s, worker="pc-2", stale_before=NOON - timedelta(hours=1),
                                   at=NOON) == []


def test_confirming_an_unknown_message(db, clock):
    approved_campaign(db, ("F1", "1200", date(2025, 6, 2)))
    with session_scope(db) as s:
        email_id = claim_next(s, channels=("email",), worker="pc-1", now=NOON)
        sms_id = claim_next(s, channels=("sms",), worker="pc-1", now=NOON)
        recover_interrupted(s, worker="pc-1", stale_before=NOON, at=NOON)
    with session_scope(db) as s:
        confirm_message(s, email_id, sent=True, user="Alice Martin", at=NOON)
        confirm_message(s, sms_id, sent=False, user="Alice Martin", at=NOON)
    assert states(db) == [("email", "sent"), ("sms", "queued")]
    sms = RecordingChannel("sms")
    run_dispatch(db, AS_OF, {"sms": sms}, clock=clock)
    assert len(sms.sent) == 1 and states(db) == [("email", "sent"), ("sms", "sent")]
    with session_scope(db) as s:
        assert [r.state for r in list_outbox(s, state="sent")] == ["sent", "sent"]


def test_items_paid_since_approval_are_dropped_and_logged(db, clock):
    # as of 06-12 the debtor has F1 (due 06-02) and F3 (due 05-30) in one action; F3 is paid
    # on 06-11 after approval: the email lists F1 only and says F3 was dropped.
    cid = approved_campaign(db, ("F1", "1200", date(2025, 6, 2)), mobile=None)
    with session_scope(db) as s:
        d = s.scalar(select(CampaignAction)).debtor_id
        from app.models import Debtor
        debtor = s.get(Debtor, d)
        f3 = f.invoice(s, debtor, 500, due=date(2025, 5, 30), issued=date(2025, 4, 30), ref="F3")
        a = s.scalar(select(CampaignAction))
        from app.models import CampaignActionItem
        s.add(CampaignActionItem(action_id=a.id, invoice_id=f3.id, residual=f.D(500),
                                 days_late=13))
        f.payment(s, debtor, 500, on=date(2025, 6, 11), settles=f3)
    email = RecordingChannel("email")
    run_dispatch(db, AS_OF, {"email": email}, campaign_id=cid, clock=clock)
    assert len(email.sent) == 1 and "F1" in email.sent[0].body and "F3" not in email.sent[0].body
    assert timeline(db, "items_dropped") == [
        "Dropped from the email before sending (paid, credited or held since approval): F3"]


def test_a_message_with_nothing_left_is_dropped_whole(db, clock):
    cid = approved_campaign(db, ("F1", "1200", date(2025, 6, 2)))
    with session_scope(db) as s:
        from app.models import Invoice
        inv = s.scalar(select(Invoice))
        f.payment(s, s.get(__import__("app.models").models.Debtor, inv.debtor_id), 1200,
                  on=date(2025, 6, 12), settles=inv)
    email, sms = RecordingChannel("email"), RecordingChannel("sms")
    summary = run_dispatch(db, AS_OF, {"email": email, "sms": sms}, campaign_id=cid, clock=clock)
    assert summary.counts == {"email": {"dropped": 1}, "sms": {"dropped": 1}}
    assert email.sent == [] and states(db) == [("email", "dropped"), ("sms", "dropped")]
    assert "every invoice was paid, credited or held since approval (F1)" in \
        timeline(db, "message_dropped")[0]


def test_transient_errors_retry_with_backoff_then_permanent_fails_on_the_timeline(db, clock):
    cid = approved_campaign(db, ("F1", "1200", date(2025, 6, 2)))
    email = RecordingChannel("email", [TransientSendError("451 try again later"),
                                       TransientSendError("451 try again later")])
    sms = RecordingChannel("sms", [PermanentSendError("invalid number +33 6 12")])
    summary = run_dispatch(db, AS_OF, {"email": email, "sms": sms}, campaign_id=cid,
                           clock=clock, sleep=clock.sleep, backoff=timedelta(seconds=30))
    assert summary.counts == {"email": {"sent": 1}, "sms": {"failed": 1}}
    w = clock.waits
    assert len(w) == 2 and 20 < w[0] <= 30 and 50 < w[1] <= 60  # 30 s, then 60 s
    with session_scope(db) as s:
        assert s.scalar(select(OutboxMessage.attempts).where(OutboxMessage.channel == "email")) == 3
    assert timeline(db, "sms_failed") == ["SMS not sent: invalid number +33 6 12"]


def test_gives_up_after_max_attempts(db, clock):
    approved_campaign(db, ("F1", "1200", date(2025, 6, 2)), mobile=None)
    email = RecordingChannel("email", [TransientSendError("timed out")] * 3)
    summary = run_dispatch(db, AS_OF, {"email": email}, clock=clock, sleep=clock.sleep,
                           max_attempts=3)
    assert summary.counts == {"email": {"failed": 1}}
    assert timeline(db, "email_failed") == ["Email not sent: timed out (gave up after 3 tries)"]
