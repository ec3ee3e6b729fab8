"""SMS through one configurable HTTP gateway: URL, an auth header whose value lives in the
keyring, a JSON body template. Numbers are normalised to E.164 with `phonenumbers`; the text's
length is counted in SMS segments (160 GSM-7 characters, 70 in UCS-2)."""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import keyring
import phonenumbers
from sqlalchemy.orm import Session

from app.errors import UserError
from app.services.activity import log_activity
from app.services.dispatch.channel import (
    Delivery,
    PermanentSendError,
    PreparedMessage,
    TransientSendError,
    UncertainSendError,
)
from app.services.team_settings import load_settings, store_settings

SETTING_KEY = "dispatch.sms"
KEYRING_SERVICE = "Collecta"
GSM7 = set("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNO"
           "PQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
GSM7_EXTENDED = set("^{}\\[~]|€\f")
TEST_TEXT = "Collecta test SMS: your gateway settings work."


@dataclass(frozen=True, slots=True)
class SmsSettings:
    url: str = ""
    auth_header: str = "Authorization"
    body_template: str = '{"to": "{{to}}", "from": "{{sender}}", "text": "{{text}}"}'
    sender: str = ""
    id_field: str = "id"  # dotted path to the provider's message id in the JSON answer
    default_region: str = "FR"
    max_segments: int = 3
    timeout: float = 20.0

    @property
    def keyring_user(self) -> str:
        return f"sms:{self.url}"

    def validate(self) -> None:
        if not self.url.startswith(("http://", "https://")):
            raise UserError(f"SMS settings: gateway URL '{self.url}' must start with https://")
        try:
            json.loads(self.body_template)
        except ValueError as exc:
            raise UserError(f"SMS settings: the body template is not valid JSON ({exc})") from None
        if "{{text}}" not in self.body_template or "{{to}}" not in self.body_template:
            raise UserError("SMS settings: the body template must contain {{to}} and {{text}}")


def load_sms_settings(session: Session) -> SmsSettings:
    return load_settings(session, SETTING_KEY, SmsSettings())


def save_sms_settings(session: Session, settings: SmsSettings, *, user: str,
                      token: str | None = None) -> None:
    settings.validate()
    store_settings(session, SETTING_KEY, settings)
    if token:
        keyring.set_password(KEYRING_SERVICE, settings.keyring_user, token)
    log_activity(session, author=user, kind="settings_changed",
                 summary=f"SMS gateway set to {settings.url}", detail={"setting": SETTING_KEY})
    session.flush()


def sms_token(settings: SmsSettings) -> str | None:
    return keyring.get_password(KEYRING_SERVICE, settings.keyring_user)


def e164(number: str, region: str = "FR", *fallbacks: str | None) -> str:
    """'06 12 34 56 78' (FR) → '+33612345678'; a number written without its country code is
    read as one of `region`, then each fallback region, the first that makes it valid.
    PermanentSendError when it is a number of none of them."""
    for where in (region, *fallbacks):
        if not where:
            continue
        try:
            parsed = phonenumbers.parse(number, where.upper())
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(parsed):
            return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    raise PermanentSendError(f"invalid number '{number}'")


def sms_segments(text: str) -> tuple[str, int]:
    """(encoding, number of SMS): GSM-7 160 (153 per part), else UCS-2 70 (67 per part)."""
    if all(ch in GSM7 or ch in GSM7_EXTENDED for ch in text):
        units = len(text) + sum(ch in GSM7_EXTENDED for ch in text)
        return "GSM-7", 1 if units <= 160 else -(-units // 153)
    units = sum(2 if ord(ch) > 0xFFFF else 1 for ch in text)
    return "UCS-2", 1 if units <= 70 else -(-units // 67)


def _fill(node: Any, values: dict[str, str]) -> Any:
    """Substitute placeholders inside the parsed JSON, so the text cannot break its syntax."""
    if isinstance(node, str):
        for key, value in values.items():
            node = node.replace("{{" + key + "}}", value)
        return node
    if isinstance(node, list):
        return [_fill(x, values) for x in node]
    if isinstance(node, dict):
        return {k: _fill(v, values) for k, v in node.items()}
    return node


def _dig(data: Any, path: str) -> str | None:
    for part in path.split("."):
        if not isinstance(data, dict) or part not in data:
            return None
        data = data[part]
    return None if data is None else str(data)


class SmsChannel:
    channel = "sms"

    def __init__(self, settings: SmsSettings, token: str | None = None) -> None:
        settings.validate()
        self.settings, self.token = settings, token

    def send(self, message: PreparedMessage) -> Delivery:
        # the debtor's country first: a Belgian customer's '0470 12 34 56' is a Belgian mobile
        country = message.context.get("debtor", {}).get("country")
        to = e164(message.recipient or "", country or self.settings.default_region,
                  self.settings.default_region)
        text = message.body.strip()
        encoding, parts = sms_segments(text)
        if parts > self.settings.max_segments:
            raise PermanentSendError(f"the text is {len(text)} characters ({parts} SMS in "
                                     f"{encoding}, at most {self.settings.max_segments}): "
                                     "shorten the template")
        body = _fill(json.loads(self.settings.body_template),
                     {"to": to, "text": text, "sender": self.settings.sender,
                      "reference": message.message_id})
        request = urllib.request.Request(
            self.settings.url, data=json.dumps(body).encode(), method="POST",
            headers={"Content-Type": "application/json", "Accept": "application/json",
                     **({self.settings.auth_header: self.token} if self.token else {})})
        try:
            with urllib.request.urlopen(request, timeout=self.settings.timeout) as response:
                answer = response.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read()[:200].decode(errors="replace")
            if exc.code == 429 or exc.code >= 500:
                raise TransientSendError(f"gateway answered {exc.code}: {detail}") from None
            raise PermanentSendError(f"gateway refused the SMS ({exc.code}): {detail}") from None
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, ConnectionRefusedError | socket.gaierror):
                raise TransientSendError(f"gateway unreachable: {exc.reason}") from None
            raise UncertainSendError(f"no answer from the gateway: {exc.reason}") from None
        except (TimeoutError, ConnectionError) as exc:
            raise UncertainSendError(f"no answer from the gateway: {exc}") from None
        try:
            provider_id = _dig(json.loads(answer or b"{}"), self.settings.id_field)
        except ValueError:
            provider_id = None
        return Delivery(provider_id=provider_id)

    def close(self) -> None:
        return None


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
    """"Send test SMS": TEST_TEXT to `to` through the gateway, outside any campaign, so that a
    person setting it up sees the provider's answer at once; a refusal or a broken connection
    is a UserError saying why."""
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
