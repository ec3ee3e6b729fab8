"""Business days: weekends and the public holidays of the debtor's country (DOMAIN.md §2)."""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=1)
def _known_countries() -> frozenset[str]:
    return frozenset(holidays.list_supported_countries())


@lru_cache(maxsize=64)
def _holidays(country: str, year: int) -> frozenset[date]:
    if country not in _known_countries():  # a country the package does not know: weekends only
        return frozenset()
    return frozenset(holidays.country_holidays(country, years=year).keys())


def is_business_day(day: date, country: str | None) -> bool:
    if day.weekday() >= 5:
        return False
    return not (country and day in _holidays(country.upper(), day.year))


@lru_cache(maxsize=65536)
def shift_to_business_day(day: date, country: str | None) -> date:
    """`day` itself if it is a business day, else the next business day."""
    while not is_business_day(day, country):
        day += timedelta(days=1)
    return day
