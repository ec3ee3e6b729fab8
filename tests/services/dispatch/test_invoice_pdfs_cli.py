"""`collecta invoice-pdfs set|show|check`: the folder of the accounting system's invoice PDFs set
from the command line, shown, and checked against the open invoices; bad input is refused
with the field named and nothing stored."""

import json
from datetime import date

from sqlalchemy import select

from app.cli import main
from app.db import session_scope
from app.models import Invoice, Setting
from app.services.dispatch.invoice_pdfs import (
    InvoicePdfSettings,
    check_invoice_pdfs,
    load_invoice_pdf_settings,
)
from tests.services.dispatch.conftest import AS_OF, approved_campaign

INVOICES = (("F1", "1200", date(2025, 6, 2)), ("F2", "300", date(2025, 6, 1)),
            ("F3", "80", date(2025, 5, 20)))


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_set_show_and_check_from_the_command_line(db, capsys, tmp_path):
    approved_campaign(db, *INVOICES, mobile=None)
    folder = tmp_path / "factures"
    folder.mkdir()
    for number in ("F1", "F3"):
        (folder / f"Facture_{number}.pdf").write_bytes(b"%PDF-1.4")
    (folder / "Facture_F9.pdf").write_bytes(b"%PDF-1.4")  # no such open invoice
    url = db.url
    code, out, _ = run(capsys, "--db", url, "invoice-pdfs", "set", "--folder", str(folder),
                       "--pattern", "Facture_{number}.pdf", "--user", "Alice Martin")
    assert (code, out) == (0, f"Invoice PDFs attached from {folder} (Facture_{{number}}.pdf)\n")

    code, out, _ = run(capsys, "--db", url, "invoice-pdfs", "show", "--format", "json")
    assert (code, json.loads(out)) == (0, {"folder": str(folder),
                                           "pattern": "Facture_{number}.pdf"})
    code, out, _ = run(capsys, "--db", url, "invoice-pdfs", "show")
    assert out == f"folder: {folder}\npattern: Facture_{{number}}.pdf\n"

    code, out, _ = run(capsys, "--db", url, "invoice-pdfs", "check", "--as-of", str(AS_OF))
    assert (code, out) == (0, "2 of 3 open invoices have a PDF there (no file Facture_F2.pdf, "
                              "for example)\n")
    with session_scope(db) as s:  # F2 paid: two open invoices left, both with a file
        s.scalar(select(Invoice).where(Invoice.number == "F2")).settled_on = date(2025, 6, 10)
    code, out, _ = run(capsys, "--db", url, "invoice-pdfs", "check", "--as-of", str(AS_OF),
                       "--format", "json")
    assert json.loads(out) == {"folder": str(folder), "pattern": "Facture_{number}.pdf",
                               "with_file": 2, "open_invoices": 2, "missing_example": None}
    # as of a day before F2 was settled it was still open
    code, out, _ = run(capsys, "--db", url, "invoice-pdfs", "check", "--as-of", "2025-06-09")
    assert out.startswith("2 of 3 open invoices")

    # --pattern left out keeps the stored one; an empty folder stops the attachments
    code, out, _ = run(capsys, "--db", url, "invoice-pdfs", "set", "--folder", "")
    assert (code, out) == (0, "Invoice PDFs no longer attached\n")
    with session_scope(db) as s:
        assert load_invoice_pdf_settings(s) == InvoicePdfSettings("", "Facture_{number}.pdf")
    code, _, err = run(capsys, "--db", url, "invoice-pdfs", "check")
    assert (code, err) == (2, "collecta: Invoice PDF folder: none is set, so reminders go "
                              "without invoice PDFs\n")


def test_bad_input_is_refused_naming_the_field_and_nothing_is_stored(db, capsys, tmp_path):
    url = db.url
    code, _, err = run(capsys, "--db", url, "invoice-pdfs", "set", "--folder", "factures")
    assert (code, err) == (2, "collecta: Invoice PDF folder 'factures' must be an absolute "
                              "path\n")
    code, _, err = run(capsys, "--db", url, "invoice-pdfs", "set", "--folder", str(tmp_path),
                       "--pattern", "{client}.pdf")
    assert code == 2 and err.startswith("collecta: Invoice PDF file name '{client}.pdf': only "
                                        "{number} and {external_ref} may be used")
    code, _, err = run(capsys, "--db", url, "invoice-pdfs", "set", "--folder", str(tmp_path),
                       "--pattern", "../{number}.pdf")
    assert code == 2 and "a file name, not a path" in err
    with session_scope(db) as s:
        assert s.scalar(select(Setting.key).where(Setting.key == "dispatch.invoice_pdfs")) is None

    # a folder that is not there (any more) may be stored; the check says it is missing
    code, _, err = run(capsys, "--db", url, "invoice-pdfs", "set", "--folder",
                       str(tmp_path / "gone"))
    assert code == 0
    code, _, err = run(capsys, "--db", url, "invoice-pdfs", "check")
    assert (code, err) == (2, f"collecta: Invoice PDF folder '{tmp_path / 'gone'}' does not "
                              "exist\n")


def test_the_count_follows_the_pattern_fields_and_never_leaves_the_folder(db, tmp_path):
    approved_campaign(db, *INVOICES, mobile=None)
    with session_scope(db) as s:
        for inv in s.scalars(select(Invoice)):
            inv.external_ref = {"F1": "INV-1", "F2": "INV-2", "F3": ""}[inv.number]
    (tmp_path / "INV-1.pdf").write_bytes(b"%PDF")
    (tmp_path / "INV-2.pdf").mkdir()  # a folder of that name is no PDF
    (tmp_path / ".pdf").write_bytes(b"%PDF")  # F3 has no external_ref: not this file
    with session_scope(db) as s:
        got = check_invoice_pdfs(s, InvoicePdfSettings(str(tmp_path), "{external_ref}.pdf"),
                                 AS_OF)
    assert (got.with_file, got.open_invoices, got.missing_example) == (1, 3, "INV-2.pdf")
    assert got.describe() == ("1 of 3 open invoices have a PDF there (no file INV-2.pdf, for "
                              "example)")
