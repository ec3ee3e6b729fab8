"""Money, dates and numbers for people, in their locale (Babel): `1 234,56 €` in French."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from babel.dates import format_date as _format_date
from babel.numbers import format_currency, format_decimal

DEFAULT_LOCALE = "en_GB"


def money(amount: Decimal, currency: str, locale: str = DEFAULT_LOCALE) -> str:
    return format_currency(amount, currency, locale=locale)


def number(value: Decimal | float | int, locale: str = DEFAULT_LOCALE, digits: int = 1) -> str:
    fmt = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=fmt, locale=locale)


def day(value: date | None, locale: str = DEFAULT_LOCALE) -> str:
    return _format_date(value, format="short", locale=locale) if value else ""
