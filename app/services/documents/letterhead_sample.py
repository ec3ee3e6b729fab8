"""A sample statement on a company profile's letterhead, so the firm sees its name, address,
bank details and logo as a customer will before any reminder leaves (Settings → Company,
"Preview letterhead"). Same drawing code as the real statements (statement_pdf)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from app.services.collection.templates import ItemLine, message_context
from app.services.company_profile import CompanyProfile
from app.services.documents.statement_pdf import statement_pdf
from app.services.formatting import printed_iban

# The sample customer, in the letter's language.
SAMPLE_CUSTOMER = {
    "en": ("Sample Customer Ltd", ["Accounts payable", "1 Example Street", "London EC1A 1BB"]),
    "fr": ("Client Exemple SARL", ["Service comptabilité", "1 rue de l'Exemple", "75001 Paris"]),
}


def letterhead(profile: CompanyProfile) -> dict[str, Any]:
    """The `company` part of a message context, as previews.company_dict builds it from the
    stored row, here from a profile that may not be saved yet."""
    town = " ".join(x for x in (profile.postal_code, profile.city) if x)
    address = ", ".join(p for p in (profile.address_line1, profile.address_line2, town) if p)
    return {"name": profile.name, "iban": printed_iban(profile.iban), "bic": profile.bic,
            "phone": profile.phone, "email": profile.email, "address": address,
            "registration_number": profile.registration_number,
            "default_language": profile.default_language}


def sample_statement(profile: CompanyProfile, as_of: date) -> bytes:
    """A statement of two overdue sample invoices in the profile's currency and language."""
    language = profile.default_language
    name, address = SAMPLE_CUSTOMER.get(language, SAMPLE_CUSTOMER["en"])
    items = [ItemLine("INV-1042", as_of - timedelta(days=75), as_of - timedelta(days=45),
                      Decimal("1250.00")),
             ItemLine("INV-1077", as_of - timedelta(days=40), as_of - timedelta(days=10),
                      Decimal("480.50"))]
    context = message_context(
        company=letterhead(profile),
        debtor={"id": 0, "ref": "C-SAMPLE", "name": name, "country": profile.country or None,
                "language": language},
        contact={"name": address[0], "email": "", "phone": "", "mobile": ""},
        items=items, currency=profile.default_currency, as_of=as_of, language=language,
        step_name="Statement", with_interest=False, user_name="")
    context["address"] = [name, *address]
    return statement_pdf(context, language, profile.logo)
