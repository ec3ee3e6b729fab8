"""The aged balance as a PDF a finance director can take to a meeting (ReportLab): one table per
currency with bucket totals, the as-of date in the title, page numbers and the method footnote."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from app.errors import UserError
from app.services.analytics.ageing import BUCKET_LABELS, AgedBalance, AgedRow
from app.services.formatting import DEFAULT_LOCALE, day, number

NAVY = colors.HexColor("#1F3A5F")
ZEBRA = colors.HexColor("#F2F5F9")
AMOUNTS = ("current", "d1_30", "d31_60", "d61_90", "d91_plus", "credits", "total")
_BY_TITLE = {"debtor": "debtor", "segment": "segment", "manager": "account manager",
             "book": "book"}


def _numbered_canvas(footer: str) -> type[Canvas]:
    class NumberedCanvas(Canvas):
        """Defers each page so the footer can say "page x of y"."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 - ReportLab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                width, _ = self._pagesize
                self.setFont("Helvetica", 8)
                self.setFillColor(colors.grey)
                self.drawString(15 * mm, 8 * mm, footer)
                self.drawRightString(width - 15 * mm, 8 * mm,
                                     f"Page {self._pageNumber} of {total}")
                super().showPage()
            super().save()

    return NumberedCanvas


def _money(value: Decimal, locale: str) -> str:
    return "" if value == 0 else number(value, locale, digits=2)


def _cells(row: AgedRow, locale: str, *, blanks: bool) -> list[str]:
    """Amount cells; credits shown negative, as they are netted in the total."""
    out = []
    for k in AMOUNTS:
        value = -row.credits if k == "credits" else getattr(row, k)
        out.append(_money(value, locale) if blanks else number(value, locale, digits=2))
    return out


def _shares(total: AgedRow, locale: str) -> list[str]:
    """Each bucket's share of the gross open invoices (credits excluded)."""
    gross = sum((getattr(total, k) for k in AMOUNTS[:5]), Decimal(0))
    if gross <= 0:
        return [""] * len(AMOUNTS)
    return [number(getattr(total, k) / gross * 100, locale, digits=1) + " %" for k in AMOUNTS[:5]]\
        + ["", ""]


def _table(aged: AgedBalance, currency: str, rows: list[AgedRow], locale: str) -> Table:
    with_name = aged.by == "debtor"
    header = (["Reference", "Name"] if with_name else [_BY_TITLE[aged.by].capitalize()])
    header += [BUCKET_LABELS[k] for k in AMOUNTS]
    cell = ParagraphStyle("cell", fontName="Helvetica", fontSize=7.5, leading=9)
    body: list[list[Any]] = [header]
    for r in rows:
        label = [r.key, Paragraph(r.name, cell)] if with_name else [Paragraph(r.key, cell)]
        body.append(label + _cells(r, locale, blanks=True))
    total = aged.totals[currency]
    blank = [""] if with_name else []
    body.append(["Total " + currency, *blank, *_cells(total, locale, blanks=False)])
    body.append(["Share of invoices", *blank, *_shares(total, locale)])
    first = [24 * mm, 66 * mm] if with_name else [90 * mm]
    widths = first + [24 * mm] * len(AMOUNTS)
    table = Table(body, colWidths=widths, repeatRows=1)
    amount_start = len(first)
    style = [
        ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8),
        ("FONT", (0, 1), (-1, -1), "Helvetica", 7.5),
        ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
        ("BACKGROUND", (0, 0), (-1, 0), NAVY),
        ("ALIGN", (amount_start, 0), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("FONT", (0, -2), (-1, -2), "Helvetica-Bold", 8),
        ("LINEABOVE", (0, -2), (-1, -2), 0.8, NAVY),
        ("TEXTCOLOR", (0, -1), (-1, -1), colors.grey),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
    ]
    style += [("BACKGROUND", (0, i), (-1, i), ZEBRA) for i in range(2, len(body) - 2, 2)]
    table.setStyle(TableStyle(style))
    return table


def render_aged_balance_pdf(
    aged: AgedBalance,
    path: Path,
    *,
    company: str = "",
    locale: str = DEFAULT_LOCALE,
    progress: Callable[[int, int, str], None] | None = None,
) -> Path:
    """Write the aged balance to `path`; amounts per currency, never added across currencies."""
    styles = getSampleStyleSheet()
    title = f"Aged balance as of {day(aged.as_of, locale)}"
    basis = "due date" if aged.basis == "due" else "invoice date"
    doc = SimpleDocTemplate(str(path), pagesize=landscape(A4), leftMargin=15 * mm,
                            rightMargin=15 * mm, topMargin=14 * mm, bottomMargin=16 * mm,
                            title=title, author=company or "Collecta")
    story: list[Any] = [
        Paragraph(f"{company + ' - ' if company else ''}{title}", styles["Title"]),
        Paragraph(f"By {_BY_TITLE[aged.by]}, aged by {basis}. Amounts in each currency; "
                  "currencies are never added together.", styles["Normal"]),
        Spacer(1, 5 * mm),
    ]
    currencies = list(aged.totals)
    if not currencies:
        story.append(Paragraph("Nothing is open on this date.", styles["Normal"]))
    for i, cur in enumerate(currencies):
        if progress is not None:
            progress(i, len(currencies), f"Aged balance {cur}")
        rows = [r for r in aged.rows if r.currency == cur]
        story.append(KeepTogether([Paragraph(f"{cur} ({len(rows)} {_BY_TITLE[aged.by]} lines)",
                                             styles["Heading3"])]))
        story.append(_table(aged, cur, rows, locale))
        story.append(Spacer(1, 6 * mm))
    note = ParagraphStyle("note", parent=styles["Normal"], fontSize=8, textColor=colors.grey)
    story.append(Paragraph("Method: " + aged.method, note))
    footer = f"Aged balance as of {aged.as_of.isoformat()}, aged by {basis}"
    try:
        doc.build(story, canvasmaker=_numbered_canvas(footer))
    except OSError as exc:
        raise UserError(f"Cannot write the PDF {path}: {exc.strerror}") from None
    return path
