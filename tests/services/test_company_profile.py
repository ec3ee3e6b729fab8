"""The company profile: what a firm enters once (letterhead, bank details, logo) and every letter
prints. Values are checked and normalised before anything is written; a refused save changes
nothing; each save leaves one activity row naming what changed."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from app.db import session_scope
from app.models import Activity, Company
from app.services.company_checks import CompanyFieldError
from app.services.company_profile import CompanyProfile, load_company, read_logo, save_company
from app.services.documents.letterhead_sample import sample_statement
from app.services.formatting import printed_iban
from tests.logo_images import logo, noise_png

AS_OF = date(2025, 6, 30)
TYPED = CompanyProfile(
    name="  Atelier Dupuis SAS ", address_line1="4 quai Perrache", postal_code="69002",
    city="Lyon", country="fr", iban="fr76 3000 6000 0112 3456 7890 189", bic="agri fr pp",
    registration_number="RCS Lyon 552 100 554", vat_number="FR 40 303 265 045",
    default_currency="eur", default_language="FR", email="compta@dupuis.example",
    phone="+33 4 72 00 00 00", logo=logo())


def activities(db):
    with session_scope(db) as s:
        return [(a.author, a.kind, a.summary, a.detail) for a in s.scalars(
            select(Activity).order_by(Activity.id))]


def test_a_typed_profile_is_stored_normalised_and_reads_back(db):
    with session_scope(db) as s:
        assert load_company(s) is None
        saved = save_company(s, TYPED, user="Alice Martin")
    with session_scope(db) as s:
        stored = load_company(s)
    assert stored == saved == replace(
        TYPED, name="Atelier Dupuis SAS", country="FR", iban="FR7630006000011234567890189",
        bic="AGRIFRPP", vat_number="FR40303265045", default_currency="EUR",
        default_language="fr")
    assert stored.logo == logo() and stored.address_line2 == ""
    assert printed_iban(stored.iban) == "FR76 3000 6000 0112 3456 7890 189"
    with session_scope(db) as s:
        row = s.scalar(select(Company))
        assert (row.address_line2, row.iban) == (None, "FR7630006000011234567890189")
    assert activities(db) == [("Alice Martin", "settings_changed",
                               "Company profile of Atelier Dupuis SAS created",
                               {"setting": "company", "fields": list(CompanyProfile.__slots__)})]


def test_an_update_changes_the_one_row_and_says_what_changed(db):
    with session_scope(db) as s:
        save_company(s, TYPED, user="Alice Martin")
    with session_scope(db) as s:
        save_company(s, replace(load_company(s), city="Villeurbanne", postal_code="69100",
                                logo=None), user="Bruno Petit")
        save_company(s, load_company(s), user="Bruno Petit")  # nothing changed: nothing logged
    with session_scope(db) as s:
        assert s.scalar(select(func.count()).select_from(Company)) == 1
        stored = load_company(s)
    assert (stored.city, stored.postal_code, stored.logo) == ("Villeurbanne", "69100", None)
    assert activities(db)[1:] == [("Bruno Petit", "settings_changed",
                                   "Company profile changed: postal code, city, logo",
                                   {"setting": "company",
                                    "fields": ["postal_code", "city", "logo"]})]


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"name": "  "}, "name", "Company name: required (it heads every letter and statement)"),
    ({"iban": "FR76 3000 6000 0112 3456 7890 188"}, "iban",
     "Company IBAN: 'FR76 3000 6000 0112 3456 7890 188' is not a valid IBAN: the check digits "
     "do not match (a typing mistake?)"),
    ({"iban": "FR13 3000 6000 0112 3456 7890 18"}, "iban",  # one digit short, sum right
     "Company IBAN: 'FR13 3000 6000 0112 3456 7890 18' is not a valid IBAN: it does not have "
     "the length and layout of a FR IBAN"),
    ({"iban": "ZZ66 3000 6000 0112 3456 7890 189"}, "iban",
     "Company IBAN: 'ZZ66 3000 6000 0112 3456 7890 189' is not a valid IBAN: unknown country "
     "code"),
    ({"bic": "AGRIFRP"}, "bic",
     "Company BIC: 'AGRIFRP' is not a valid BIC: a BIC has 8 or 11 letters and digits (bank, "
     "country, place, branch)"),
    ({"country": "France"}, "country",
     "Company country: 'France' is not an ISO 3166 country code (two letters, e.g. FR, BE, DE)"),
    ({"country": "EU"}, "country",
     "Company country: 'EU' is not an ISO 3166 country code (two letters, e.g. FR, BE, DE)"),
    ({"default_currency": "EURO"}, "default_currency",
     "Company currency: 'EURO' is not an ISO 4217 currency code (three letters, e.g. EUR, GBP, "
     "CHF)"),
    ({"default_language": "de"}, "default_language",
     "Company language: 'de' is not a language letters can be written in (en, fr)"),
    ({"email": "compta at dupuis.fr"}, "email",
     "Company email: 'compta at dupuis.fr' is not an email address (name@domain.tld)"),
    ({"vat_number": "FR 41 303 265 045"}, "vat_number",
     "Company VAT number: 'FR 41 303 265 045' is not a valid EU VAT number: the check digits "
     "do not match (a typing mistake?)"),
    ({"city": "L" * 121}, "city", "Company city: 121 characters, at most 120 fit"),
])
def test_a_bad_value_is_refused_naming_its_field_and_nothing_changes(db, changes, field,
                                                                     message):
    with session_scope(db) as s:
        save_company(s, TYPED, user="Alice Martin")
    with pytest.raises(CompanyFieldError) as caught, session_scope(db) as s:
        # A good change to the name comes with the bad value: neither is written.
        save_company(s, replace(load_company(s), **{"name": "Dupuis & Fils", **changes}),
                     user="Bruno Petit")
    assert (caught.value.field, str(caught.value)) == (field, message)
    with session_scope(db) as s:
        assert load_company(s).name == "Atelier Dupuis SAS"
    assert len(activities(db)) == 1


def test_a_non_eu_vat_number_is_kept_as_written(db):
    with session_scope(db) as s:
        saved = save_company(s, replace(TYPED, country="CH", vat_number="CHE-116.281.710 MWST"),
                             user="Alice Martin")
    assert saved.vat_number == "CHE-116.281.710 MWST"


def test_only_png_or_jpeg_logos_of_at_most_1_mb_that_reportlab_can_read(db, tmp_path):
    jpeg = tmp_path / "logo.jpg"
    jpeg.write_bytes(logo("JPEG"))
    assert read_logo(jpeg) == jpeg.read_bytes()
    cases = {
        "logo.gif": (logo("GIF"), "is not a PNG or JPEG image (save it as PNG or JPEG first)"),
        "logo.png": (b"%PDF-1.4 not a picture", "is not a PNG or JPEG image (save it as PNG or "
                     "JPEG first)"),
        "cut.png": (logo()[:300], "cannot be read as an image: the file is damaged or "
                    "incomplete"),
        "photo.png": (noise_png(), "is 1.4 MB, at most 1 MB fits (a letterhead logo needs no "
                      "more than 600 pixels wide)"),
        "empty.png": (b"", "is empty"),
    }
    for name, (data, reason) in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(CompanyFieldError) as caught:
            read_logo(path)
        assert (caught.value.field, str(caught.value)) == ("logo", f"Company logo: {path} "
                                                                   f"{reason}"), name
    with pytest.raises(CompanyFieldError, match=r"^Company logo: cannot read .*missing\.png: "
                       "No such file or directory$"):
        read_logo(tmp_path / "missing.png")
    # The same check guards the service, whoever calls it.
    with pytest.raises(CompanyFieldError, match="^Company logo: the logo is not a PNG or JPEG"), \
            session_scope(db) as s:
        save_company(s, replace(TYPED, logo=logo("GIF")), user="Alice Martin")
    with session_scope(db) as s:
        assert load_company(s) is None


def test_the_sample_statement_carries_the_letterhead_and_the_logo():
    profile = replace(TYPED, name="Atelier Dupuis SAS", iban="FR7630006000011234567890189",
                      bic="AGRIFRPP", default_language="fr", default_currency="EUR")
    page = PdfReader(io.BytesIO(sample_statement(profile, AS_OF))).pages[0]
    text = page.extract_text()
    for expected in ("Atelier Dupuis SAS", "4 quai Perrache, 69002 Lyon",
                     "+33 4 72 00 00 00 · compta@dupuis.example", "RCS Lyon 552 100 554",
                     "Relevé des factures échues au 30/06/2025", "Client Exemple SARL",
                     "IBAN FR76 3000 6000 0112 3456 7890 189 (BIC AGRIFRPP)", "1 730,50 €"):
        assert expected in text, expected
    assert [image.image.size for image in page.images] == [(360, 120)]
    without = PdfReader(io.BytesIO(sample_statement(replace(profile, logo=None), AS_OF)))
    assert len(without.pages[0].images) == 0
