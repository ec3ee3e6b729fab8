"""Money, dates and numbers for people, in their locale (Babel): `1 234,56 €` in French.

The Babel locale and its currency pattern are looked up once per locale (a table repaint formats
hundreds of cells); the output is exactly `babel.numbers.format_currency`'s.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import lru_cache

from babel import Locale
from babel.dates import format_date as _format_date
from babel.numbers import NumberPattern, format_decimal, parse_pattern
from stdnum import iban as stdnum_iban

DEFAULT_LOCALE = "en_GB"


@lru_cache(maxsize=32)
def _locale(name: str) -> Locale:
    return Locale.parse(name)


@lru_cache(maxsize=32)
def _currency_pattern(name: str) -> NumberPattern:
    return _locale(name).currency_formats["standard"]


@lru_cache(maxsize=8)
def _number_pattern(digits: int) -> NumberPattern:
    return parse_pattern("#,##0" + ("." + "0" * digits if digits else ""))


def money(amount: Decimal, currency: str, locale: str = DEFAULT_LOCALE) -> str:
    return _currency_pattern(locale).apply(amount, _locale(locale), currency=currency)


def number(value: Decimal | float | int, locale: str = DEFAULT_LOCALE, digits: int = 1) -> str:
    return format_decimal(value, format=_number_pattern(digits), locale=_locale(locale))


def day(value: date | None, locale: str = DEFAULT_LOCALE) -> str:
    return _format_date(value, format="short", locale=_locale(locale)) if value else ""


def printed_iban(iban: str | None) -> str:
    """The IBAN as people read and type it: groups of four (the QR code strips the spaces)."""
    return str(stdnum_iban.format(iban)) if iban else ""
