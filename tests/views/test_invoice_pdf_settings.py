"""Settings → Email (SMTP) → "Invoice PDFs from your accounting system": a user picks the folder,
sees how many open invoices have a file there, gets a wrong pattern refused in red with the
field named, and a reminder sent from the Sending page then carries the invoice's PDF."""

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

import app.views.invoice_pdf_settings as box_module
from app.db import session_scope
from app.models import Setting
from app.services.dispatch.invoice_pdfs import InvoicePdfSettings, load_invoice_pdf_settings
from tests.services.dispatch.conftest import MailSink, free_port
from tests.views.test_dispatch_page import approved, smtp_form_on

OPEN_INVOICES = 8  # the ledger's: C1 A–E, C2, C3 and C4 (conftest.py)


def stored(db):
    with session_scope(db) as s:
        if s.scalar(select(Setting.key).where(Setting.key == "dispatch.invoice_pdfs")) is None:
            return None
        return load_invoice_pdf_settings(s)


def email_box(window):
    page = window.show_page("settings")
    page.tabs.setCurrentWidget(page.smtp)
    return page.smtp.invoice_pdfs


def test_choose_the_folder_see_the_count_and_save(window, ledger, qtbot, tmp_path, monkeypatch):
    folder = tmp_path / "factures"
    folder.mkdir()
    for number in ("A", "B", "E"):
        (folder / f"{number}.pdf").write_bytes(b"%PDF-1.4")
    sending = window.show_page("dispatch").smtp.invoice_pdfs  # the Sending page's copy
    box = email_box(window)
    assert box.coverage.text() == "No folder: reminders go without invoice PDFs."
    asked = []
    monkeypatch.setattr(box_module.QFileDialog, "getExistingDirectory",
                        lambda *a: asked.append(a[1:]) or str(folder))
    box.choose_button.click()
    assert asked == [("Folder of the invoice PDFs", "")] and box.folder.text() == str(folder)
    qtbot.waitUntil(lambda: box.coverage.text() != "Checking…", timeout=10_000)
    assert box.coverage.text() == (f"3 of {OPEN_INVOICES} open invoices have a PDF there "
                                   "(no file C.pdf, for example).")

    box.pattern.clear()  # a file name the accounting system does not use: none found
    qtbot.keyClicks(box.pattern, "Facture_{number}.pdf")
    assert box.coverage.text() == "Checking…"
    qtbot.waitUntil(lambda: box.coverage.text().startswith("0 of"), timeout=10_000)
    box.pattern.clear()
    qtbot.keyClicks(box.pattern, "{client}.pdf")
    qtbot.waitUntil(lambda: box.coverage.text() != "Checking…", timeout=10_000)
    assert box.coverage.text().startswith("Invoice PDF file name '{client}.pdf': only {number}")
    assert "C62828" in box.coverage.styleSheet()  # red

    box.save_button.click()  # refused, named, in red; nothing stored
    assert box.status.text().startswith("Invoice PDF file name '{client}.pdf': only {number} "
                                        "and {external_ref} may be used")
    assert "C62828" in box.status.styleSheet() and stored(ledger) is None
    assert box.coverage.text() == ""  # the refusal is said once, next to Save
    box.window().resize(1100, 900)
    qtbot.wait(50)
    box.window().grab().save("/tmp/shots/h4_email_settings_refused.png")
    box.folder.setText("factures")
    box.pattern.setText("{number}.pdf")
    box.save_button.click()
    assert box.status.text() == "Invoice PDF folder 'factures' must be an absolute path"
    assert stored(ledger) is None

    box.folder.setText(str(folder))
    box.save_button.click()
    assert box.status.text() == "Saved." and "C62828" not in box.status.styleSheet()
    assert stored(ledger) == InvoicePdfSettings(str(folder), "{number}.pdf")
    assert sending.folder.text() == str(folder)  # the hidden copy shows what is stored
    qtbot.waitUntil(lambda: box.coverage.text().startswith("3 of"), timeout=10_000)
    qtbot.wait(50)
    box.window().grab().save("/tmp/shots/h4_email_settings.png")

    box.folder.setText(str(tmp_path / "gone"))  # a folder that is not there: said on the line
    box.check()
    qtbot.waitUntil(lambda: "does not exist" in box.coverage.text(), timeout=10_000)
    box.folder.clear()  # no folder: saving stops the attachments
    box.save_button.click()
    assert box.status.text() == "Saved: reminders go without invoice PDFs."
    assert stored(ledger) == InvoicePdfSettings("", "{number}.pdf")
    assert box.coverage.text() == "No folder: reminders go without invoice PDFs."


@pytest.mark.usefixtures("memory_keyring")
def test_configured_in_the_form_a_reminder_carries_the_invoice_pdf(window, ledger, qtbot,
                                                                   tmp_path, monkeypatch):
    sink = MailSink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        approved(ledger)  # C5's reminder by email is about invoice R1
        folder = tmp_path / "pdf"
        folder.mkdir()
        (folder / "Facture R1.pdf").write_bytes(b"%PDF-1.4 invoice R1 from the accounting system")
        page, form = smtp_form_on(window, controller.port)
        form.save_button.click()
        assert form.status.text() == "Saved."
        box = form.invoice_pdfs
        monkeypatch.setattr(box_module.QFileDialog, "getExistingDirectory",
                            lambda *a: str(folder))
        box.choose_button.click()
        box.pattern.clear()
        qtbot.keyClicks(box.pattern, "Facture {number}.pdf")
        box.save_button.click()
        assert box.status.text() == "Saved."
        qtbot.waitUntil(lambda: box.coverage.text().startswith("1 of 9 open invoices"),
                        timeout=10_000)

        outbox = page.outbox
        page.setCurrentWidget(outbox)
        outbox.send_button.click()
        qtbot.waitUntil(lambda: outbox.summary.text().startswith("Done."), timeout=30_000)
        assert "email: 1 sent" in outbox.summary.text()
        (mail,) = sink.messages()
        assert mail["To"] == "compta@fleuriste-rose.fr"
        attached = {a.get_filename(): a.get_content() for a in mail.iter_attachments()}
        assert attached["Facture R1.pdf"] == b"%PDF-1.4 invoice R1 from the accounting system"
        assert len(attached) == 2  # and the statement
    finally:
        controller.stop()
