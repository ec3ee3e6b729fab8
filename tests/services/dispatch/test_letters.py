"""Letters (DOMAIN.md §5, §8): PDF on letterhead with the EPC QR code, archived as proof,
merged into one print PDF. The QR code is decoded back with zxing-cpp."""

import io
from datetime import date
from decimal import Decimal

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import select

from app.db import session_scope
from app.errors import UserError
from app.models import Activity
from app.services.dispatch.letter_channel import LetterChannel, print_campaign_letters
from app.services.dispatch.sender import run_dispatch
from app.services.documents.epc_qr import epc_payload
from tests.services.dispatch.conftest import AS_OF, approved_campaign


def qr_codes(pdf_path):
    pages = PdfReader(pdf_path).pages
    assert len(pages) == 1  # a one-invoice letter fits on one page
    out = []
    for image in pages[0].images:
        pil = Image.open(io.BytesIO(image.data)).convert("L")
        out += [b.text for b in zxingcpp.read_barcodes(pil)]
    return out


def test_epc_payload_follows_the_guideline():
    payload = epc_payload(name="Atelier Dupuis SAS", iban="FR76 3000 6000 0112 3456 7890 189",
                          bic="AGRIFRPP", amount=Decimal("1271.13"), reference="RF712348231",
                          info="C00042")
    assert payload.split("\n") == ["BCD", "002", "1", "SCT", "AGRIFRPP", "Atelier Dupuis SAS",
                                   "FR7630006000011234567890189", "EUR1271.13", "",
                                   "RF712348231", "", "C00042"]
    with pytest.raises(UserError, match="only ask for euros"):
        epc_payload(name="X", iban="GB33BUKB20201555555555", amount=Decimal(1), currency="GBP")
    with pytest.raises(UserError, match="limit is 331"):  # UTF-8: é is two bytes
        epc_payload(name="é" * 70, iban="FR76", amount=Decimal(1), text="é" * 140)


def test_formal_notice_letter_with_interest_and_a_qr_code_that_decodes(db, tmp_path, clock):
    # F1 1,200.00 due 2025-04-01, as of 2025-06-12: 72 days late at 13.15 % (ECB 3.15 on
    # 1 January + 10) → 1,200 × 13.15 % × 72 / 365 = 31.13 interest, + 40.00 indemnity.
    cid = approved_campaign(db, ("F1", "1200", date(2025, 4, 1)))
    summary = run_dispatch(db, AS_OF, {"letter": LetterChannel(tmp_path)}, clock=clock)
    assert summary.counts == {"letter": {"sent": 1}}
    with session_scope(db) as s:
        activity = s.scalar(select(Activity).where(Activity.kind == "letter_sent"))
        path = activity.detail["archive_path"]
        assert activity.detail["channel"] == "letter"
    assert path.startswith(str(tmp_path / "letters" / f"campaign-{cid}"))
    text = PdfReader(path).pages[0].extract_text()
    for expected in ("Mise en demeure de payer", "Client F1", "12 rue des Lilas", "69003 Lyon",
                     "F1", "1 200,00 €", "31,13 €", "40,00 €", "1 271,13 €",
                     "FR76 3000 6000 0112 3456 7890 189"):
        assert expected in text, expected
    rf = next(w for w in text.split() if w.startswith("RF"))
    assert qr_codes(path) == [epc_payload(
        name="Atelier Dupuis SAS", iban="FR7630006000011234567890189", bic="AGRIFRPP",
        amount=Decimal("1271.13"), reference=rf.rstrip("."), info="C-F1")]


def test_a_campaigns_letters_merge_into_one_print_pdf(db, tmp_path, clock):
    cid = approved_campaign(db, ("F1", "1200", date(2025, 4, 1)), ("F2", "800", date(2025, 3, 3)))
    run_dispatch(db, AS_OF, {"letter": LetterChannel(tmp_path)}, clock=clock)
    with session_scope(db) as s:
        assert print_campaign_letters(s, cid, tmp_path / "print.pdf") == 2
    merged = PdfReader(tmp_path / "print.pdf")
    assert len(merged.pages) == 2
    assert "F1" in merged.pages[0].extract_text() and "F2" in merged.pages[1].extract_text()

