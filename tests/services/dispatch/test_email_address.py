"""Recipient addresses as accounting exports write them, made fit for SMTP, and what a debtor's
timeline says when an address cannot be used."""

from datetime import date

import pytest
from sqlalchemy import select

from app.db import session_scope
from app.errors import UserError
from app.models import Activity, Contact
from app.services.dispatch.email_address import InvalidAddress, email_recipients
from app.services.dispatch.email_channel import EmailChannel, send_test_email
from app.services.dispatch.sender import run_dispatch
from app.services.dispatch.smtp_settings import SmtpSettings
from tests.services.dispatch.conftest import AS_OF, approved_campaign


@pytest.mark.parametrize(("raw", "expected"), [
    ("compta@client.fr", ("compta@client.fr",)),
    ("  compta@client.fr ", ("compta@client.fr",)),
    ("compta@client.fr; dg@client.fr", ("compta@client.fr", "dg@client.fr")),
    ("compta@client.fr,dg@client.fr  ;", ("compta@client.fr", "dg@client.fr")),
    ("compta@client.fr dg@client.fr", ("compta@client.fr", "dg@client.fr")),
    ("Compta@CLIENT.fr; compta@client.fr", ("Compta@client.fr",)),
    ("Service compta <compta@client.fr>; DG <dg@client.fr>",
     ("compta@client.fr", "dg@client.fr")),
    ("compta@société.fr", ("compta@xn--socit-esab.fr",)),
])
def test_addresses_are_split_checked_and_given_in_ascii(raw, expected):
    assert email_recipients(raw) == expected


@pytest.mark.parametrize(("raw", "message"), [
    ("n/a", "'n/a' is not valid: An email address must have an @-sign"),
    ("compta@client", "'compta@client' is not valid"),
    ("compta@client.fr; dg@", r"'dg@' \(in 'compta@client.fr; dg@'\) is not valid"),
    ("josé@client.fr", "'josé@client.fr' has non-ASCII characters before the @"),
    ("  ", "there is no email address"),
    (None, "there is no email address"),
])
def test_an_unusable_address_is_named(raw, message):
    with pytest.raises(InvalidAddress, match=message):
        email_recipients(raw)


def smtp(port):
    return SmtpSettings(host="127.0.0.1", port=port, security="plain",
                        from_address="relances@dupuis.fr", per_minute=0)


def set_email(db, ref, email):
    with session_scope(db) as s:
        old = f"ap-{ref.lower()}@client.example"
        s.scalar(select(Contact).where(Contact.email == old)).email = email


def test_two_addresses_and_an_international_domain_get_one_message(db, smtp_server, clock):
    approved_campaign(db, ("F1", "1200", date(2025, 6, 2)), mobile=None)
    set_email(db, "F1", "Compta <compta@société.fr>; dg@client.example")
    summary = run_dispatch(db, AS_OF, {"email": EmailChannel(smtp(smtp_server.port))},
                           clock=clock)
    assert summary.counts == {"email": {"sent": 1}}
    assert [rcpts for _, rcpts, _ in smtp_server.envelopes] == [
        ["compta@xn--socit-esab.fr", "dg@client.example"]]
    assert smtp_server.messages()[0]["To"] == "compta@xn--socit-esab.fr, dg@client.example"


def test_an_invalid_address_fails_with_the_reason_and_nothing_reaches_the_server(
        db, smtp_server, clock):
    approved_campaign(db, ("F1", "1200", date(2025, 6, 2)), ("F2", "300", date(2025, 6, 1)),
                      mobile=None)
    set_email(db, "F1", "voir courrier")
    summary = run_dispatch(db, AS_OF, {"email": EmailChannel(smtp(smtp_server.port))},
                           clock=clock)
    assert summary.counts == {"email": {"failed": 1, "sent": 1}}
    assert [rcpts for _, rcpts, _ in smtp_server.envelopes] == [["ap-f2@client.example"]]
    with session_scope(db) as s:
        failed = s.scalar(select(Activity.summary).where(Activity.kind == "email_failed"))
    assert failed == ("Email not sent: the email address 'voir' (in 'voir courrier') is not "
                      "valid: An email address must have an @-sign.")


def test_settings_and_the_test_email_name_a_bad_address(smtp_server):
    with pytest.raises(UserError, match="sender address: the email address 'relances' is not"):
        SmtpSettings(host="h", from_address="relances").validate()
    with pytest.raises(UserError, match="BCC.*more than one address"):
        SmtpSettings(host="h", from_address="a@b.fr", bcc="x@b.fr; y@b.fr").validate()
    with pytest.raises(UserError, match="Test email not sent: the email address 'alice@' is"):
        send_test_email(smtp(smtp_server.port), None, "alice@")
    assert smtp_server.envelopes == []
