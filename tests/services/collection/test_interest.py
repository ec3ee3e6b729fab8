from datetime import date
from decimal import Decimal

import pytest

from app.errors import UserError
from app.services.collection.interest import late_charges, regime_for, uk_fixed_sum
from app.services.collection.rates import ECB_MRO, load_rate_table
from app.services.collection.references import payment_link, rf_reference
from tests.factories import D


def test_french_worked_example_10000_eur_60_days_late_in_h1_2025():
    # DOMAIN.md §5: H1 2025 rate = ECB of 1 January (3.15) + 10 = 13.15 %.
    charges = late_charges(D(10000), "EUR", due_date=date(2025, 1, 10), until=date(2025, 3, 11))
    assert charges.days_late == 60
    assert [p.rate_percent for p in charges.periods] == [Decimal("13.15")]
    assert charges.interest == D("216.16")
    assert charges.indemnity == D(40)


def test_french_delay_spanning_1_july_is_split_at_the_semester():
    # Due 2025-06-20, paid 2025-07-10: 10 days at 13.15 % (H1), 10 days at 12.15 % (H2:
    # ECB of 1 July 2025 is 2.15).
    charges = late_charges(D(3650), "EUR", due_date=date(2025, 6, 20), until=date(2025, 7, 10))
    assert [(p.start, p.end, p.rate_percent) for p in charges.periods] == [
        (date(2025, 6, 21), date(2025, 6, 30), Decimal("13.15")),
        (date(2025, 7, 1), date(2025, 7, 10), Decimal("12.15")),
    ]
    # 3650 × 13.15 % × 10/365 + 3650 × 12.15 % × 10/365 = 13.15 + 12.15
    assert charges.interest == D("25.30")


def test_eu_directive_uses_eight_points():
    charges = late_charges(D(10000), "EUR", date(2025, 1, 10), date(2025, 3, 11), "eu")
    assert charges.periods[0].rate_percent == Decimal("11.15")
    assert charges.interest == D("183.29")  # 10000 × 11.15 % × 60/365
    assert charges.indemnity == D(40)


def test_uk_rate_fixed_by_reference_date_for_the_whole_debt():
    # Interest starting 2025-02-01 → reference date 2024-12-31: Bank Rate 4.75 + 8 = 12.75 %,
    # kept even after the Bank Rate fell on 2025-02-06 and 2025-05-08.
    charges = late_charges(D(5000), "GBP", date(2025, 1, 31), date(2025, 7, 30), "uk")
    assert [p.rate_percent for p in charges.periods] == [Decimal("12.75")]
    assert charges.days_late == 180
    assert charges.interest == D("314.38")  # 5000 × 12.75 % × 180/365
    assert charges.indemnity == D(70)


def test_uk_fixed_sums_by_debt_size():
    assert [uk_fixed_sum(D(x)) for x in (999.99, 1000, 9999.99, 10000)] == [
        D(40), D(70), D(70), D(100)]


def test_not_late_means_no_charges():
    charges = late_charges(D(100), "EUR", date(2025, 3, 1), date(2025, 3, 1))
    assert (charges.interest, charges.indemnity, charges.periods) == (D(0), D(0), ())


def test_regime_follows_the_debtor_country():
    assert [regime_for(c) for c in ("FR", "GB", "DE", None)] == ["fr", "uk", "eu", "fr"]


def test_rate_table_is_data_the_user_extends(tmp_path):
    (tmp_path / "ecb_mro.csv").write_text("from,rate_percent\n2026-01-01,1.90\n")
    table = load_rate_table(ECB_MRO, extra_dirs=(tmp_path,))
    assert table.rate_on(date(2025, 12, 31)) == Decimal("2.15")  # shipped row
    assert table.rate_on(date(2026, 3, 1)) == Decimal("1.90")  # the user's row


def test_rate_before_the_table_starts_names_the_file():
    table = load_rate_table(ECB_MRO, extra_dirs=())
    with pytest.raises(UserError, match="ecb_mro.csv"):
        table.rate_on(date(2001, 1, 1))


def test_bad_rate_row_names_file_and_line(tmp_path):
    (tmp_path / "ecb_mro.csv").write_text("from,rate_percent\n2026-01-01,abc\n")
    with pytest.raises(UserError, match="line 2"):
        load_rate_table(ECB_MRO, extra_dirs=(tmp_path,))


def test_rf_creditor_reference_worked_example():
    assert rf_reference("2348231") == "RF712348231"
    assert rf_reference("F-000123") == "RF" + rf_reference("F-000123")[2:4] + "F000123"


def test_payment_link_from_url_template():
    url = payment_link("https://pay.example.com/{debtor}?ref={reference}&amt={amount}{currency}",
                       debtor_ref="C 1", reference="RF712348231", amount="12.50", currency="EUR")
    assert url == "https://pay.example.com/C%201?ref=RF712348231&amt=12.50EUR"
    assert payment_link(None, debtor_ref="C1", reference="R", amount="1", currency="EUR") == ""
