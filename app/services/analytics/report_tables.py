"""The aged balance and the metrics as plain rows and typed columns: what the CLI prints, the
Excel export writes and the dashboard tables show, from one definition."""

from __future__ import annotations

from typing import Any

from app.services.analytics.ageing import BUCKET_LABELS, AgedBalance
from app.services.analytics.book_metrics import MetricsRow
from app.services.analytics.metrics import rounded
from app.services.documents.excel_export import Column, Sheet

_GROUP_TITLES = {"debtor": "Debtor", "segment": "Segment", "manager": "Account manager",
                 "book": "Book"}
AGED_AMOUNTS = ("current", "d1_30", "d31_60", "d61_90", "d91_plus", "credits", "total")


def aged_columns(aged: AgedBalance) -> list[Column]:
    cols = [Column("key", _GROUP_TITLES[aged.by])]
    if aged.by == "debtor":
        cols.append(Column("name", "Name"))
    cols.append(Column("currency", "Currency", width=10))
    cols += [Column(k, BUCKET_LABELS[k], "money") for k in AGED_AMOUNTS]
    return cols


def aged_rows(aged: AgedBalance, *, with_totals: bool = True) -> list[dict[str, Any]]:
    """One dict per row (Decimal amounts), then one 'Total' row per currency."""
    rows = [
        {"key": r.key, "name": r.name, "currency": r.currency,
         **{k: getattr(r, k) for k in AGED_AMOUNTS}}
        for r in aged.rows
    ]
    if with_totals:
        rows += [
            {"key": "Total", "name": "", "currency": cur,
             **{k: getattr(t, k) for k in AGED_AMOUNTS}}
            for cur, t in aged.totals.items()
        ]
    return rows


def aged_sheet(aged: AgedBalance) -> Sheet:
    return Sheet(
        title=f"Aged balance {aged.as_of.isoformat()}",
        columns=aged_columns(aged),
        rows=aged_rows(aged),
        notes=(f"Aged balance as of {aged.as_of.isoformat()} by {_GROUP_TITLES[aged.by].lower()}.",
               aged.method),
    )


def metrics_json(row: MetricsRow) -> dict[str, Any]:
    """The `report metrics` object for one currency: amounts as two-decimal strings, days as
    numbers rounded to two decimals (null when undefined, e.g. no sales in the period)."""
    return {
        "open_total": f"{row.open_total:.2f}",
        "overdue_total": f"{row.overdue_total:.2f}",
        "current_total": f"{row.current_total:.2f}",
        "credit_sales": f"{row.credit_sales:.2f}",
        "ar_begin": f"{row.ar_begin:.2f}",
        "dso_simple": rounded(row.dso_simple),
        "dso_countback": rounded(row.dso_countback),
        "dso_countback_exceeds_24_months": row.countback_exceeded,
        "bpdso": rounded(row.bpdso),
        "add": rounded(row.add),
        "cei": rounded(row.cei),
        "period_start": row.period_start.isoformat(),
        "period_end": row.period_end.isoformat(),
        "period_days": row.period_days,
        "method": row.method,
    }


METRIC_COLUMNS = [
    Column("key", "Group"), Column("currency", "Currency", width=10),
    Column("open_total", "Open", "money"), Column("overdue_total", "Overdue", "money"),
    Column("current_total", "Current", "money"), Column("credit_sales", "Credit sales", "money"),
    Column("dso_simple", "DSO simple", "float"), Column("dso_countback", "DSO countback", "float"),
    Column("bpdso", "BPDSO", "float"), Column("add", "ADD", "float"),
    Column("cei", "CEI %", "percent"), Column("period_start", "Period start", "date"),
    Column("period_end", "Period end", "date"),
]


def metrics_rows(rows: list[MetricsRow]) -> list[dict[str, Any]]:
    return [
        {"key": r.key, "currency": r.currency, "open_total": r.open_total,
         "overdue_total": r.overdue_total, "current_total": r.current_total,
         "credit_sales": r.credit_sales, "dso_simple": rounded(r.dso_simple),
         "dso_countback": rounded(r.dso_countback), "bpdso": rounded(r.bpdso),
         "add": rounded(r.add), "cei": rounded(r.cei), "period_start": r.period_start,
         "period_end": r.period_end}
        for r in rows
    ]
