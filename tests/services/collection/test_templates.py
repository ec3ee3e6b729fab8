from datetime import date
from decimal import Decimal

import pytest

from app.errors import UserError
from app.services import formatting
from app.services.collection.plans import default_template_files, split_subject
from app.services.collection.templates import (
    ItemLine,
    message_context,
    money_formatter,
    render_text,
    unknown_variables,
)

COMPANY = {"name": "Atelier Dupuis SAS", "iban": "FR7630006000011234567890189",
           "bic": "AGRIFRPP", "phone": "01 23 45 67 89", "email": "", "address": ""}


def _context(language, country="FR", link=None):
    return message_context(
        company=COMPANY, debtor={"ref": "C1", "name": "Boulangerie Martin", "country": country},
        contact={"name": "Jeanne Martin", "phone": "", "email": "", "mobile": ""},
        items=[ItemLine("F-1", date(2024, 12, 10), date(2025, 1, 10), Decimal("10000.00"))],
        currency="EUR", as_of=date(2025, 3, 11), language=language, step_name="Formal notice",
        with_interest=True, user_name="Alice Martin", link_template=link)


def test_every_shipped_template_uses_only_known_variables_and_renders():
    files = default_template_files()
    assert {(k, lang, ch) for k, lang, ch, _ in files} >= {
        ("courtesy", "fr", "email"), ("reminder_2", "en", "sms"), ("formal_notice", "fr", "letter")}
    for _key, language, channel, path in files:
        subject, body = split_subject(path.read_text(encoding="utf-8"))
        assert unknown_variables(body) == set(), path
        text = render_text(body, _context(language), str(path))
        assert "{{" not in text and "Boulangerie" not in (subject or "")
        if channel == "sms":
            assert len(text) <= 320, f"{path}: {len(text)} characters"


def test_french_formal_notice_claims_interest_and_the_40_euro_indemnity():
    # DOMAIN.md §5 worked example: €10,000, 60 days late in H1 2025 → €216.16 + €40.
    path = next(p for k, lang, ch, p in default_template_files()
                if (k, lang, ch) == ("formal_notice", "fr", "letter"))
    subject, body = split_subject(path.read_text(encoding="utf-8"))
    text = render_text(body, _context("fr")).replace("\u202f", " ").replace("\xa0", " ")
    assert subject == "Mise en demeure de payer"
    assert "Pénalités de retard au taux de 13,15 %, arrêtées au 11/03/2025 : 216,16 €" in text
    assert ("Indemnité forfaitaire pour frais de recouvrement (40,00 € par facture) : 40,00 €"
            in text)
    assert "Total réclamé : 10 256,16 €" in text
    assert "nous vous mettons en demeure de nous régler la somme de 10 256,16 €" in text


def test_payment_link_and_rf_reference_in_the_context():
    ctx = _context("en", link="https://pay.example.com/{debtor}/{reference}?amount={amount}")
    assert ctx["rf_reference"] == "RF46C1250311"
    assert ctx["payment_link"] == "https://pay.example.com/C1/RF46C1250311?amount=10000.00"
    assert ctx["total"] == "€10,000.00"


def test_unknown_variables_and_syntax_errors_are_reported():
    assert unknown_variables("{{ total }} {{ montant }} {% for x in items %}{{ x.number }}"
                             "{% endfor %}") == {"montant"}
    with pytest.raises(UserError, match="Template syntax error on line 1"):
        unknown_variables("{% if %}")
    with pytest.raises(UserError, match="Cannot render greeting: 'dict object' has no attribute"):
        render_text("{{ company.nom }}", {"company": {}}, "greeting")


def test_fast_money_formatting_matches_babel():
    for currency, locale in (("EUR", "fr_FR"), ("GBP", "en_GB"), ("EUR", "de_DE"),
                             ("JPY", "en_GB")):
        fmt = money_formatter(currency, locale)
        for amount in ("0.00", "12.30", "1234.50", "1234567.89"):
            assert fmt(Decimal(amount)) == formatting.money(Decimal(amount), currency, locale)
