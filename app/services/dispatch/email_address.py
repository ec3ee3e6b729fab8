"""Recipient addresses as the ledger gives them, made fit for SMTP.

Accounting exports often hold several addresses in one field ("compta@x.fr; dg@x.fr"), stray
spaces, a display name ("Service compta <compta@x.fr>") or an internationalised domain
("compta@société.fr"). Each address is checked with email-validator (syntax only: no DNS lookup
at send time) and given in its ASCII form (IDNA A-labels for the domain), which every server
accepts. An address whose local part is not ASCII would need SMTPUTF8 end to end: refused with
a message asking for another address rather than sent mangled.
"""

from __future__ import annotations

import re
from email.utils import getaddresses

from email_validator import EmailNotValidError, validate_email

from app.errors import UserError

SEPARATORS = re.compile(r"[;,\s]+")


class InvalidAddress(UserError):
    """An email address that cannot be sent to as written."""


def _candidates(raw: str) -> list[str]:
    if "<" in raw:  # display names: let the standard parser pair them up
        return [addr for _, addr in getaddresses([raw.replace(";", ",")]) if addr]
    return [part for part in SEPARATORS.split(raw) if part]


def email_recipients(raw: str | None) -> tuple[str, ...]:
    """The distinct addresses in `raw`, in ASCII form, in the order given; InvalidAddress names
    the first one that is not valid."""
    found: list[str] = []
    field = (raw or "").strip()
    for candidate in _candidates(field):
        name = f"'{candidate}'" if candidate == field else f"'{candidate}' (in '{field}')"
        try:
            checked = validate_email(candidate, check_deliverability=False)
        except EmailNotValidError as exc:
            raise InvalidAddress(f"the email address {name} is not valid: {exc}") from None
        if checked.ascii_email is None:
            raise InvalidAddress(f"the email address {name} has non-ASCII characters before "
                                 "the @, which few mail servers accept; ask the customer for "
                                 "another address")
        if checked.ascii_email.lower() not in (f.lower() for f in found):
            found.append(checked.ascii_email)
    if not found:
        raise InvalidAddress("there is no email address")
    return tuple(found)
