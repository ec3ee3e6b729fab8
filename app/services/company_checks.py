"""Checks on what a firm types into its company profile, one function per field, each returning
the value as it is stored (IBAN and BIC compact and upper-case, codes upper-case) or raising
CompanyFieldError that names the field, so the CLI prints one clear line and the form can point
at the box to correct. Letters, statements and the EPC QR code print these values as stored."""

from __future__ import annotations

import io

from babel import Locale
from babel.numbers import list_currencies
from reportlab.lib.utils import ImageReader
from stdnum import bic as stdnum_bic
from stdnum import iban as stdnum_iban
from stdnum.eu import vat as eu_vat
from stdnum.exceptions import (
    InvalidChecksum,
    InvalidComponent,
    ValidationError,
)

from app.errors import UserError
from app.services.dispatch.email_address import InvalidAddress, email_recipients
from app.services.documents.statement_pdf import LABELS

LOGO_MAX_BYTES = 1024 * 1024
# Letters and statements have their labels in these languages (statement_pdf.LABELS), and the
# shipped reminder templates too.
LANGUAGES = tuple(sorted(LABELS))
LANGUAGE_NAMES = {"en": "English", "fr": "Français"}
# Babel's territories also hold groupings and private-use codes that are not countries.
_NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "QO", "ZZ", "XA", "XB"})
COUNTRIES = frozenset(code for code in map(str, Locale("en").territories)
                      if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES)
CURRENCIES = frozenset(list_currencies())
# What the database columns hold (app/models/company.py).
MAX_LENGTHS = {"name": 200, "address_line1": 200, "address_line2": 200, "postal_code": 40,
               "city": 120, "registration_number": 40, "vat_number": 40, "email": 200,
               "phone": 40}
FIELD_LABELS = {"name": "name", "address_line1": "address line 1",
                "address_line2": "address line 2", "postal_code": "postal code", "city": "city",
                "country": "country", "iban": "IBAN", "bic": "BIC",
                "registration_number": "registration number", "vat_number": "VAT number",
                "default_currency": "currency", "default_language": "language",
                "email": "email", "phone": "phone", "logo": "logo"}


class CompanyFieldError(UserError):
    """A company profile value that cannot be saved; `field` is the profile field's name."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"Company {FIELD_LABELS.get(field, field)}: {reason}")
        self.field = field


def check_length(field: str, value: str) -> str:
    limit = MAX_LENGTHS.get(field)
    if limit is not None and len(value) > limit:
        raise CompanyFieldError(field, f"{len(value)} characters, at most {limit} fit")
    return value


def check_name(value: str) -> str:
    if not value.strip():
        raise CompanyFieldError("name", "required (it heads every letter and statement)")
    return check_length("name", value.strip())


def _why(exc: ValidationError, layout: str) -> str:
    if isinstance(exc, InvalidChecksum):
        return "the check digits do not match (a typing mistake?)"
    if isinstance(exc, InvalidComponent):
        return "unknown country code"
    return layout


def check_iban(value: str) -> str:
    """Stored compact (FR7630006000011234567890189), as the EPC QR code needs it."""
    if not value.strip():
        return ""
    country = stdnum_iban.compact(value)[:2]
    try:
        return str(stdnum_iban.validate(value))
    except ValidationError as exc:
        raise CompanyFieldError("iban", f"'{value.strip()}' is not a valid IBAN: " + _why(
            exc, f"it does not have the length and layout of a {country} IBAN")) from None


def check_bic(value: str) -> str:
    if not value.strip():
        return ""
    try:
        return str(stdnum_bic.validate(value))
    except ValidationError as exc:
        raise CompanyFieldError("bic", f"'{value.strip()}' is not a valid BIC: " + _why(
            exc, "a BIC has 8 or 11 letters and digits (bank, country, place, branch)")
        ) from None


def check_country(value: str) -> str:
    code = value.strip().upper()
    if code and code not in COUNTRIES:
        raise CompanyFieldError("country", f"'{value.strip()}' is not an ISO 3166 country code "
                                "(two letters, e.g. FR, BE, DE)")
    return code


def check_currency(value: str) -> str:
    code = value.strip().upper()
    if code not in CURRENCIES:
        raise CompanyFieldError("default_currency", f"'{value.strip()}' is not an ISO 4217 "
                                "currency code (three letters, e.g. EUR, GBP, CHF)")
    return code


def check_language(value: str) -> str:
    code = value.strip().lower()
    if code not in LANGUAGES:
        raise CompanyFieldError("default_language", f"'{value.strip()}' is not a language "
                                f"letters can be written in ({', '.join(LANGUAGES)})")
    return code


def check_email(value: str) -> str:
    """Checked like a recipient, kept as typed (it is printed, not sent to)."""
    address = value.strip()
    if address:
        try:
            single = len(email_recipients(address)) == 1
        except InvalidAddress:
            single = False
        if not single:
            raise CompanyFieldError("email", f"'{address}' is not an email address "
                                    "(name@domain.tld)")
    return check_length("email", address)


def check_vat_number(value: str) -> str:
    """EU numbers (starting with a member state's code) are checked with their check digits;
    others are kept as written."""
    number = value.strip()
    if number[:2].lower() in eu_vat.MEMBER_STATES | {"el"}:
        try:
            number = str(eu_vat.validate(number))
        except ValidationError as exc:
            raise CompanyFieldError("vat_number", f"'{number}' is not a valid EU VAT number: "
                                    + _why(exc, f"it does not have the layout of a "
                                           f"{number[:2].upper()} VAT number")) from None
    return check_length("vat_number", number)


def logo_format(data: bytes) -> str | None:
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    return None


def check_logo(data: bytes | None, source: str = "the logo") -> bytes | None:
    """PNG or JPEG, at most 1 MB, and readable by ReportLab (what draws it on letters)."""
    if not data:
        return None
    if logo_format(data) is None:
        raise CompanyFieldError("logo", f"{source} is not a PNG or JPEG image (save it as PNG "
                                "or JPEG first)")
    if len(data) > LOGO_MAX_BYTES:
        raise CompanyFieldError("logo", f"{source} is {len(data) / 1024 / 1024:.1f} MB, at "
                                "most 1 MB fits (a letterhead logo needs no more than "
                                "600 pixels wide)")
    try:
        image = ImageReader(io.BytesIO(data))
        width, height = image.getSize()
        image.getRGBData()  # decodes it all: a truncated file fails here, not on a letter
    except Exception:  # noqa: BLE001 — PIL raises many types for a damaged file
        raise CompanyFieldError("logo", f"{source} cannot be read as an image: the file is "
                                "damaged or incomplete") from None
    if not width or not height:
        raise CompanyFieldError("logo", f"{source} has no pixels")
    return data


def logo_size(data: bytes) -> tuple[int, int]:
    width, height = ImageReader(io.BytesIO(data)).getSize()
    return int(width), int(height)
