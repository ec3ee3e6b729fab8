"""Invoice PDFs from the source's folder ride along with the reminder email when the file
exists; a missing one is no failure, and no name may lead out of the folder."""

from datetime import date

import pytest
from sqlalchemy import select

from app.db import session_scope
from app.errors import UserError
from app.models import Invoice, Setting
from app.services.dispatch.channel import InvoiceRef
from app.services.dispatch.email_channel import EmailChannel
from app.services.dispatch.invoice_pdfs import (
    InvoicePdfSettings,
    load_invoice_pdf_settings,
    save_invoice_pdf_settings,
)
from app.services.dispatch.sender import run_dispatch
from app.services.dispatch.smtp_settings import SmtpSettings
from tests.services.dispatch.conftest import AS_OF, approved_campaign

SMTP = dict(host="127.0.0.1", security="plain", from_address="relances@dupuis.fr", per_minute=0)


def test_the_invoice_pdf_is_attached_when_the_file_exists(db, smtp_server, tmp_path, clock):
    approved_campaign(db, ("F1", "1200", date(2025, 6, 2)), ("F2", "300", date(2025, 6, 1)),
                      mobile=None)
    folder = tmp_path / "invoices"
    folder.mkdir()
    (folder / "F1.pdf").write_bytes(b"%PDF-1.4 the source's invoice F1")  # none for F2
    with session_scope(db) as s:
        save_invoice_pdf_settings(s, InvoicePdfSettings(folder=str(folder)), user="Marie Curie")
    with session_scope(db) as s:
        settings = load_invoice_pdf_settings(s)
    assert settings == InvoicePdfSettings(folder=str(folder), pattern="{number}.pdf")
    channel = EmailChannel(SmtpSettings(port=smtp_server.port, **SMTP), invoice_pdfs=settings)
    summary = run_dispatch(db, AS_OF, {"email": channel}, clock=clock)
    assert summary.counts == {"email": {"sent": 2}}
    by_to = {m["To"]: m for m in smtp_server.messages()}
    f1 = [(a.get_filename(), a.get_content()) for a in by_to["ap-f1@client.example"]
          .iter_attachments()]
    assert [name for name, _ in f1] == ["statement-C-F1-2025-06-12.pdf", "F1.pdf"]
    assert f1[0][1].startswith(b"%PDF") and f1[1][1] == b"%PDF-1.4 the source's invoice F1"
    f2 = [a.get_filename() for a in by_to["ap-f2@client.example"].iter_attachments()]
    assert f2 == ["statement-C-F2-2025-06-12.pdf"]  # no file for F2: sent without it


def test_the_pattern_may_use_the_sources_reference(db, tmp_path):
    approved_campaign(db, ("F1", "1200", date(2025, 6, 2)), mobile=None)
    with session_scope(db) as s:
        inv = s.scalar(select(Invoice))
        inv.external_ref = "INV-000042"
    (tmp_path / "facture_INV-000042.pdf").write_bytes(b"%PDF by ref")
    settings = InvoicePdfSettings(folder=str(tmp_path), pattern="facture_{external_ref}.pdf")
    settings.validate()
    assert settings.attachments((InvoiceRef("F1", "INV-000042"), InvoiceRef("F9", None))) == [
        ("facture_INV-000042.pdf", b"%PDF by ref")]


def test_a_name_leading_out_of_the_folder_is_never_read(tmp_path):
    inside = tmp_path / "invoices"
    inside.mkdir()
    (tmp_path / "secret.pdf").write_bytes(b"not for the debtor")
    (inside / "ok.pdf").write_bytes(b"%PDF ok")
    settings = InvoicePdfSettings(folder=str(inside))
    assert settings.path_for(InvoiceRef("../secret")) is None
    assert settings.path_for(InvoiceRef("/etc/passwd")) is None
    assert settings.attachments((InvoiceRef("../secret"), InvoiceRef("ok"))) == [
        ("ok.pdf", b"%PDF ok")]
    assert InvoicePdfSettings().attachments((InvoiceRef("ok"),)) == []  # no folder set


@pytest.mark.parametrize(("pattern", "folder", "message"), [
    ("{amount}.pdf", "/srv/pdf", r"only \{number\} and \{external_ref\} may be used, not "
                                 r"\{amount\}"),
    ("{number!r}.pdf", "/srv/pdf", r"not \{number!r\}"),
    ("invoice.pdf", "/srv/pdf", r"it must contain \{number\} or \{external_ref\}"),
    ("../{number}.pdf", "/srv/pdf", r"a file name, not a path"),
    ("sub/{number}.pdf", "/srv/pdf", r"a file name, not a path"),
    ("{number.pdf", "/srv/pdf", r"Invoice PDF file name '\{number.pdf'"),
    ("{number}.pdf", "relative/dir", r"folder 'relative/dir' must be an absolute path"),
])
def test_bad_settings_are_refused_and_nothing_is_stored(db, pattern, folder, message):
    with session_scope(db) as s, pytest.raises(UserError, match=message):
        save_invoice_pdf_settings(s, InvoicePdfSettings(folder=folder, pattern=pattern),
                                  user="Marie Curie")
    with session_scope(db) as s:
        assert s.get(Setting, "dispatch.invoice_pdfs") is None
