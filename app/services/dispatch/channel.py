"""What a channel sender receives (a prepared message) and the three ways a send can fail."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from app.errors import UserError


class ChannelUnavailable(UserError):
    """The channel cannot be used at all (server unreachable, login refused): nothing left,
    the run stops and the message stays queued."""


class TransientSendError(Exception):
    """Not delivered, try again later (SMTP 4xx, timeout, HTTP 429/5xx, server unreachable)."""


class PermanentSendError(Exception):
    """Not delivered and never will be as is (5xx on the recipient, invalid number)."""


class UncertainSendError(Exception):
    """The connection broke after the content left: it may have arrived. Never retried."""


@dataclass(frozen=True, slots=True)
class InvoiceRef:
    """An invoice a message is about, as named in the source system."""

    number: str
    external_ref: str | None = None


@dataclass(frozen=True, slots=True)
class PreparedMessage:
    """One outbox row ready to go: the text is rendered for the items still due today."""

    outbox_id: int
    message_id: str
    channel: str
    campaign_id: int | None  # None for a notice (no campaign)
    action_id: int | None
    debtor_id: int
    recipient: str | None
    subject: str | None
    body: str
    reply_to: str | None
    context: dict[str, Any] = field(default_factory=dict)
    as_of: date = date(2000, 1, 1)
    kind: str = "reminder"  # "notice": final plain text, no statement, no re-render
    invoices: tuple[InvoiceRef, ...] = ()  # the items the message is about, for invoice PDFs


@dataclass(frozen=True, slots=True)
class Delivery:
    """What a channel reports back on success."""

    provider_id: str | None = None
    archive_path: str | None = None


class ChannelSender(Protocol):
    channel: str

    def send(self, message: PreparedMessage) -> Delivery: ...

    def close(self) -> None: ...
