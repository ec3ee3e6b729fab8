from datetime import date, timedelta

from pypdf import PdfReader

from app.db import session_scope
from app.services.analytics.ageing import aged_balance
from app.services.analytics.engine import LedgerEngine
from app.services.documents.aged_balance_pdf import render_aged_balance_pdf
from tests import factories as f
from tests.services.analytics import worked_examples as ex


def _text(path):
    return [page.extract_text() for page in PdfReader(path).pages]


def test_pdf_has_as_of_totals_per_currency_page_numbers_and_method(db, tmp_path):
    with session_scope(db) as s:
        ex.ageing_a_to_e(s)
        for i in range(70):  # enough lines for a second page
            d = f.debtor(s, f"P{i:03d}", f"Client numéro {i}")
            f.invoice(s, d, 100 + i, due=date(2025, 6, 30) - timedelta(days=i * 2))
        gb = f.debtor(s, "GB9", "London Ltd")
        f.invoice(s, gb, 250, due=date(2025, 5, 1), currency="GBP")
    aged = aged_balance(LedgerEngine(db.engine).arrays, ex.AGEING_AS_OF)
    path = render_aged_balance_pdf(aged, tmp_path / "aged.pdf", company="Collecta Demo SAS")
    pages = _text(path)
    assert len(pages) >= 2
    assert "Aged balance as of 30/06/2025" in pages[0]
    assert f"Page 1 of {len(pages)}" in pages[0]
    assert f"Page {len(pages)} of {len(pages)}" in pages[-1]
    everything = "\n".join(pages)
    assert "Total EUR" in everything and "Total GBP" in everything
    assert "5,800.00" in everything  # the A–E debtor's total
    assert "Method: Aged by days past due date" in everything


def test_pdf_by_segment_through_the_cli(db, tmp_path, capsys):
    from app.cli import main

    with session_scope(db) as s:
        ex.ageing_a_to_e(s)
    target = tmp_path / "seg.pdf"
    assert main(["--db", db.url, "report", "aged", "--as-of", "2025-06-30", "--by", "segment",
                 "--format", "pdf", "-o", str(target)]) == 0
    text = "\n".join(_text(target))
    assert "By segment" in text and "smb" in text and "Page 1 of 1" in text
