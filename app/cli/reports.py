"""`collecta report aged|metrics|debtor`: the aged balance, the book's metrics per currency and one
debtor's figures, all computed on the columnar engine (DOMAIN.md §3–§4)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import select

from app.cli.common import (
    add_as_of,
    add_db_option,
    as_of,
    emit_json,
    emit_rows,
    open_db,
    require,
)
from app.db import Database, session_scope
from app.models import Company
from app.services.analytics.ageing import aged_balance
from app.services.analytics.book_metrics import book_metrics, metrics_table
from app.services.analytics.collection_behaviour import collection_behaviour
from app.services.analytics.debtor_behaviour import payment_behaviour
from app.services.analytics.engine import LedgerEngine, load_debtors
from app.services.analytics.metrics import rounded
from app.services.analytics.report_tables import (
    aged_columns,
    aged_rows,
    aged_sheet,
    metrics_json,
)
from app.services.debtors import resolve_debtor
from app.services.documents.aged_balance_pdf import render_aged_balance_pdf
from app.services.documents.excel_export import write_workbook


def register(sub: Any) -> None:
    p = sub.add_parser("report", help="aged balance, DSO / CEI metrics, one debtor's figures")
    psub = p.add_subparsers(dest="report_command", metavar="REPORT", required=True)

    aged = psub.add_parser("aged", help="aged trial balance per debtor, segment or manager")
    add_as_of(aged)
    aged.add_argument("--by", choices=["debtor", "segment", "manager"], default="debtor")
    aged.add_argument("--basis", choices=["due", "invoice"], default="due",
                      help="age by due date (default) or by invoice date")
    aged.add_argument("--format", choices=["table", "csv", "json", "xlsx", "pdf"],
                      default="table")
    aged.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    add_db_option(aged)
    aged.set_defaults(handler=cmd_aged)

    met = psub.add_parser("metrics", help="DSO, countback DSO, BPDSO, ADD, CEI per currency")
    add_as_of(met)
    met.add_argument("--period-months", type=int, default=3, metavar="N",
                     help="the period is the N months ending on the as-of date (default 3)")
    met.add_argument("--format", choices=["json", "table", "csv"], default="json")
    add_db_option(met)
    met.set_defaults(handler=cmd_metrics)

    deb = psub.add_parser("debtor", help="one debtor's ageing, metrics and payment behaviour")
    deb.add_argument("ref", help="the debtor's reference (or SOURCE:REF)")
    add_as_of(deb)
    deb.add_argument("--period-months", type=int, default=3, metavar="N")
    deb.add_argument("--format", choices=["table", "json"], default="table")
    add_db_option(deb)
    deb.set_defaults(handler=cmd_debtor)


def _out(args: argparse.Namespace) -> Any:
    if not args.output:
        return None
    try:
        return Path(args.output).open("w", encoding="utf-8", newline="")
    except OSError as exc:
        raise argparse.ArgumentTypeError(f"cannot write {args.output}: {exc.strerror}") from None


def cmd_aged(args: argparse.Namespace) -> int:
    db = open_db(args)
    aged = aged_balance(LedgerEngine(db.engine).arrays, as_of(args), by=args.by,
                        basis=args.basis)
    if args.format in ("xlsx", "pdf"):
        require(bool(args.output),
                f"report aged --format {args.format} needs -o FILE.{args.format}")
        if args.format == "xlsx":
            write_workbook(Path(args.output), [aged_sheet(aged)])
        else:
            render_aged_balance_pdf(aged, Path(args.output), company=_company_name(db))
        print(f"Aged balance as of {aged.as_of} written to {args.output}")
        return 0
    columns = [c.key for c in aged_columns(aged)]
    out = _out(args)
    try:
        emit_rows(aged_rows(aged), columns, args.format, out)
        if args.format == "table":
            (out or sys.stdout).write(f"\n{aged.method}\n")
    finally:
        if out is not None:
            out.close()
    return 0


def _company_name(db: Database) -> str:
    with session_scope(db) as session:
        return session.scalar(select(Company.name).limit(1)) or ""


def _check_months(n: int) -> None:
    require(1 <= n <= 36, f"--period-months must be between 1 and 36, got {n}")


def cmd_metrics(args: argparse.Namespace) -> int:
    _check_months(args.period_months)
    db = open_db(args)
    result = book_metrics(LedgerEngine(db.engine).arrays, as_of(args),
                          period_months=args.period_months)
    payload = {cur: metrics_json(row) for cur, row in result.items()}
    if args.format == "json":
        emit_json(payload)
        return 0
    keys = ["currency", "open_total", "overdue_total", "current_total", "credit_sales",
            "dso_simple", "dso_countback", "bpdso", "add", "cei", "period_start", "period_end"]
    emit_rows([{"currency": cur, **v} for cur, v in payload.items()], keys, args.format)
    return 0


def cmd_debtor(args: argparse.Namespace) -> int:
    _check_months(args.period_months)
    db = open_db(args)
    day = as_of(args)
    with session_scope(db) as session:
        debtor = resolve_debtor(session, args.ref)
        debtor_id, ref, name = debtor.id, debtor.external_ref, debtor.name
        habits = collection_behaviour(session, day, debtor_id=debtor_id)
    promises = {
        "promises_kept_12m": habits.promises_kept,
        "promises_broken_12m": habits.promises_broken,
        "promise_kept_rate": rounded(habits.promise_kept_rate),
        "disputes_resolved_12m": habits.disputes_resolved,
        "dispute_days_median": habits.dispute_days_median,
    }
    arrays = load_debtors(db.engine, [debtor_id])
    aged = [r for r in aged_balance(arrays, day).rows if r.debtor_id == debtor_id]
    metrics = [r for r in metrics_table(arrays, day, by="debtor",
                                        period_months=args.period_months)
               if r.debtor_id == debtor_id]
    behaviour = payment_behaviour(arrays, day, debtor_id=debtor_id)
    per_currency: dict[str, dict[str, Any]] = {}
    for a in aged:
        per_currency.setdefault(a.currency, {}).update(
            {k: getattr(a, k) for k in ("current", "d1_30", "d31_60", "d61_90", "d91_plus",
                                        "credits", "total")})
    for m in metrics:
        per_currency.setdefault(m.currency, {}).update(metrics_json(m))
    for b in behaviour:
        per_currency.setdefault(b.currency, {}).update({
            "invoices_paid_12m": b.invoices_paid,
            "days_to_pay_simple": rounded(b.days_to_pay_simple),
            "days_to_pay_weighted": rounded(b.days_to_pay_weighted),
            "days_late_simple": rounded(b.days_late_simple),
            "days_late_weighted": rounded(b.days_late_weighted),
        })
    if args.format == "json":
        emit_json({"ref": ref, "name": name, "as_of": day, **promises,
                   "currencies": per_currency})
        return 0
    print(f"{ref}  {name}  as of {day.isoformat()}")
    emit_rows([{"figure": k, "value": v} for k, v in promises.items()], ("figure", "value"),
              "table")
    for cur, values in sorted(per_currency.items()):
        print(f"\n{cur}")
        emit_rows([{"figure": k, "value": v} for k, v in values.items() if k != "method"],
                  ("figure", "value"), "table")
    if not per_currency:
        print("Nothing open and nothing paid in the last 12 months.")
    return 0
