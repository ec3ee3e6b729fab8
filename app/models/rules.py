"""Automation rules (DOMAIN.md §7): a rule is data — a JSON condition tree and a list of actions —
plus the per rule × debtor match state that makes a rule fire on the transition only, and the
tasks (call or review) that rules and people create for a user."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, str120

RULE_TRIGGERS = ("campaign_build", "sync", "daily")
TASK_KINDS = ("call", "review")
TASK_STATUSES = ("open", "done")


def _enum(values: tuple[str, ...], name: str) -> Enum:
    return Enum(*values, name=name, native_enum=False, create_constraint=True)


class Rule(Base):
    """"When CONDITION on a debtor's facts holds, do ACTIONS" (and optionally ELSE_ACTIONS
    when it stops holding). Lower `priority` wins a conflict."""

    __tablename__ = "rule"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str120] = mapped_column(unique=True)
    description: Mapped[str | None] = mapped_column(Text)
    enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    priority: Mapped[int] = mapped_column(Integer, default=100)
    triggers: Mapped[list[str]] = mapped_column(JSON, default=list)
    condition: Mapped[dict[str, Any]] = mapped_column(JSON)
    actions: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    else_actions: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    updated_by: Mapped[str120]
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}


class RuleMatch(Base):
    """Whether a rule's condition held for a debtor at its last run (fire on the transition)."""

    __tablename__ = "rule_match"
    __table_args__ = (Index("ix_rule_match_debtor_id", "debtor_id"),)

    rule_id: Mapped[int] = mapped_column(
        ForeignKey("rule.id", ondelete="CASCADE"), primary_key=True
    )
    debtor_id: Mapped[int] = mapped_column(
        ForeignKey("debtor.id", ondelete="CASCADE"), primary_key=True
    )
    matched: Mapped[bool] = mapped_column(Boolean)
    since: Mapped[date] = mapped_column(Date)


class Task(Base):
    """A call or a review to do for a debtor by a user (made by a rule or a person)."""

    __tablename__ = "task"
    __table_args__ = (
        Index("ix_task_debtor_id", "debtor_id"),
        Index("ix_task_assignee_id_status", "assignee_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(_enum(TASK_KINDS, "task_kind"))
    debtor_id: Mapped[int] = mapped_column(ForeignKey("debtor.id", ondelete="CASCADE"))
    assignee_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL")
    )
    due_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(_enum(TASK_STATUSES, "task_status"), default="open")
    note: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str120]
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    rule_id: Mapped[int | None] = mapped_column(ForeignKey("rule.id", ondelete="SET NULL"))


__all__ = ["RULE_TRIGGERS", "TASK_KINDS", "TASK_STATUSES", "Rule", "RuleMatch", "Task"]
