"""`collecta debtors list|import-insurer FILE` and `collecta debtor show REF` (`debtor set`:
contacts.py)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from app.cli.common import (
    add_as_of,
    add_db_option,
    add_format,
    as_of,
    emit_json,
    emit_rows,
    open_db,
    plain,
    user_name,
)
from app.db import session_scope
from app.errors import UserError
from app.services.debtors import debtor_detail, resolve_debtor
from app.services.risk.assessments import latest_assessment
from app.services.worklist import worklist_rows

LIST_COLUMNS = ("ref", "name", "segment", "manager", "currency", "open_balance",
                "overdue_balance", "max_days_past_due")


def register(sub: Any) -> None:
    p = sub.add_parser("debtors", help="list debtors with their balances")
    psub = p.add_subparsers(dest="debtors_command", metavar="ACTION", required=True)
    lst = psub.add_parser("list", help="debtors with open, overdue balance and max days past due")
    lst.add_argument("--overdue", action="store_true", help="only debtors with overdue items")
    add_as_of(lst)
    add_format(lst)
    add_db_option(lst)
    lst.set_defaults(handler=cmd_list)
    ins = psub.add_parser("import-insurer", help="import a credit insurer's scores and limits "
                          "(CSV or Excel: debtor ref, insurer, score, limit, currency, date)")
    ins.add_argument("file", type=Path, help="the insurer's CSV or Excel file")
    ins.add_argument("--insurer", metavar="NAME", help="the insurer of lines that do not name "
                     "one (the file's insurer column wins)")
    ins.add_argument("--user", help="who imports (default: the system user name)")
    add_db_option(ins)
    ins.set_defaults(handler=cmd_import_insurer)

    show = sub.add_parser("debtor", help="one debtor's page")
    ssub = show.add_subparsers(dest="debtor_command", metavar="ACTION", required=True)
    s = ssub.add_parser("show", help="header, contacts, balances and open items of a debtor")
    s.add_argument("ref", help="the debtor's reference (or SOURCE:REF)")
    add_as_of(s)
    add_format(s)
    add_db_option(s)
    s.set_defaults(handler=cmd_show)
    from app.cli.contacts import register_debtor_set

    register_debtor_set(ssub)


def cmd_list(args: argparse.Namespace) -> int:
    db = open_db(args)
    day = as_of(args)
    with session_scope(db) as session:
        rows = worklist_rows(session, day, include_settled=not args.overdue)
    if args.overdue:
        rows = [r for r in rows if r.is_overdue]
    rows.sort(key=lambda r: (r.ref, r.currency))
    emit_rows(
        [
            {
                "ref": r.ref, "name": r.name, "segment": r.segment, "manager": r.manager,
                "currency": r.currency, "open_balance": r.open_balance,
                "overdue_balance": r.overdue_balance, "max_days_past_due": r.max_dpd,
            }
            for r in rows
        ],
        LIST_COLUMNS,
        args.format,
    )
    return 0


def cmd_import_insurer(args: argparse.Namespace) -> int:
    from app.services.risk.insurer_import import import_insurer_file

    path: Path = args.file
    if not path.is_file():
        raise UserError(f"{path}: no such file")
    db = open_db(args)
    with session_scope(db) as session:
        result = import_insurer_file(session, path, insurer=args.insurer,
                                     user=user_name(args))
    print(result.summary())
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    db = open_db(args)
    day = as_of(args)
    with session_scope(db) as session:
        d = resolve_debtor(session, args.ref)
        detail = debtor_detail(session, d.id, day, timeline_limit=20)
        insured = latest_assessment(session, d.id, day)
    if args.format == "json":
        emit_json({**plain(detail), "insurer": plain(insured)})
        return 0
    header: list[dict[str, Any]] = [
        {"field": "Reference", "value": detail.ref},
        {"field": "Name", "value": detail.name},
        {"field": "Segment", "value": detail.segment},
        {"field": "Account manager", "value": detail.manager},
        {"field": "Credit limit", "value": (
            f"{detail.credit_limit} {detail.credit_limit_currency}" if detail.credit_limit else None
        )},
        {"field": "As of", "value": detail.as_of},
    ]
    if insured is not None:
        figures = [f"score {insured.score}" if insured.score is not None else None,
                   f"limit {insured.limit_amount} {insured.limit_currency}"
                   if insured.limit_amount is not None else None]
        header.append({"field": "Insurer", "value": f"{insured.insurer}: " + ", ".join(
            x for x in figures if x) + f" (assessed {insured.assessed_on.isoformat()})"})
    for cur, amount in detail.balances.items():
        header.append({"field": f"Open {cur}", "value": amount})
        header.append({"field": f"Overdue {cur}", "value": detail.overdue.get(cur, 0)})
    for c in detail.contacts:
        header.append({"field": "Contact", "value": " · ".join(
            v for v in (c.name, c.email, c.phone or c.mobile) if v)})
    if args.format == "csv":
        emit_rows(
            [
                {"type": i.item_type, "number": i.number, "issue_date": i.issue_date,
                 "due_date": i.due_date, "currency": i.currency, "amount": i.amount,
                 "open": i.residual, "days_past_due": i.days_past_due}
                for i in detail.open_items
            ],
            ("type", "number", "issue_date", "due_date", "currency", "amount", "open",
             "days_past_due"),
            "csv",
        )
        return 0
    emit_rows(header, ("field", "value"), "table")
    print()
    emit_rows(
        [
            {"type": i.item_type, "number": i.number, "issue_date": i.issue_date,
             "due_date": i.due_date, "currency": i.currency, "amount": i.amount,
             "open": i.residual, "dpd": i.days_past_due}
            for i in detail.open_items
        ],
        ("type", "number", "issue_date", "due_date", "currency", "amount", "open", "dpd"),
        "table",
    )
    return 0
