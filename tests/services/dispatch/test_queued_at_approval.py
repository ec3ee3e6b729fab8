"""What approval queues: every kept action × channel with its recipient already known, so the
outbox reads right before anyone sends; values longer than the outbox columns (a long postal
address, a long debtor name in the subject) are shortened in the record, never refused."""

from datetime import date

from sqlalchemy import select

from app.db import session_scope
from app.models import Contact, Debtor, OutboxMessage
from app.services.dispatch.letter_channel import LetterChannel
from app.services.dispatch.sender import run_dispatch
from tests.services.dispatch.conftest import AS_OF, RecordingChannel, approved_campaign


def outbox(db):
    with session_scope(db) as s:
        return sorted((m.channel, m.state, m.recipient) for m in s.scalars(
            select(OutboxMessage)))


def test_the_outbox_shows_each_recipient_as_soon_as_the_campaign_is_approved(db):
    approved_campaign(db, ("F1", "1200", date(2025, 6, 2)))
    assert outbox(db) == [("email", "queued", "ap-f1@client.example"),
                          ("sms", "queued", "+33 6 12 34 56 78")]


def test_a_long_address_and_name_are_shortened_in_the_record_only(db, tmp_path, clock):
    cid = approved_campaign(db, ("F1", "1200", date(2025, 4, 1)))  # formal notice: a letter
    street = "Zone industrielle des Grandes Terres, bâtiment " + "B" * 150
    with session_scope(db) as s:
        contact = s.scalar(select(Contact))
        contact.name, contact.address_line1 = "Service comptabilité fournisseurs", street
        contact.address_line2 = "Boîte postale 1234 " + "x" * 150
        s.scalar(select(Debtor)).name = "Établissements " + "Très Long Nom " * 13
    summary = run_dispatch(db, AS_OF, {"letter": LetterChannel(tmp_path),
                                       "email": RecordingChannel("email"),
                                       "sms": RecordingChannel("sms")}, clock=clock)
    assert summary.counts.get("letter") == {"sent": 1}
    with session_scope(db) as s:
        letter = s.scalar(select(OutboxMessage).where(OutboxMessage.channel == "letter"))
        assert len(letter.recipient) == 200 and letter.recipient.endswith("…")
        assert letter.recipient.startswith("Service comptabilité fournisseurs\nZone")
        assert letter.archive_path and f"campaign-{cid}" in letter.archive_path


def test_a_campaign_approved_before_approval_queued_is_queued_by_the_send_run(db, clock):
    approved_campaign(db, ("F1", "1200", date(2025, 6, 2)), ("F2", "300", date(2025, 6, 1)),
                      mobile=None)
    with session_scope(db) as s:  # as an older version left it: approved, nothing queued
        for m in s.scalars(select(OutboxMessage)):
            s.delete(m)
    email = RecordingChannel("email")
    summary = run_dispatch(db, AS_OF, {"email": email}, clock=clock)
    assert summary.counts == {"email": {"sent": 2}}
    assert sorted(m.recipient for m in email.sent) == ["ap-f1@client.example",
                                                        "ap-f2@client.example"]
