"""`collecta company set|show`: a firm that imported its own ledger enters its letterhead, bank
details and logo from the command line; a bad value exits 2 with one line and changes nothing;
the next letter sent carries the new name, IBAN (in text and in the EPC QR code) and logo."""

from __future__ import annotations

import io
import json
from datetime import date
from decimal import Decimal

import zxingcpp
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import select

from app.cli import main
from app.db import session_scope
from app.models import Activity
from app.services.company_profile import load_company
from app.services.documents.epc_qr import epc_payload
from tests.logo_images import logo
from tests.services.dispatch.conftest import approved_campaign

SHOWN_EMPTY = "No company profile yet (collecta company set --name … enters it)\n"


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_set_then_show_the_profile_with_a_logo(db, capsys, tmp_path):
    url = db.url
    assert run(capsys, "--db", url, "company", "show") == (0, SHOWN_EMPTY, "")
    assert run(capsys, "--db", url, "company", "show", "--format", "json") == (0, "null\n", "")
    code, _, err = run(capsys, "--db", url, "company", "set", "--iban", "FR76")
    assert (code, err) == (2, "collecta: company set: no company profile yet: --name is "
                              "required\n")

    (tmp_path / "logo.png").write_bytes(logo())
    code, out, _ = run(capsys, "--db", url, "company", "set", "--name", "Atelier Dupuis SAS",
                       "--address-line1", "4 quai Perrache", "--postal-code", "69002",
                       "--city", "Lyon", "--country", "fr", "--iban",
                       "fr76 3000 6000 0112 3456 7890 189", "--bic", "agrifrpp", "--currency",
                       "eur", "--language", "fr", "--email", "compta@dupuis.example",
                       "--phone", "+33 4 72 00 00 00", "--registration-number",
                       "RCS Lyon 552 100 554", "--vat-number", "FR40303265045", "--logo",
                       str(tmp_path / "logo.png"), "--user", "Alice Martin")
    assert (code, out) == (0, "Company profile of Atelier Dupuis SAS created\n")
    code, out, _ = run(capsys, "--db", url, "company", "show")
    assert out.splitlines() == [
        "name: Atelier Dupuis SAS", "address_line1: 4 quai Perrache", "address_line2: ",
        "postal_code: 69002", "city: Lyon", "country: FR",
        "iban: FR76 3000 6000 0112 3456 7890 189", "bic: AGRIFRPP",
        "registration_number: RCS Lyon 552 100 554", "vat_number: FR40303265045",
        "default_currency: EUR", "default_language: fr", "email: compta@dupuis.example",
        "phone: +33 4 72 00 00 00", f"logo: PNG, 360×120 px, {len(logo()) / 1024:.1f} KB"]
    code, out, _ = run(capsys, "--db", url, "company", "show", "--format", "json")
    shown = json.loads(out)
    assert shown["iban"] == "FR7630006000011234567890189"  # machines get the compact form
    assert shown["logo"] == {"format": "PNG", "bytes": len(logo()), "width": 360, "height": 120}

    # Only the options given change; '' clears an optional value; --no-logo removes the logo.
    code, out, _ = run(capsys, "--db", url, "company", "set", "--city", "Villeurbanne",
                       "--address-line1", "", "--no-logo", "--user", "Bruno Petit")
    assert (code, out) == (0, "Company profile of Atelier Dupuis SAS saved (changed: address "
                              "line 1, city, logo)\n")
    with session_scope(db) as s:
        stored = load_company(s)
        summaries = [(a.author, a.summary) for a in s.scalars(select(Activity).order_by(
            Activity.id))]
    assert (stored.city, stored.address_line1, stored.logo, stored.bic) == (
        "Villeurbanne", "", None, "AGRIFRPP")
    assert summaries == [
        ("Alice Martin", "Company profile of Atelier Dupuis SAS created"),
        ("Bruno Petit", "Company profile changed: address line 1, city, logo")]
    code, out, _ = run(capsys, "--db", url, "company", "set", "--city", "Villeurbanne")
    assert (code, out) == (0, "Company profile of Atelier Dupuis SAS unchanged\n")


