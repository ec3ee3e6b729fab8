"""Money, numbers and dates in the user's locale, as Babel writes them (cached patterns)."""

from datetime import date
from decimal import Decimal

from babel.numbers import format_currency

from app.services import formatting

NNBSP, NBSP = "\u202f", "\xa0"


def test_money_in_french_english_and_swiss_locales():
    assert formatting.money(Decimal("1234.56"), "EUR", "fr_FR") == f"1{NNBSP}234,56{NBSP}€"
    assert formatting.money(Decimal("-800"), "EUR", "fr_FR") == f"-800,00{NBSP}€"
    assert formatting.money(Decimal("700"), "GBP", "fr_FR") == f"700,00{NBSP}£GB"
    assert formatting.money(Decimal("1234.5"), "GBP", "en_GB") == "£1,234.50"
    assert formatting.money(Decimal("1234"), "JPY", "en_GB") == "JP¥1,234"  # no minor unit


def test_money_is_exactly_babels_format_currency_for_every_locale_used_twice():
    for _ in range(2):  # the second round reads the cached locale and pattern
        for locale in ("fr_FR", "de_DE", "en_US", "fr_CH", "nl_BE"):
            for currency in ("EUR", "USD", "CHF"):
                amount = Decimal("-98765.43")
                assert formatting.money(amount, currency, locale) == format_currency(
                    amount, currency, locale=locale)


def test_numbers_and_days():
    assert formatting.number(Decimal("74.1666"), "fr_FR") == "74,2"
    assert formatting.number(1234.5, "en_GB", digits=2) == "1,234.50"
    assert formatting.number(1234, "en_GB", digits=0) == "1,234"
    assert formatting.day(date(2025, 3, 1), "fr_FR") == "01/03/2025"
    assert formatting.day(None, "fr_FR") == ""
