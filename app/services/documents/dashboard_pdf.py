"""The dashboard on paper (ReportLab): KPI table with the change against the previous period and
the four charts (PNG images drawn by the same code as the screen), page numbers, method note."""

from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from app.errors import UserError
from app.services.analytics.dashboard_data import DashboardData, Kpi
from app.services.formatting import DEFAULT_LOCALE, day, money, number

NAVY = colors.HexColor("#1F3A5F")


def _value(kpi: Kpi, value: Decimal | float | None, currency: str, locale: str) -> str:
    if value is None:
        return "n/a"
    if kpi.unit == "money":
        return money(Decimal(value), currency, locale)
    suffix = " days" if kpi.unit == "days" else " %"
    return number(float(value), locale, digits=1) + suffix


def _footer(canvas: Any, doc: Any) -> None:
    canvas.saveState()
    canvas.setFont("Helvetica", 8)
    canvas.setFillColor(colors.grey)
    width, _ = doc.pagesize
    canvas.drawString(15 * mm, 8 * mm, doc.title)
    canvas.drawRightString(width - 15 * mm, 8 * mm, f"Page {doc.page}")
    canvas.restoreState()


def render_dashboard_pdf(data: DashboardData, charts: Sequence[bytes], path: Path, *,
                         company: str = "", locale: str = DEFAULT_LOCALE) -> Path:
    """Write the dashboard for `data` with `charts` (PNG bytes, two per row) to `path`."""
    if data.currency is None:
        raise UserError("The ledger is empty: there is no dashboard to export")
    styles = getSampleStyleSheet()
    title = f"Receivables dashboard as of {day(data.as_of, locale)} ({data.currency})"
    doc = SimpleDocTemplate(str(path), pagesize=landscape(A4), leftMargin=15 * mm,
                            rightMargin=15 * mm, topMargin=12 * mm, bottomMargin=15 * mm,
                            title=title, author=company or "Collecta")
    rows: list[list[str]] = [["", *[k.title for k in data.kpis]],
                             ["This period", *[_value(k, k.value, data.currency, locale)
                                               for k in data.kpis]],
                             ["Previous period", *[_value(k, k.previous, data.currency, locale)
                                                   for k in data.kpis]]]
    kpis = Table(rows, colWidths=[30 * mm] + [39 * mm] * len(data.kpis))
    kpis.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8.5),
        ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
        ("BACKGROUND", (0, 0), (-1, 0), NAVY),
        ("FONT", (0, 1), (-1, 1), "Helvetica-Bold", 10),
        ("FONT", (0, 2), (-1, 2), "Helvetica", 8.5),
        ("TEXTCOLOR", (0, 2), (-1, 2), colors.grey),
        ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
        ("LINEBELOW", (0, -1), (-1, -1), 0.5, colors.lightgrey),
    ]))
    story: list[Any] = [Paragraph(f"{company + ' - ' if company else ''}{title}",
                                  styles["Title"]), kpis, Spacer(1, 5 * mm)]
    images = [Image(io.BytesIO(png), width=128 * mm, height=74 * mm) for png in charts]
    grid = [images[i:i + 2] for i in range(0, len(images), 2)]
    if grid:
        if len(grid[-1]) == 1:
            grid[-1].append(Spacer(1, 1))
        story.append(Table(grid, colWidths=[133 * mm, 133 * mm]))
    note = ParagraphStyle("note", parent=styles["Normal"], fontSize=7.5, textColor=colors.grey)
    story.append(Paragraph("Method: " + data.period_note, note))
    try:
        doc.build(story, onFirstPage=_footer, onLaterPages=_footer)
    except OSError as exc:
        raise UserError(f"Cannot write the PDF {path}: {exc.strerror}") from None
    return path
