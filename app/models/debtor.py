"""Debtors (customer accounts that owe money) and their contacts."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import (
    CHAR,
    JSON,
    Boolean,
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

from app.models.base import MONEY, Base, str40, str120, str200

if TYPE_CHECKING:
    from app.models.company import AppUser

CHANNELS = ("email", "sms", "letter", "call")
SEGMENTS = ("key_accounts", "smb", "public_sector")


class Debtor(Base):
    __tablename__ = "debtor"
    __table_args__ = (
        UniqueConstraint("source", "external_ref"),
        Index("ix_debtor_name", "name"),
        Index("ix_debtor_segment", "segment"),
        Index("ix_debtor_account_manager_id", "account_manager_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(40), default="manual")
    external_ref: Mapped[str] = mapped_column(String(60))
    name: Mapped[str200]
    segment: Mapped[str40 | None]
    country: Mapped[str | None] = mapped_column(String(2))
    language: Mapped[str] = mapped_column(String(8), default="en")
    account_manager_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL")
    )
    credit_limit: Mapped[Decimal | None] = mapped_column(MONEY)
    credit_limit_currency: Mapped[str | None] = mapped_column(CHAR(3))
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}

    account_manager: Mapped[AppUser | None] = relationship()
    contacts: Mapped[list[Contact]] = relationship(
        back_populates="debtor", cascade="all, delete-orphan", order_by="Contact.id"
    )


class Contact(Base):
    __tablename__ = "contact"
    __table_args__ = (Index("ix_contact_debtor_id", "debtor_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    debtor_id: Mapped[int] = mapped_column(ForeignKey("debtor.id", ondelete="CASCADE"))
    name: Mapped[str200 | None]
    role: Mapped[str120 | None]
    email: Mapped[str200 | None]
    phone: Mapped[str40 | None]
    mobile: Mapped[str40 | None]
    address_line1: Mapped[str200 | None]
    address_line2: Mapped[str200 | None]
    postal_code: Mapped[str40 | None]
    city: Mapped[str120 | None]
    country: Mapped[str | None] = mapped_column(String(2))
    preferred_channel: Mapped[str | None] = mapped_column(
        Enum(*CHANNELS, name="channel", native_enum=False, create_constraint=True)
    )
    is_primary: Mapped[bool] = mapped_column(Boolean, default=False)

    debtor: Mapped[Debtor] = relationship(back_populates="contacts")
