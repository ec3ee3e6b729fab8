""""Send test SMS": one message through the configured gateway, outside any campaign, so that a
person setting up the gateway sees the provider's answer (or why it failed) at once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.errors import UserError
from app.services.dispatch.channel import (
    PermanentSendError,
    PreparedMessage,
    TransientSendError,
    UncertainSendError,
)
from app.services.dispatch.sms_channel import SmsChannel, SmsSettings, e164

TEST_TEXT = "Collecta test SMS: your gateway settings work."


@dataclass(frozen=True, slots=True)
class SmsTestResult:
    to: str  # the number in E.164
    provider_id: str | None
    token_used: bool

    def describe(self, id_field: str) -> str:
        head = f"The gateway accepted the test SMS to {self.to}"
        answer = (f"message id {self.provider_id}" if self.provider_id else
                  f"no message id at '{id_field}' in its answer")
        tail = "" if self.token_used else " (no token in the keyring: sent without auth header)"
        return f"{head}: {answer}{tail}"


def send_test_sms(settings: SmsSettings, token: str | None, to: str, *,
                  at: datetime) -> SmsTestResult:
    """Send TEST_TEXT to `to`; a refusal or a broken connection is a UserError saying why."""
    settings.validate()
    if not to.strip():
        raise UserError("Test SMS: enter the mobile number to send it to")
    try:
        number = e164(to, settings.default_region)
        delivery = SmsChannel(settings, token).send(PreparedMessage(
            outbox_id=0, message_id=f"collecta-test-{at:%Y%m%d%H%M%S}", channel="sms",
            campaign_id=0, action_id=0, debtor_id=0, recipient=number, subject=None,
            body=TEST_TEXT, reply_to=None, as_of=at.date()))
    except (TransientSendError, PermanentSendError, UncertainSendError) as exc:
        raise UserError(f"Test SMS to {to.strip()} failed: {exc}") from None
    return SmsTestResult(number, delivery.provider_id, bool(token))
