"""Reminder plans, holds (dispute, promise, manual, legal), campaigns and per-item step history.

DOMAIN.md §1 and §6. A step that sends an email and an SMS on the same day is ONE step with two
channels (`channels = ["email", "sms"]`): one action, one step-history row per item, and the
dispatcher creates one outbox message per channel.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    CHAR,
    JSON,
    Boolean,
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
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import MONEY, Base, str40, str120

HOLD_KINDS = ("dispute", "promise", "manual", "legal")
DISPUTE_CATEGORIES = ("pricing", "quality", "delivery", "administrative", "other")
DISPUTE_STATUSES = ("open", "in_progress", "resolved", "credited", "rejected")
PROMISE_STATUSES = ("pending", "kept", "broken")
CAMPAIGN_STATUSES = ("draft", "pending_approval", "approved", "rejected", "dispatched")
STEP_OUTCOMES = ("proposed", "sent", "skipped")


def _enum(values: tuple[str, ...], name: str) -> Enum:
    return Enum(*values, name=name, native_enum=False, create_constraint=True)


class ReminderPlan(Base):
    __tablename__ = "reminder_plan"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str120] = mapped_column(unique=True)
    description: Mapped[str | None] = mapped_column(Text)
    min_gap_days: Mapped[int] = mapped_column(Integer, default=5)
    min_amount: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0.00"))
    promise_grace_days: Mapped[int] = mapped_column(Integer, default=2)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}

    steps: Mapped[list[PlanStep]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="PlanStep.position"
    )


class PlanStep(Base):
    __tablename__ = "plan_step"
    __table_args__ = (Index("ix_plan_step_plan_id", "plan_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("reminder_plan.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str120]
    offset_days: Mapped[int] = mapped_column(Integer)
    channels: Mapped[list[str]] = mapped_column(JSON)
    template_key: Mapped[str] = mapped_column(String(80))
    min_amount: Mapped[Decimal | None] = mapped_column(MONEY)  # None: the plan's minimum
    fee: Mapped[Decimal | None] = mapped_column(MONEY)
    business_days: Mapped[bool] = mapped_column(Boolean, default=False)
    with_interest: Mapped[bool] = mapped_column(Boolean, default=False)

    plan: Mapped[ReminderPlan] = relationship(back_populates="steps")


class MessageTemplate(Base):
    """The text of a step for one language and one channel (Jinja2, edited by users)."""

    __tablename__ = "message_template"
    __table_args__ = (UniqueConstraint("key", "language", "channel"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(80))
    language: Mapped[str] = mapped_column(String(8))
    channel: Mapped[str] = mapped_column(String(10))
    subject: Mapped[str | None] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)


class DebtorPlan(Base):
    """The plan a debtor follows; without a row, the default plan of its segment applies."""

    __tablename__ = "debtor_plan"

    debtor_id: Mapped[int] = mapped_column(
        ForeignKey("debtor.id", ondelete="CASCADE"), primary_key=True
    )
    plan_id: Mapped[int] = mapped_column(ForeignKey("reminder_plan.id", ondelete="RESTRICT"))
    assigned_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    assigned_by: Mapped[str120]


class Hold(Base):
    """Anything that stops reminders; items empty = the whole debtor (manual, legal)."""

    __tablename__ = "hold"
    __table_args__ = (Index("ix_hold_debtor_id", "debtor_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    debtor_id: Mapped[int] = mapped_column(ForeignKey("debtor.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(_enum(HOLD_KINDS, "hold_kind"))
    reason: Mapped[str] = mapped_column(Text)
    author: Mapped[str120]
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)  # inclusive; None = until released
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    items: Mapped[list[HoldItem]] = relationship(cascade="all, delete-orphan")


class HoldItem(Base):
    __tablename__ = "hold_item"
    __table_args__ = (Index("ix_hold_item_invoice_id", "invoice_id"),)

    hold_id: Mapped[int] = mapped_column(
        ForeignKey("hold.id", ondelete="CASCADE"), primary_key=True
    )
    invoice_id: Mapped[int] = mapped_column(
        ForeignKey("invoice.id", ondelete="CASCADE"), primary_key=True
    )


class Dispute(Base):
    __tablename__ = "dispute"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    hold_id: Mapped[int] = mapped_column(ForeignKey("hold.id", ondelete="CASCADE"), unique=True)
    category: Mapped[str] = mapped_column(_enum(DISPUTE_CATEGORIES, "dispute_category"))
    status: Mapped[str] = mapped_column(_enum(DISPUTE_STATUSES, "dispute_status"))
    owner: Mapped[str120 | None]
    resolution: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}

    hold: Mapped[Hold] = relationship()
    events: Mapped[list[DisputeEvent]] = relationship(
        cascade="all, delete-orphan", order_by="DisputeEvent.id"
    )


class DisputeEvent(Base):
    __tablename__ = "dispute_event"
    __table_args__ = (Index("ix_dispute_event_dispute_id", "dispute_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dispute_id: Mapped[int] = mapped_column(ForeignKey("dispute.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    author: Mapped[str120]
    status: Mapped[str40]
    note: Mapped[str | None] = mapped_column(Text)


class Promise(Base):
    __tablename__ = "promise"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    hold_id: Mapped[int] = mapped_column(ForeignKey("hold.id", ondelete="CASCADE"), unique=True)
    currency: Mapped[str] = mapped_column(CHAR(3))
    grace_days: Mapped[int] = mapped_column(Integer, default=2)
    status: Mapped[str] = mapped_column(_enum(PROMISE_STATUSES, "promise_status"))
    closed_on: Mapped[date | None] = mapped_column(Date)  # the day it was found kept or broken

    hold: Mapped[Hold] = relationship()
    instalments: Mapped[list[PromiseInstalment]] = relationship(
        cascade="all, delete-orphan", order_by="PromiseInstalment.due_date"
    )


class PromiseInstalment(Base):
    __tablename__ = "promise_instalment"
    __table_args__ = (Index("ix_promise_instalment_promise_id", "promise_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    promise_id: Mapped[int] = mapped_column(ForeignKey("promise.id", ondelete="CASCADE"))
    due_date: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(MONEY)


class Campaign(Base):
    """The actions proposed for one as-of date. `as_of_key` equals `as_of` until the campaign
    is rejected; its unique constraint makes two concurrent builds of one day produce one set."""

    __tablename__ = "campaign"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    as_of: Mapped[date] = mapped_column(Date, index=True)
    as_of_key: Mapped[date | None] = mapped_column(Date, unique=True)
    status: Mapped[str] = mapped_column(_enum(CAMPAIGN_STATUSES, "campaign_status"))
    built_by: Mapped[str120]
    built_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[str120 | None]
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reject_reason: Mapped[str | None] = mapped_column(Text)
    dispatched_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}


class CampaignAction(Base):
    """One debtor × step × currency; `items` lists every invoice the message mentions."""

    __tablename__ = "campaign_action"
    __table_args__ = (
        UniqueConstraint("campaign_id", "debtor_id", "step_id", "currency"),
        Index("ix_campaign_action_debtor_id", "debtor_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))
    debtor_id: Mapped[int] = mapped_column(ForeignKey("debtor.id", ondelete="CASCADE"))
    plan_id: Mapped[int] = mapped_column(ForeignKey("reminder_plan.id", ondelete="RESTRICT"))
    step_id: Mapped[int] = mapped_column(ForeignKey("plan_step.id", ondelete="RESTRICT"))
    currency: Mapped[str] = mapped_column(CHAR(3))
    channels: Mapped[list[str]] = mapped_column(JSON)
    language: Mapped[str] = mapped_column(String(8))
    total: Mapped[Decimal] = mapped_column(MONEY)
    explanation: Mapped[str] = mapped_column(Text)
    preview: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # channel → {subject, body}
    excluded: Mapped[bool] = mapped_column(Boolean, default=False)
    exclude_reason: Mapped[str | None] = mapped_column(Text)
    excluded_by: Mapped[str120 | None]
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    items: Mapped[list[CampaignActionItem]] = relationship(cascade="all, delete-orphan")


class CampaignActionItem(Base):
    __tablename__ = "campaign_action_item"
    __table_args__ = (Index("ix_campaign_action_item_invoice_id", "invoice_id"),)

    action_id: Mapped[int] = mapped_column(
        ForeignKey("campaign_action.id", ondelete="CASCADE"), primary_key=True
    )
    invoice_id: Mapped[int] = mapped_column(
        ForeignKey("invoice.id", ondelete="CASCADE"), primary_key=True
    )
    step_id: Mapped[int | None] = mapped_column(ForeignKey("plan_step.id", ondelete="RESTRICT"))
    residual: Mapped[Decimal] = mapped_column(MONEY)
    days_late: Mapped[int] = mapped_column(Integer)


class StepHistory(Base):
    """Which step each item received. Unique (item, step): never twice (§6.4). The lower steps a
    catch-up proposal skipped (§6.2) are listed on its row in `skipped_step_ids`; rows with
    outcome "skipped" come from builds before migration 0006 and mean the same."""

    __tablename__ = "step_history"
    __table_args__ = (
        UniqueConstraint("invoice_id", "step_id"),
        Index("ix_step_history_campaign_id", "campaign_id"),
        Index("ix_step_history_debtor_id", "debtor_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoice.id", ondelete="CASCADE"))
    step_id: Mapped[int] = mapped_column(ForeignKey("plan_step.id", ondelete="CASCADE"))
    debtor_id: Mapped[int] = mapped_column(ForeignKey("debtor.id", ondelete="CASCADE"))
    outcome: Mapped[str] = mapped_column(_enum(STEP_OUTCOMES, "step_outcome"))
    on: Mapped[date] = mapped_column(Date)
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))
    action_id: Mapped[int | None] = mapped_column(
        ForeignKey("campaign_action.id", ondelete="CASCADE")
    )
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    skipped_step_ids: Mapped[list[int] | None] = mapped_column(JSON)


__all__ = [
    "CAMPAIGN_STATUSES",
    "DISPUTE_CATEGORIES",
    "DISPUTE_STATUSES",
    "HOLD_KINDS",
    "PROMISE_STATUSES",
    "Campaign",
    "CampaignAction",
    "CampaignActionItem",
    "DebtorPlan",
    "Dispute",
    "DisputeEvent",
    "Hold",
    "HoldItem",
    "MessageTemplate",
    "PlanStep",
    "Promise",
    "PromiseInstalment",
    "ReminderPlan",
    "StepHistory",
]