def test_bad_input_exits_2_with_one_line_and_changes_nothing(db, capsys, tmp_path):
    url = db.url
    run(capsys, "--db", url, "company", "set", "--name", "Atelier Dupuis SAS", "--iban",
        "FR7630006000011234567890189")
    (tmp_path / "logo.gif").write_bytes(logo("GIF"))
    refused = {
        ("--name", "Dupuis & Fils", "--iban", "FR76 3000 6000 0112 3456 7890 188"):
            "Company IBAN: 'FR76 3000 6000 0112 3456 7890 188' is not a valid IBAN: the check "
            "digits do not match (a typing mistake?)",
        ("--name", "Dupuis & Fils", "--logo", str(tmp_path / "logo.gif")):
            f"Company logo: {tmp_path / 'logo.gif'} is not a PNG or JPEG image (save it as PNG "
            "or JPEG first)",
        ("--logo", str(tmp_path / "none.png")):
            f"Company logo: cannot read {tmp_path / 'none.png'}: No such file or directory",
        ("--name", ""): "Company name: required (it heads every letter and statement)",
        ("--currency", "EURO"): "Company currency: 'EURO' is not an ISO 4217 currency code "
                                "(three letters, e.g. EUR, GBP, CHF)",
        (): "company set: give at least one option to change (see --help)",
        ("--logo", "x.png", "--no-logo"): "company set: argument --no-logo: not allowed with "
                                          "argument --logo",
    }
    for options, message in refused.items():
        code, out, err = run(capsys, "--db", url, "company", "set", *options)
        assert (code, out, err) == (2, "", f"collecta: {message}\n"), options
    with session_scope(db) as s:
        stored = load_company(s)
        assert s.scalar(select(Activity.id).where(Activity.summary.contains("changed"))) is None
    assert (stored.name, stored.iban, stored.logo) == ("Atelier Dupuis SAS",
                                                       "FR7630006000011234567890189", None)


def test_the_next_letter_carries_the_new_letterhead_iban_and_logo(db, capsys, tmp_path,
                                                                  monkeypatch):
    monkeypatch.setenv("COLLECTA_DATA_DIR", str(tmp_path / "data"))
    # The factory's firm (Atelier Dupuis SAS, FR76…189) approved a formal notice to C-F1.
    cid = approved_campaign(db, ("F1", "1200", date(2025, 4, 1)))
    (tmp_path / "logo.png").write_bytes(logo())
    code, _, _ = run(capsys, "--db", db.url, "company", "set", "--name", "Boulangerie Leroy SA",
                     "--iban", "BE71 0961 2345 6769", "--bic", "GKCCBEBB", "--logo",
                     str(tmp_path / "logo.png"))
    assert code == 0
    code, out, _ = run(capsys, "--db", db.url, "dispatch", "--as-of", "2025-06-12")
    assert (code, out) == (0, "letter: 1 sent\n")

    [path] = (tmp_path / "data" / "archive" / "letters" / f"campaign-{cid}").glob("*.pdf")
    page = PdfReader(path).pages[0]
    text = page.extract_text()
    assert "Boulangerie Leroy SA" in text and "BE71 0961 2345 6769" in text
    assert "Atelier Dupuis" not in text and "FR76 3000" not in text
    images = {image.image.size: image for image in page.images}
    assert (360, 120) in images  # the logo, as an image XObject on the page
    [qr] = [image for size, image in images.items() if size != (360, 120)]
    decoded = [b.text for b in zxingcpp.read_barcodes(
        Image.open(io.BytesIO(qr.data)).convert("L"))]
    rf = next(w for w in text.split() if w.startswith("RF")).rstrip(".")
    assert decoded == [epc_payload(name="Boulangerie Leroy SA", iban="BE71096123456769",
                                   bic="GKCCBEBB", amount=Decimal("1271.13"), reference=rf,
                                   info="C-F1")]
