"""Credit-insurer assessments: a score and an authorised limit per debtor, as imported on a date
(DOMAIN.md §7 "external score and limit"). History is kept: facts read the latest one as of D."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    CHAR,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import MONEY, Base


class InsurerAssessment(Base):
    __tablename__ = "insurer_assessment"
    __table_args__ = (
        UniqueConstraint("debtor_id", "insurer", "assessed_on"),
        Index("ix_insurer_assessment_assessed_on", "assessed_on"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    debtor_id: Mapped[int] = mapped_column(ForeignKey("debtor.id", ondelete="CASCADE"))
    insurer: Mapped[str] = mapped_column(String(80))
    score: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))
    limit_amount: Mapped[Decimal | None] = mapped_column(MONEY)
    limit_currency: Mapped[str | None] = mapped_column(CHAR(3))
    assessed_on: Mapped[date] = mapped_column(Date)
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    source_file: Mapped[str | None] = mapped_column(String(260))


__all__ = ["InsurerAssessment"]
