"""SMS through an HTTP gateway played by a local http.server on 127.0.0.1 (incl. 429 and 500)."""

from datetime import date

import pytest
from sqlalchemy import select

from app.db import session_scope
from app.models import Activity, OutboxMessage
from app.services.dispatch.channel import PermanentSendError
from app.services.dispatch.sender import run_dispatch
from app.services.dispatch.sms_channel import (
    SmsChannel,
    SmsSettings,
    e164,
    save_sms_settings,
    sms_segments,
    sms_token,
)
from tests.services.dispatch.conftest import AS_OF, approved_campaign


def settings(url):
    return SmsSettings(url=url, sender="DUPUIS", id_field="message.id",
                       body_template='{"recipient": "{{to}}", "originator": "{{sender}}", '
                                     '"body": "{{text}}", "meta": {"ref": "{{reference}}"}}')


def test_numbers_are_normalised_to_e164():
    assert e164("06 12 34 56 78", "FR") == "+33612345678"
    assert e164("+44 20 7946 0958", "FR") == "+442079460958"
    # a Belgian customer's national mobile, then a French one for the same Belgian customer
    assert e164("0470 12 34 56", "BE", "FR") == "+32470123456"
    assert e164("06 12 34 56 78", "BE", "FR") == "+33612345678"
    with pytest.raises(PermanentSendError, match="invalid number '12'"):
        e164("12", "FR")


def test_sms_length_in_segments():
    assert sms_segments("a" * 160) == ("GSM-7", 1)
    assert sms_segments("a" * 161) == ("GSM-7", 2)  # 153 per part once split
    assert sms_segments("é" * 160) == ("GSM-7", 1)
    assert sms_segments("€" * 80) == ("GSM-7", 1) and sms_segments("€" * 81) == ("GSM-7", 2)
    assert sms_segments("ł" * 70) == ("UCS-2", 1) and sms_segments("ł" * 71) == ("UCS-2", 2)


def test_sms_reach_the_gateway_in_e164_with_the_token_and_the_id_is_stored(
        db, gateway, memory_keyring, clock):
    approved_campaign(db, ("F1", "1200", date(2025, 6, 2)), mobile="06 12 34 56 78")
    with session_scope(db) as s:
        save_sms_settings(s, settings(gateway.url), user="Marie Curie", token="Bearer tok-42")
    channel = SmsChannel(settings(gateway.url), sms_token(settings(gateway.url)))
    gateway.script = [(429, {"error": "slow down"}), (500, {"error": "oops"})]
    summary = run_dispatch(db, AS_OF, {"sms": channel}, clock=clock, sleep=clock.sleep)
    assert summary.counts == {"sms": {"sent": 1}} and len(gateway.received) == 3
    headers, body = gateway.received[-1]
    assert headers["Authorization"] == "Bearer tok-42"
    assert body["recipient"] == "+33612345678" and body["originator"] == "DUPUIS"
    assert "F1" in body["body"] and body["meta"]["ref"].startswith("<collecta.c1.a1.sms@")
    with session_scope(db) as s:
        m = s.scalar(select(OutboxMessage).where(OutboxMessage.channel == "sms"))
        assert (m.state, m.attempts, m.provider_id) == ("sent", 3, "msg-3")
        assert s.scalar(select(Activity).where(Activity.kind == "sms_sent")) is not None


def test_refused_sms_and_invalid_numbers_fail_on_the_timeline(db, gateway, clock):
    approved_campaign(db, ("F1", "1200", date(2025, 6, 2)), ("F2", "300", date(2025, 6, 1)),
                      mobile="06 12 34 56 78")
    with session_scope(db) as s:
        queued = {m.state for m in s.scalars(select(OutboxMessage))}  # by the approval
        from app.models import Contact
        s.scalars(select(Contact)).all()[1].mobile = "0612"
    gateway.script = [(400, {"error": "unknown originator"})]
    summary = run_dispatch(db, AS_OF, {"sms": SmsChannel(settings(gateway.url))}, clock=clock)
    assert queued == {"queued"} and summary.counts == {"sms": {"failed": 2}}
    with session_scope(db) as s:
        reasons = sorted(a.summary for a in s.scalars(
            select(Activity).where(Activity.kind == "sms_failed")))
    assert reasons == [
        'SMS not sent: gateway refused the SMS (400): {"error": "unknown originator"}',
        "SMS not sent: invalid number '0612'"]


def test_a_national_number_is_read_in_the_debtors_country(db, gateway, clock):
    approved_campaign(db, ("F1", "1200", date(2025, 6, 2)), mobile="0470 12 34 56")
    with session_scope(db) as s:
        from app.models import Debtor
        s.scalar(select(Debtor)).country = "BE"
    summary = run_dispatch(db, AS_OF, {"sms": SmsChannel(settings(gateway.url))}, clock=clock)
    assert summary.counts == {"sms": {"sent": 1}}
    assert gateway.received[-1][1]["recipient"] == "+32470123456"  # not refused as French
