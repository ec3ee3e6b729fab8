"""Invoice PDFs from the source system, attached to reminder emails when the file exists.

A team setting names the folder the source drops its PDFs in and the file-name pattern, with
`{number}` (the invoice number) and `{external_ref}` (the source's id). A missing file means no
attachment, never a failed message; a name that would leave the folder is never read."""

from __future__ import annotations

import os
import string
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.errors import UserError
from app.models import Invoice
from app.services.activity import log_activity
from app.services.dispatch.channel import InvoiceRef
from app.services.team_settings import load_settings, store_settings

SETTING_KEY = "dispatch.invoice_pdfs"
FIELDS = ("number", "external_ref")
MAX_BYTES = 10 * 1024 * 1024  # a bigger file is not mailed


@dataclass(frozen=True, slots=True)
class InvoicePdfSettings:
    folder: str = ""  # empty: no invoice PDFs
    pattern: str = "{number}.pdf"

    def validate(self) -> None:
        where = f"Invoice PDF file name '{self.pattern}'"
        try:
            parsed = [(f, spec, conv) for _, f, spec, conv in string.Formatter().parse(self.pattern)
                      if f is not None]
        except ValueError as exc:
            raise UserError(f"{where}: {exc}") from None
        for f, spec, conv in parsed:
            if f not in FIELDS or spec or conv:
                raise UserError(f"{where}: only {{number}} and {{external_ref}} may be used, "
                                f"not {{{f}{'!' + conv if conv else ''}"
                                f"{':' + spec if spec else ''}}}")
        if not parsed:
            raise UserError(f"{where}: it must contain {{number}} or {{external_ref}}")
        if "/" in self.pattern or "\\" in self.pattern or ".." in self.pattern:
            raise UserError(f"{where}: a file name, not a path (no '/', '\\' or '..')")
        if self.folder and not Path(self.folder).is_absolute():
            raise UserError(f"Invoice PDF folder '{self.folder}' must be an absolute path")

    def path_for(self, invoice: InvoiceRef) -> Path | None:
        """The file for this invoice inside the folder; None when there is no folder, the
        source gave no value for a field, or the name would leave the folder."""
        if not self.folder:
            return None
        values = {"number": invoice.number, "external_ref": invoice.external_ref}
        if any(values[f] in (None, "") for _, f, _, _ in string.Formatter().parse(self.pattern)
               if f):
            return None
        folder = Path(self.folder).resolve()
        path = (folder / self.pattern.format(**values)).resolve()
        if path.parent != folder:
            return None
        return path

    def attachments(self, invoices: tuple[InvoiceRef, ...]) -> list[tuple[str, bytes]]:
        """(file name, content) of each invoice's PDF that exists; the others are skipped."""
        out: list[tuple[str, bytes]] = []
        for invoice in invoices:
            path = self.path_for(invoice)
            try:
                if path is None or not path.is_file() or path.stat().st_size > MAX_BYTES:
                    continue
                out.append((path.name, path.read_bytes()))
            except OSError:  # vanished or unreadable: the reminder goes without it
                continue
        return out


def load_invoice_pdf_settings(session: Session) -> InvoicePdfSettings:
    return load_settings(session, SETTING_KEY, InvoicePdfSettings())


def save_invoice_pdf_settings(session: Session, settings: InvoicePdfSettings, *,
                              user: str) -> None:
    settings.validate()
    store_settings(session, SETTING_KEY, settings)
    log_activity(session, author=user, kind="settings_changed",
                 summary=(f"Invoice PDFs attached from {settings.folder} ({settings.pattern})"
                          if settings.folder else "Invoice PDFs no longer attached"),
                 detail={"setting": SETTING_KEY})
    session.flush()


@dataclass(frozen=True, slots=True)
class PdfCoverage:
    """How many of the open invoices have their PDF in the folder, and one file name looked for
    in vain (the first invoice without a file), to help fix a wrong pattern. An invoice whose
    pattern field is empty (no external_ref) counts as without a file."""

    with_file: int
    open_invoices: int
    missing_example: str | None = None

    def describe(self) -> str:
        head = (f"{self.with_file} of {self.open_invoices} open invoice"
                f"{'' if self.open_invoices == 1 else 's'} "
                f"{'has' if self.open_invoices == 1 else 'have'} a PDF there")
        if self.missing_example and self.with_file < self.open_invoices:
            return f"{head} (no file {self.missing_example}, for example)"
        return head


def open_invoice_refs(session: Session, as_of: date) -> list[InvoiceRef]:
    """The invoices (not credit notes) issued and not settled as of `as_of`, by number."""
    rows = session.execute(
        select(Invoice.number, Invoice.external_ref)
        .where(Invoice.kind == "invoice", Invoice.issue_date <= as_of,
               or_(Invoice.settled_on.is_(None), Invoice.settled_on > as_of))
        .order_by(Invoice.number, Invoice.id)).all()
    return [InvoiceRef(number, ref) for number, ref in rows]


def pdf_coverage(settings: InvoicePdfSettings, invoices: list[InvoiceRef]) -> PdfCoverage:
    """Count the invoices whose PDF is in the folder: the folder is listed once, and only the
    names found in it are checked the way `attachments` reads them."""
    settings.validate()
    if not settings.folder:
        raise UserError("Invoice PDF folder: none is set, so reminders go without invoice PDFs")
    try:
        names = set(os.listdir(settings.folder))
    except FileNotFoundError:
        raise UserError(f"Invoice PDF folder '{settings.folder}' does not exist") from None
    except NotADirectoryError:
        raise UserError(f"Invoice PDF folder '{settings.folder}' is a file, not a folder"
                        ) from None
    except OSError as exc:
        raise UserError(f"Invoice PDF folder '{settings.folder}' cannot be read: "
                        f"{exc.strerror}") from None
    found, missing = 0, None
    for invoice in invoices:
        path = settings.path_for(invoice)
        if path is not None and path.name in names and path.is_file():
            found += 1
        elif missing is None and path is not None:
            missing = path.name
    return PdfCoverage(found, len(invoices), missing)


def check_invoice_pdfs(session: Session, settings: InvoicePdfSettings,
                       as_of: date) -> PdfCoverage:
    return pdf_coverage(settings, open_invoice_refs(session, as_of))
