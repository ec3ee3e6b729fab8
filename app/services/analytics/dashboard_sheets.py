"""The dashboard's tables as Excel sheets: KPIs, aged balance by debtor and by group, metrics by
group, top overdue debtors and cash per month, all for the dashboard's as-of date."""

from __future__ import annotations

from app.services.analytics.ageing import aged_balance
from app.services.analytics.book_metrics import metrics_table
from app.services.analytics.dashboard_data import DashboardData
from app.services.analytics.engine import LedgerArrays
from app.services.analytics.report_tables import METRIC_COLUMNS, aged_sheet, metrics_rows
from app.services.documents.excel_export import Column, Sheet
from app.services.money import from_cents


def dashboard_sheets(arrays: LedgerArrays, data: DashboardData) -> list[Sheet]:
    cur = data.currency or ""
    kpis = Sheet(
        f"KPIs {cur}",
        [Column("title", "Indicator"), Column("value", "This period", "float"),
         Column("previous", "Previous period", "float"), Column("unit", "Unit"),
         Column("note", "Definition")],
        [{"title": k.title, "value": k.value, "previous": k.previous,
          "unit": cur if k.unit == "money" else k.unit, "note": k.note} for k in data.kpis],
        notes=(data.period_note,),
    )
    top = Sheet(
        f"Top overdue {cur}",
        [Column("ref", "Debtor"), Column("name", "Name"), Column("overdue", "Overdue", "money")],
        [{"ref": t.ref, "name": t.name, "overdue": from_cents(t.overdue_cents)}
         for t in data.top_debtors],
    )
    cash = Sheet(
        f"Cash per month {cur}",
        [Column("month_end", "Month ending", "date"), Column("cash", "Cash collected", "money")],
        [{"month_end": c.month_end, "cash": from_cents(c.cents)} for c in data.cash],
    )
    by_group = aged_balance(arrays, data.as_of, by=data.group_by)
    by_debtor = aged_balance(arrays, data.as_of, by="debtor")
    group_sheet = aged_sheet(by_group)
    metrics = Sheet(
        f"Metrics by {data.group_by}", METRIC_COLUMNS,
        metrics_rows(metrics_table(arrays, data.as_of, by=data.group_by)),
    )
    return [kpis, Sheet(f"Aged by {data.group_by}", group_sheet.columns, group_sheet.rows,
                        group_sheet.notes),
            aged_sheet(by_debtor), metrics, top, cash]
