"""The firm that collects (one row), the people who use Collecta, and team-shared settings."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Boolean, Enum, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, currency, str40, str120, str200

USER_ROLES = ("controller", "manager", "admin")


class Company(Base):
    __tablename__ = "company"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str200]
    address_line1: Mapped[str200 | None]
    address_line2: Mapped[str200 | None]
    postal_code: Mapped[str40 | None]
    city: Mapped[str120 | None]
    country: Mapped[str | None] = mapped_column(String(2))
    iban: Mapped[str | None] = mapped_column(String(34))
    bic: Mapped[str | None] = mapped_column(String(11))
    registration_number: Mapped[str40 | None]
    vat_number: Mapped[str40 | None]
    default_currency: Mapped[currency]
    default_language: Mapped[str] = mapped_column(String(8), default="en")
    email: Mapped[str200 | None]
    phone: Mapped[str40 | None]
    logo: Mapped[bytes | None] = mapped_column(LargeBinary)


class AppUser(Base):
    """A person using Collecta; `role` decides who may approve campaigns."""

    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str120] = mapped_column(unique=True)
    email: Mapped[str200 | None]
    role: Mapped[str] = mapped_column(
        Enum(*USER_ROLES, name="user_role", native_enum=False, create_constraint=True),
        default="controller",
    )
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Setting(Base):
    """A team-shared, non-secret setting (secrets live in the OS keyring)."""

    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)
