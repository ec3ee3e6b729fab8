"""A reminder letter on the company letterhead: the address in the envelope window, the step's
text, the items table, interest and indemnity when the step asks for them, and a payment block
with IBAN, RF reference and an EPC QR code (DOMAIN.md §5, §8). Letters merge into one print PDF."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path
from typing import Any

from pypdf import PdfWriter
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from app.services.documents.epc_qr import epc_payload, epc_qr_image
from app.services.documents.statement_pdf import (
    HEIGHT,
    LEFT,
    NAVY,
    RIGHT,
    draw_address,
    draw_items,
    draw_letterhead,
    draw_wrapped,
    labels_for,
    pdf_text,
)

QR_SIZE = 28 * mm
BOTTOM = 15 * mm


def letter_qr_payload(context: dict[str, Any]) -> str | None:
    """The EPC payload for the amount the letter asks for; None outside euros."""
    if context.get("currency") != "EUR":
        return None
    amount = Decimal(str(context.get("amount_claimed") or context["amount_due"]))
    return epc_payload(name=context["company"]["name"], iban=context["iban"], bic=context["bic"],
                       amount=amount, reference=context["rf_reference"],
                       info=f"{context['debtor']['ref']}")


def _body(text: str) -> list[str]:
    """The step's text without the subject line (the letter shows it bold)."""
    lines = text.strip().splitlines()
    return lines[1:] if lines and lines[0].startswith("Subject:") else lines


def _ensure_room(c: Canvas, y: float, need: float) -> float:
    if y - need < BOTTOM:
        c.showPage()
        return HEIGHT - 25 * mm
    return y


def draw_letter(c: Canvas, context: dict[str, Any], subject: str | None, body: str,
                language: str, logo: bytes | None = None) -> None:
    labels = labels_for(language)
    draw_letterhead(c, context["company"], logo)
    draw_address(c, context.get("address") or [context["debtor"]["name"]])
    c.setFont("Helvetica", 9.5)
    c.drawRightString(RIGHT, HEIGHT - 100 * mm, pdf_text(context["as_of"]))
    c.drawString(LEFT, HEIGHT - 100 * mm, pdf_text(f"{labels['ref']} {context['debtor']['ref']}"
                                                   f" – {context['rf_reference']}"))
    y = HEIGHT - 110 * mm
    if subject:
        y = draw_wrapped(c, subject, y, font="Helvetica-Bold", size=11) - 4
    for line in _body(body):
        y = _ensure_room(c, y, 14)
        y = draw_wrapped(c, line, y, size=9) if line.strip() else y - 4
    y = _ensure_room(c, y - 8, 60 + 14 * len(context["items"]))
    y = draw_items(c, context, y - 6, labels)
    if context.get("with_interest"):
        for label, value in ((labels["interest"].format(rate=context["interest"]["rate_text"]),
                              context["interest"]["amount"]),
                             (labels["indemnity"], context["interest"]["indemnity"]),
                             (labels["claim"], context["interest"]["claim_total"])):
            c.setFont("Helvetica-Bold" if label == labels["claim"] else "Helvetica", 9.5)
            c.drawString(LEFT + 70 * mm, y, pdf_text(label))
            c.drawRightString(RIGHT, y, pdf_text(value))
            y -= 13
    _payment_block(c, context, labels, _ensure_room(c, y - 6, QR_SIZE + 12))
    c.showPage()


def _payment_block(c: Canvas, context: dict[str, Any], labels: dict[str, str], y: float
                   ) -> None:
    top = y
    c.setStrokeColor(NAVY)
    c.setLineWidth(0.6)
    c.roundRect(LEFT - 2, top - QR_SIZE - 6, RIGHT - LEFT + 4, QR_SIZE + 8, 4)
    payload = letter_qr_payload(context)
    if payload is not None:
        c.drawImage(ImageReader(epc_qr_image(payload)), RIGHT - QR_SIZE, top - QR_SIZE - 3,
                    width=QR_SIZE, height=QR_SIZE)
    c.setFillColor(NAVY)
    c.setFont("Helvetica-Bold", 10)
    amount = context["interest"]["claim_total"] if context.get("with_interest") \
        else context["total"]
    rows = [("IBAN", context["iban"]), ("BIC", context["bic"]),
            (labels["to_pay"], amount), (labels["reference"], context["rf_reference"])]
    c.drawString(LEFT + 4, top - 14, pdf_text(labels["transfer"]))
    c.setFillColor(colors.black)
    for i, (k, v) in enumerate(r for r in rows if r[1]):
        c.setFont("Helvetica", 9)
        c.drawString(LEFT + 4, top - 30 - 13 * i, pdf_text(k))
        c.setFont("Helvetica-Bold", 9.5)
        c.drawString(LEFT + 32 * mm, top - 30 - 13 * i, pdf_text(v))


def letter_pdf(context: dict[str, Any], subject: str | None, body: str, language: str,
               logo: bytes | None = None) -> bytes:
    buffer = io.BytesIO()
    c = Canvas(buffer, pagesize=A4, pageCompression=0)
    c.setTitle(pdf_text(subject or "Letter"))
    draw_letter(c, context, subject, body, language, logo)
    c.save()
    return buffer.getvalue()


def merge_letters(paths: list[Path], out: Path) -> Path:
    """A campaign's letters as one print-ready PDF, in the given order."""
    writer = PdfWriter()
    for path in paths:
        writer.append(str(path))
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("wb") as fh:
        writer.write(fh)
    return out
