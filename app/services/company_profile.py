"""The firm's own profile (the one `company` row): the letterhead, bank details and logo that
letters, statements, the EPC QR code and reminder templates print. Entered by the firm in
Settings → Company or with `collecta company set`; every value is checked before anything is
written (company_checks), so a refused save leaves the stored profile as it was."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Company
from app.services.activity import log_activity
from app.services.company_checks import (
    FIELD_LABELS,
    CompanyFieldError,
    check_bic,
    check_country,
    check_currency,
    check_email,
    check_iban,
    check_language,
    check_length,
    check_logo,
    check_name,
    check_vat_number,
)

SETTING_NAME = "company"  # the `setting` named in the activity's detail, like other settings
_PLAIN_TEXT = ("address_line1", "address_line2", "postal_code", "city", "registration_number",
               "phone")


@dataclass(frozen=True, slots=True)
class CompanyProfile:
    """Empty strings for values not given (NULL in the database)."""

    name: str = ""
    address_line1: str = ""
    address_line2: str = ""
    postal_code: str = ""
    city: str = ""
    country: str = ""
    iban: str = ""
    bic: str = ""
    registration_number: str = ""
    vat_number: str = ""
    default_currency: str = "EUR"
    default_language: str = "en"
    email: str = ""
    phone: str = ""
    logo: bytes | None = None


TEXT_FIELDS = tuple(f.name for f in fields(CompanyProfile) if f.name != "logo")


def validated(profile: CompanyProfile) -> CompanyProfile:
    """The profile as stored: trimmed, IBAN/BIC compact, codes normalised; CompanyFieldError
    names the first field that cannot be saved, in the order the form shows them."""
    plain = {name: check_length(name, getattr(profile, name).strip()) for name in _PLAIN_TEXT}
    return replace(
        profile, **plain,
        name=check_name(profile.name),
        country=check_country(profile.country),
        iban=check_iban(profile.iban),
        bic=check_bic(profile.bic),
        vat_number=check_vat_number(profile.vat_number),
        default_currency=check_currency(profile.default_currency),
        default_language=check_language(profile.default_language),
        email=check_email(profile.email),
        logo=check_logo(profile.logo),
    )


def load_company(session: Session) -> CompanyProfile | None:
    """The stored profile, or None before the firm (or the demo) has entered one."""
    row = session.scalar(select(Company).order_by(Company.id).limit(1))
    if row is None:
        return None
    return CompanyProfile(**{name: getattr(row, name) or "" for name in TEXT_FIELDS},
                          logo=row.logo or None)


def changed_fields(before: CompanyProfile | None, after: CompanyProfile) -> list[str]:
    base = before or CompanyProfile()
    return [f.name for f in fields(CompanyProfile)
            if getattr(base, f.name) != getattr(after, f.name) or before is None]


def save_company(session: Session, profile: CompanyProfile, *, user: str) -> CompanyProfile:
    """Create the single company row or update it; returns the profile as stored.

    All values are checked first; then one row is written and one activity logged, in the
    caller's transaction. Nothing is written when nothing changed."""
    clean = validated(profile)
    before = load_company(session)
    changed = changed_fields(before, clean)
    if not changed:
        return clean
    row = session.scalar(select(Company).order_by(Company.id).limit(1))
    if row is None:
        row = Company(name=clean.name, default_currency=clean.default_currency)
        session.add(row)
    for name in TEXT_FIELDS:  # name, currency and language are never empty once validated
        setattr(row, name, getattr(clean, name) or None)
    row.logo = clean.logo
    summary = (f"Company profile of {clean.name} created" if before is None else
               f"Company profile changed: {', '.join(FIELD_LABELS[n] for n in changed)}")
    log_activity(session, author=user, kind="settings_changed", summary=summary,
                 detail={"setting": SETTING_NAME, "fields": changed})
    session.flush()
    return clean


def read_logo(path: Path) -> bytes:
    """The logo file's bytes, checked; the message names the file and says what is wrong."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CompanyFieldError("logo", f"cannot read {path}: {exc.strerror}") from None
    if not data:
        raise CompanyFieldError("logo", f"{path} is empty")
    check_logo(data, source=str(path))
    return data
