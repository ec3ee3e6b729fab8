"""Business days (DOMAIN.md §2): weekends and the debtor country's public holidays."""

from datetime import date

from app.services.collection.calendar import is_business_day


def test_christmas_is_a_holiday_in_france_and_weekends_never_count():
    assert not is_business_day(date(2025, 12, 25), "FR")  # Thursday, Noël
    assert is_business_day(date(2025, 12, 26), "FR")  # Friday: not a holiday in France
    assert not is_business_day(date(2025, 12, 26), "DE")  # zweiter Weihnachtsfeiertag
    assert not is_business_day(date(2025, 12, 27), "FR")  # Saturday


def test_a_country_the_calendar_does_not_know_has_only_weekends():
    assert is_business_day(date(2025, 12, 25), "XX")
    assert not is_business_day(date(2025, 12, 27), "XX")
    assert is_business_day(date(2025, 12, 25), None)
