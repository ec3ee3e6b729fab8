"""The PDF statement of overdue items attached to a reminder email, and the page pieces a
letter shares with it (letterhead, window-envelope address, items table). Drawn straight on a
ReportLab canvas: a campaign renders a thousand of them."""

from __future__ import annotations

import io
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfgen.canvas import Canvas

NAVY = colors.HexColor("#1F3A5F")
GREY = colors.HexColor("#5A6270")
WIDTH, HEIGHT = A4
LEFT, RIGHT = 20 * mm, WIDTH - 20 * mm
# DIN 5008 / C5-C6 window: 20 mm from the left, 45–90 mm from the top.
WINDOW_LEFT, WINDOW_TOP = 20 * mm, HEIGHT - 50 * mm


def pdf_text(value: object) -> str:
    """Babel's narrow and no-break spaces are not in the base-14 fonts' encoding."""
    return str(value).replace("\u202f", " ").replace("\xa0", " ")


def draw_letterhead(c: Canvas, company: dict[str, Any], logo: bytes | None = None) -> None:
    top = HEIGHT - 18 * mm
    x = LEFT
    if logo:
        image = ImageReader(io.BytesIO(logo))
        iw, ih = image.getSize()
        h = 14 * mm
        w = min(45 * mm, h * iw / ih)
        c.drawImage(image, LEFT, top - h + 4 * mm, width=w, height=h, mask="auto",
                    preserveAspectRatio=True)
        x = LEFT + w + 4 * mm
    c.setFillColor(NAVY)
    c.setFont("Helvetica-Bold", 14)
    c.drawString(x, top, pdf_text(company.get("name", "")))
    c.setFont("Helvetica", 8)
    c.setFillColor(GREY)
    lines = [company.get("address", ""),
             " · ".join(p for p in (company.get("phone"), company.get("email")) if p),
             company.get("registration_number", "")]
    for i, line in enumerate(p for p in lines if p):
        c.drawString(x, top - 10 - 10 * i, pdf_text(line))
    c.setStrokeColor(NAVY)
    c.setLineWidth(0.8)
    c.line(LEFT, HEIGHT - 36 * mm, RIGHT, HEIGHT - 36 * mm)
    c.setFillColor(colors.black)


def draw_address(c: Canvas, lines: list[str]) -> None:
    """The debtor's address where a window envelope shows it."""
    c.setFont("Helvetica", 10.5)
    for i, line in enumerate(lines[:6]):
        c.drawString(WINDOW_LEFT, WINDOW_TOP - 13 - 13 * i, pdf_text(line))


def draw_items(c: Canvas, context: dict[str, Any], top: float, labels: dict[str, str]
               ) -> float:
    """The items table and its total; returns the y below it."""
    cols = [(LEFT, labels["number"], "number", "l"), (LEFT + 45 * mm, labels["issued"],
            "issue_date", "l"), (LEFT + 80 * mm, labels["due"], "due_date", "l"),
            (LEFT + 130 * mm, labels["late"], "days_late", "r"),
            (RIGHT, labels["amount"], "residual", "r")]
    c.setFillColor(NAVY)
    c.rect(LEFT - 2, top - 4, RIGHT - LEFT + 4, 15, stroke=0, fill=1)
    c.setFillColor(colors.white)
    c.setFont("Helvetica-Bold", 9)
    for x, title, _, align in cols:
        (c.drawRightString if align == "r" else c.drawString)(x, top, title)
    c.setFillColor(colors.black)
    c.setFont("Helvetica", 9)
    y = top - 16
    for n, item in enumerate(context["items"]):
        if n % 2:
            c.setFillColor(colors.HexColor("#F2F5F9"))
            c.rect(LEFT - 2, y - 4, RIGHT - LEFT + 4, 14, stroke=0, fill=1)
            c.setFillColor(colors.black)
        for x, _, key, align in cols:
            (c.drawRightString if align == "r" else c.drawString)(x, y, pdf_text(item[key]))
        y -= 14
        if y < 60 * mm:
            c.showPage()
            c.setFont("Helvetica", 9)
            y = HEIGHT - 25 * mm
    c.setLineWidth(0.5)
    c.line(LEFT + 110 * mm, y + 8, RIGHT, y + 8)
    c.setFont("Helvetica-Bold", 10)
    c.drawString(LEFT + 110 * mm, y - 6, labels["total"])
    c.drawRightString(RIGHT, y - 6, pdf_text(context["total"]))
    return y - 22


LABELS = {
    "en": {"title": "Statement of overdue invoices", "as_of": "as of", "number": "Invoice",
           "issued": "Issued", "due": "Due", "late": "Days late", "amount": "Outstanding",
           "total": "Total due", "pay": "Please pay by bank transfer to IBAN {iban}{bic}, "
           "quoting reference {ref}.", "interest": "Late-payment interest ({rate})",
           "indemnity": "Fixed recovery indemnity", "claim": "Total claimed",
           "transfer": "Pay by SEPA credit transfer – scan the code in your banking app",
           "reference": "Reference", "ref": "Ref.", "to_pay": "Amount to pay"},
    "fr": {"title": "Relevé des factures échues", "as_of": "au", "number": "Facture",
           "issued": "Émise le", "due": "Échéance", "late": "Jours de retard",
           "amount": "Restant dû", "total": "Total dû",
           "pay": "Merci de régler par virement sur l'IBAN {iban}{bic}, en indiquant la "
           "référence {ref}.", "interest": "Pénalités de retard ({rate})",
           "indemnity": "Indemnité forfaitaire pour frais de recouvrement",
           "claim": "Total réclamé",
           "transfer": "Paiement par virement SEPA – scannez le code avec votre appli bancaire",
           "reference": "Référence", "ref": "Réf.", "to_pay": "Montant à payer"},
}


def draw_wrapped(c: Canvas, text: str, y: float, *, font: str = "Helvetica",
                 size: float = 9) -> float:
    """Text wrapped to the page width; returns the y below it."""
    c.setFont(font, size)
    for line in simpleSplit(pdf_text(text), font, size, RIGHT - LEFT):
        c.drawString(LEFT, y, line)
        y -= size * 1.35
    return y


def labels_for(language: str) -> dict[str, str]:
    return LABELS.get(language[:2], LABELS["en"])


def payment_line(context: dict[str, Any], labels: dict[str, str]) -> str:
    bic = f" (BIC {context['bic']})" if context.get("bic") else ""
    return labels["pay"].format(iban=context["iban"], bic=bic, ref=context["rf_reference"])


def statement_pdf(context: dict[str, Any], language: str, logo: bytes | None = None) -> bytes:
    """One-page (or more) statement of the message's items: what the email is about."""
    labels = labels_for(language)
    buffer = io.BytesIO()
    c = Canvas(buffer, pagesize=A4, pageCompression=0)
    c.setTitle(f"{labels['title']} – {context['debtor']['name']}")
    draw_letterhead(c, context["company"], logo)
    draw_address(c, context.get("address") or [context["debtor"]["name"]])
    c.setFont("Helvetica-Bold", 13)
    c.drawString(LEFT, HEIGHT - 105 * mm, pdf_text(f"{labels['title']} {labels['as_of']} "
                                                   f"{context['as_of']}"))
    c.setFont("Helvetica", 9)
    c.drawString(LEFT, HEIGHT - 111 * mm, pdf_text(f"{context['debtor']['name']} – "
                                                   f"{context['debtor']['ref']}"))
    y = draw_items(c, context, HEIGHT - 124 * mm, labels)
    draw_wrapped(c, payment_line(context, labels), y - 6)
    c.showPage()
    c.save()
    return buffer.getvalue()
