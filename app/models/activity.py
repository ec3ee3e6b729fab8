"""One table for the debtor timeline and the audit trail: who did what, when, to which debtor."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base

# Kinds that count as a touch of the debtor (the worklist's "last touch", the minimum gap).
TOUCH_KINDS = ("email_sent", "sms_sent", "letter_sent", "call", "note")


class Activity(Base):
    __tablename__ = "activity"
    __table_args__ = (
        Index("ix_activity_debtor_at", "debtor_id", "at"),
        Index("ix_activity_kind", "kind"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    author: Mapped[str] = mapped_column(String(120))
    debtor_id: Mapped[int | None] = mapped_column(ForeignKey("debtor.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    summary: Mapped[str] = mapped_column(Text)
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)
