"""The outbox: one row per approved action × channel, sent at most once (ARCHITECTURE.md,
Reliability). queued → sending → sent | failed | unknown; `dropped` when nothing is left to ask."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, str120

OUTBOX_STATES = ("queued", "sending", "sent", "failed", "unknown", "dropped")
OUTBOX_CHANNELS = ("email", "sms", "letter", "call")
OUTBOX_KINDS = ("reminder", "notice")


class OutboxMessage(Base):
    __tablename__ = "outbox_message"
    __table_args__ = (
        UniqueConstraint("action_id", "channel"),
        Index("ix_outbox_message_state", "state"),
        Index("ix_outbox_message_campaign_id", "campaign_id"),
        Index("ix_outbox_message_debtor_id", "debtor_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # A "notice" (e.g. a rule's email to a manager) belongs to no campaign: both are NULL and
    # subject/body are final when queued.
    kind: Mapped[str] = mapped_column(
        Enum(*OUTBOX_KINDS, name="outbox_kind", native_enum=False, create_constraint=True),
        default="reminder", server_default="reminder")
    campaign_id: Mapped[int | None] = mapped_column(
        ForeignKey("campaign.id", ondelete="CASCADE"))
    action_id: Mapped[int | None] = mapped_column(
        ForeignKey("campaign_action.id", ondelete="CASCADE"))
    debtor_id: Mapped[int] = mapped_column(ForeignKey("debtor.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(
        Enum(*OUTBOX_CHANNELS, name="outbox_channel", native_enum=False, create_constraint=True))
    state: Mapped[str] = mapped_column(
        Enum(*OUTBOX_STATES, name="outbox_state", native_enum=False, create_constraint=True))
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    as_of: Mapped[date] = mapped_column(Date)
    recipient: Mapped[str | None] = mapped_column(String(200))
    subject: Mapped[str | None] = mapped_column(String(300))
    body: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)
    provider_id: Mapped[str | None] = mapped_column(String(200))
    archive_path: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    claimed_by: Mapped[str120 | None]
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


__all__ = ["OUTBOX_CHANNELS", "OUTBOX_KINDS", "OUTBOX_STATES", "OutboxMessage"]
