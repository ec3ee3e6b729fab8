"""`collecta company show|set`: the firm's profile that letters, statements and the EPC QR code
print (name, address, bank details, logo). `set` changes only the options given ('' clears an
optional value); a bad value exits 2 with one line naming it and the database unchanged."""

from __future__ import annotations

import argparse
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

from app.cli.common import add_db_option, emit_json, emit_settings, open_db, user_name
from app.db import session_scope
from app.errors import UserError
from app.services.company_checks import FIELD_LABELS, logo_format, logo_size
from app.services.company_profile import (
    CompanyProfile,
    changed_fields,
    load_company,
    read_logo,
    save_company,
)
from app.services.formatting import printed_iban

# profile field → (option, help); `--currency` and `--language` for the two defaults.
OPTIONS = {
    "name": ("--name", "the firm's name, at the top of every letter (required once)"),
    "address_line1": ("--address-line1", "street address"),
    "address_line2": ("--address-line2", "second address line (building, PO box …)"),
    "postal_code": ("--postal-code", "postal code"),
    "city": ("--city", "city"),
    "country": ("--country", "ISO 3166 country code (FR, BE, DE …)"),
    "iban": ("--iban", "the account customers pay into (spaces allowed)"),
    "bic": ("--bic", "the bank's BIC (8 or 11 characters)"),
    "registration_number": ("--registration-number", "company registration (RCS, SIREN …)"),
    "vat_number": ("--vat-number", "VAT number (EU numbers are checked)"),
    "default_currency": ("--currency", "ISO 4217 currency of the ledger (EUR, GBP …)"),
    "default_language": ("--language", "language of letters to customers without one (en, fr)"),
    "email": ("--email", "address customers write to, on the letterhead"),
    "phone": ("--phone", "phone number on the letterhead"),
}


def register(sub: Any) -> None:
    company = sub.add_parser("company", help="the firm's letterhead, bank details and logo")
    csub = company.add_subparsers(dest="company_command", metavar="ACTION", required=True)
    st = csub.add_parser("set", help="change the profile (only the options given; '' clears)")
    for field, (option, text) in OPTIONS.items():
        st.add_argument(option, dest=field, metavar="TEXT", help=text)
    logo = st.add_mutually_exclusive_group()
    logo.add_argument("--logo", type=Path, metavar="FILE", help="PNG or JPEG, at most 1 MB")
    logo.add_argument("--no-logo", action="store_true", help="remove the logo")
    st.add_argument("--user", help="who changes it (default: the system user name)")
    add_db_option(st)
    st.set_defaults(handler=cmd_company_set)
    sh = csub.add_parser("show", help="the stored profile")
    sh.add_argument("--format", choices=["text", "json"], default="text")
    add_db_option(sh)
    sh.set_defaults(handler=cmd_company_show)


def cmd_company_set(args: argparse.Namespace) -> int:
    changes: dict[str, Any] = {field: getattr(args, field) for field in OPTIONS
                               if getattr(args, field) is not None}
    if args.logo is not None:
        changes["logo"] = read_logo(args.logo)
    elif args.no_logo:
        changes["logo"] = None
    if not changes:
        raise UserError("company set: give at least one option to change (see --help)")
    with session_scope(open_db(args)) as s:
        before = load_company(s)
        if before is None and not changes.get("name", "").strip():
            raise UserError("company set: no company profile yet: --name is required")
        profile = replace(before or CompanyProfile(), **changes)
        saved = save_company(s, profile, user=user_name(args))
    changed = changed_fields(before, saved)
    if not changed:
        print(f"Company profile of {saved.name} unchanged")
    elif before is None:
        print(f"Company profile of {saved.name} created")
    else:
        print(f"Company profile of {saved.name} saved (changed: "
              f"{', '.join(FIELD_LABELS[n] for n in changed)})")
    return 0


def describe_logo(logo: bytes | None) -> str:
    if not logo:
        return "none"
    width, height = logo_size(logo)
    return f"{logo_format(logo)}, {width}×{height} px, {len(logo) / 1024:.1f} KB"


def cmd_company_show(args: argparse.Namespace) -> int:
    with session_scope(open_db(args)) as s:
        profile = load_company(s)
    if args.format == "json":
        if profile is None:
            emit_json(None)
            return 0
        data: dict[str, Any] = asdict(profile)
        data["logo"] = None if not profile.logo else {
            "format": logo_format(profile.logo), "bytes": len(profile.logo),
            "width": logo_size(profile.logo)[0], "height": logo_size(profile.logo)[1]}
        emit_json(data)
        return 0
    if profile is None:
        print("No company profile yet (collecta company set --name … enters it)")
        return 0
    data = {**asdict(profile), "iban": printed_iban(profile.iban),
            "logo": describe_logo(profile.logo)}
    emit_settings(data, "text")
    return 0
