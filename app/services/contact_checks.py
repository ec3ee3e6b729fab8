"""Checks on what a credit controller types into a debtor's contact or collection fields: each
returns the value as stored or raises UserError naming the customer, the field and the reason,
so the CLI prints one clear line and the dialog shows it next to the form.

Email fields may hold several addresses ("compta@x.fr; dg@x.fr"): each is checked as sending
will check it (dispatch/email_address.py) and the field is kept as typed. Phone numbers are
checked with `phonenumbers` against the debtor's country (else the contact's) and kept as typed.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

import phonenumbers
from babel.numbers import NumberFormatError, parse_decimal

from app.errors import UserError
from app.services.company_checks import COUNTRIES, CURRENCIES
from app.services.dispatch.email_address import InvalidAddress, email_recipients

# What the contact columns hold (app/models/debtor.py).
CONTACT_LENGTHS = {"name": 200, "role": 120, "email": 200, "phone": 40, "mobile": 40,
                   "address_line1": 200, "address_line2": 200, "postal_code": 40, "city": 120}
CONTACT_LABELS = {"name": "name", "role": "role", "email": "email", "phone": "phone",
                  "mobile": "mobile", "address_line1": "address line 1",
                  "address_line2": "address line 2", "postal_code": "postal code",
                  "city": "city", "country": "country"}
CONTACT_FIELDS = tuple(CONTACT_LABELS)
SEGMENT_MAX = 40
TAG_MAX = 40
MONEY_MAX = Decimal("1e16")  # Numeric(18, 2)


def clean_text(where: str, field: str, value: str | None) -> str | None:
    """Stripped text, None when empty; refused when longer than its column."""
    text = (value or "").strip()
    limit = CONTACT_LENGTHS.get(field)
    if limit is not None and len(text) > limit:
        raise UserError(f"{where}: {CONTACT_LABELS[field]} has {len(text)} characters, "
                        f"at most {limit} fit")
    return text or None


def check_email_field(where: str, value: str | None) -> str | None:
    text = clean_text(where, "email", value)
    if text is not None:
        try:
            email_recipients(text)
        except InvalidAddress as exc:
            raise UserError(f"{where}: email: {exc}") from None
    return text


def check_phone(where: str, field: str, value: str | None, region: str | None) -> str | None:
    """Kept as typed once `phonenumbers` finds a valid number in it (national numbers are read
    as numbers of `region`)."""
    text = clean_text(where, field, value)
    if text is None:
        return None
    label = CONTACT_LABELS[field]
    hint = (f"for {region} (write +CC … for another country)" if region
            else "(write it as +CC …: the customer has no country)")
    try:
        parsed = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        raise UserError(f"{where}: {label} '{text}' is not a phone number {hint}") from None
    if not phonenumbers.is_valid_number(parsed):
        raise UserError(f"{where}: {label} '{text}' is not a valid phone number {hint}")
    return text


def check_country_code(where: str, value: str | None) -> str | None:
    code = (value or "").strip().upper()
    if code and code not in COUNTRIES:
        raise UserError(f"{where}: country '{(value or '').strip()}' is not an ISO 3166 country "
                        "code (two letters, e.g. FR, BE, DE)")
    return code or None


def check_currency_code(where: str, value: str) -> str:
    code = value.strip().upper()
    if code not in CURRENCIES:
        raise UserError(f"{where}: credit limit currency '{value.strip()}' is not an ISO 4217 "
                        "currency code (three letters, e.g. EUR, GBP, CHF)")
    return code


def check_credit_limit(where: str, value: Decimal) -> Decimal:
    if not value.is_finite() or value < 0:
        raise UserError(f"{where}: credit limit {value} must be zero or more")
    if value >= MONEY_MAX or value != value.quantize(Decimal("0.01")):
        raise UserError(f"{where}: credit limit {value} must be an amount with at most two "
                        "decimals")
    return value.quantize(Decimal("0.01"))


def parse_amount(where: str, text: str, locale: str = "en") -> Decimal:
    """'5000', '5000,50', '5 000,50' (fr) or '5,000.50' (en) as a Decimal."""
    compact = re.sub(r"\s", "", text)
    try:
        if re.fullmatch(r"-?\d+([.,]\d{1,2})?", compact):
            return Decimal(compact.replace(",", "."))
        return Decimal(parse_decimal(compact, locale, strict=True))
    except (NumberFormatError, InvalidOperation, ValueError):
        raise UserError(f"{where}: credit limit '{text.strip()}' is not an amount "
                        "(e.g. 5000 or 5000.50)") from None


def clean_tags(where: str, tags: list[str] | tuple[str, ...]) -> list[str]:
    """Stripped, without empties or repeats (whatever their case), in the order given."""
    out: list[str] = []
    for tag in (t.strip() for t in tags):
        if len(tag) > TAG_MAX:
            raise UserError(f"{where}: tag '{tag[:20]}…' is longer than {TAG_MAX} characters")
        if tag and tag.casefold() not in (t.casefold() for t in out):
            out.append(tag)
    return out
