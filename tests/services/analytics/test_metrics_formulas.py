"""DOMAIN.md §4's formulas on its own numbers (amounts in cents)."""

from datetime import date

from app.services.analytics.metrics import (
    add_months,
    average_days,
    average_days_delinquent,
    best_possible_dso,
    collection_effectiveness,
    countback_dso,
    countback_months,
    period_ending,
    simple_dso,
)

K = 100_000  # 1,000.00 in cents


def test_period_is_n_months_ending_on_as_of_included():
    period = period_ending(date(2024, 3, 31), 3)
    assert (period.start, period.end, period.days) == (date(2024, 1, 1), date(2024, 3, 31), 91)
    assert period.day_before == date(2023, 12, 31)


def test_rolling_months_are_calendar_months_at_a_month_end():
    months = countback_months(date(2024, 3, 31), 3)
    assert [(m.start, m.end, m.days) for m in months] == [
        (date(2024, 3, 1), date(2024, 3, 31), 31),
        (date(2024, 2, 1), date(2024, 2, 29), 29),
        (date(2024, 1, 1), date(2024, 1, 31), 31),
    ]
    assert add_months(date(2024, 3, 31), -1) == date(2024, 2, 29)
    mid = countback_months(date(2024, 3, 15), 1)[0]
    assert (mid.start, mid.end) == (date(2024, 2, 16), date(2024, 3, 15))


def test_simple_dso_example():
    # AR 150,000, sales 1,800,000 over 365 days → 30.4
    assert round(simple_dso(150 * K, 1800 * K, 365), 1) == 30.4
    assert simple_dso(150 * K, 0, 365) is None


def test_countback_example_with_real_month_lengths():
    # as of 2024-03-31, AR 212,000, sales Mar 100k, Feb 80k, Jan 70k: 31 + 29 + 32/70 × 31
    result = countback_dso(212 * K, [(100 * K, 31), (80 * K, 29), (70 * K, 31)])
    assert round(result.days, 2) == 74.17
    assert not result.exceeded
    # with 30-day months the same AR gives 73.7
    assert round(countback_dso(212 * K, [(100 * K, 30), (80 * K, 30), (70 * K, 30)]).days,
                 1) == 73.7


def test_countback_reports_when_ar_exceeds_the_months_of_sales():
    result = countback_dso(300 * K, [(100 * K, 31), (80 * K, 29)])
    assert result.exceeded
    assert result.days == 60


def test_add_example():
    # AR 15,000, current 4,000, sales 10,000 over 30 days → DSO 45, BPDSO 12, ADD 33
    dso = simple_dso(15 * K, 10 * K, 30)
    bpdso = best_possible_dso(4 * K, 10 * K, 30)
    assert (dso, bpdso) == (45.0, 12.0)
    assert average_days_delinquent(dso, bpdso) == 33.0


def test_cei_example():
    # 6,200 begin, 10,890 sales, 6,340 end, 3,590 current → 79.63 %
    cei = collection_effectiveness(620_000, 1_089_000, 634_000, 359_000)
    assert round(cei, 2) == 79.63


def test_days_to_pay_example():
    # 100 paid in 10 days and 1,000 paid in 20 → weighted 19.09, simple 15
    result = average_days([10, 20], [10_000, 100_000])
    assert result.simple == 15
    assert round(result.weighted, 2) == 19.09
    assert average_days([], []).simple is None


def test_a_month_end_stays_a_month_end():
    assert add_months(date(2024, 4, 30), -1) == date(2024, 3, 31)
    assert period_ending(date(2024, 4, 30), 1).days == 30
    assert add_months(date(2024, 4, 15), -2) == date(2024, 2, 15)
