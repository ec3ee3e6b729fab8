"""RF creditor reference (ISO 11649, DOMAIN.md §8) and the payment link from a URL template."""

from __future__ import annotations

import re
from urllib.parse import quote

from stdnum import iso11649
from stdnum.iso7064 import mod_97_10

PAYMENT_LINK_SETTING = "collection.payment_link_template"


def rf_reference(reference: str) -> str:
    """`2348231` → `RF712348231`: check = 98 − (reference + "RF00" with A=10…Z=35) mod 97."""
    body = re.sub(r"[^0-9A-Za-z]", "", reference).upper()[:21]
    if not body:
        raise ValueError("an RF reference needs at least one letter or digit")
    rf = "RF" + mod_97_10.calc_check_digits(body + "RF") + body
    assert iso11649.is_valid(rf)
    return rf


def payment_link(url_template: str | None, *, debtor_ref: str, reference: str, amount: str,
                 currency: str) -> str:
    """The configured URL template with {debtor}, {reference}, {amount}, {currency} filled in."""
    if not url_template:
        return ""
    return url_template.format(debtor=quote(debtor_ref), reference=quote(reference),
                               amount=quote(amount), currency=quote(currency))
