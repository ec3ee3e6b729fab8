"""`collecta rules list|run|test|enable|disable`: automation rules from the command line (the
daily run of a scheduled task is `collecta rules run`)."""

from __future__ import annotations

import argparse
from typing import Any

from app.cli.common import (
    add_as_of,
    add_db_option,
    add_format,
    as_of,
    emit_json,
    emit_rows,
    open_db,
    user_name,
)
from app.db import session_scope
from app.services.analytics.engine import LedgerEngine
from app.services.rules.engine import RunResult, run_rules
from app.services.rules.preview import try_rule
from app.services.rules.seeds import ensure_seed_rules
from app.services.rules.store import TRIGGER_LABELS, list_rules, set_enabled

CHANGE_COLUMNS = ("rule", "debtor_id", "debtor", "action", "change", "reason")



def register(sub: Any) -> None:
    p = sub.add_parser("rules", help="automation rules: list, run (daily), test, enable")
    psub = p.add_subparsers(dest="rules_command", metavar="ACTION", required=True)
    lst = psub.add_parser("list", help="every rule in priority order")
    add_format(lst)
    lst.set_defaults(handler=cmd_list)
    run = psub.add_parser("run", help="run the enabled daily rules as of a date (the nightly "
                          "task)")
    add_as_of(run)
    run.add_argument("--dry-run", action="store_true", help="show what would change, change "
                     "nothing")
    run.add_argument("--all", action="store_true", help="every enabled rule, not only those "
                     "that run daily")
    run.add_argument("--user", help="who runs (default: the system user name)")
    add_format(run, ("table", "json"))
    run.set_defaults(handler=cmd_run)
    test = psub.add_parser("test", help="the debtors one rule matches and what it would change")
    test.add_argument("rule", help="rule name (quoted) or id")
    add_as_of(test)
    add_format(test, ("table", "json"))
    test.set_defaults(handler=cmd_test)
    switches = []
    for verb in ("enable", "disable"):
        q = psub.add_parser(verb, help=f"{verb} a rule")
        q.add_argument("rule", help="rule name (quoted) or id")
        q.add_argument("--user")
        q.set_defaults(handler=cmd_switch, enabled=verb == "enable")
        switches.append(q)
    for q in (lst, run, test, *switches):
        add_db_option(q)


def cmd_list(args: argparse.Namespace) -> int:
    db = open_db(args)
    with session_scope(db) as s:
        ensure_seed_rules(s)  # the shipped rules appear, disabled, on first use
        rows = list_rules(s)
    emit_rows([{"id": r.rule_id, "priority": r.priority, "enabled": "yes" if r.enabled else "no",
                "name": r.name, "when": ", ".join(TRIGGER_LABELS[t] for t in r.triggers),
                "condition": r.condition_text, "actions": ", ".join(r.actions)} for r in rows],
              ("id", "priority", "enabled", "name", "when", "condition", "actions"), args.format)
    return 0


def _change_rows(result: RunResult, names: dict[int, str]) -> list[dict[str, Any]]:
    return [{"rule": c.rule_name, "debtor_id": c.debtor_id, "debtor": names.get(c.debtor_id, ""),
             "action": c.action, "change": c.words, "reason": c.reason} for c in result.changes]


def _notice_rows(result: RunResult, names: dict[int, str]) -> list[dict[str, Any]]:
    return [{"debtor_id": n.debtor_id, "debtor": names.get(n.debtor_id, ""), "to": n.user,
             "recipient": n.recipient, "subject": n.subject, "body": n.body,
             "message_id": n.message_id} for n in result.notices]


def _print_notices(result: RunResult) -> None:
    verb = "would queue" if result.dry_run else "queued"
    for n in result.notices:
        print(f"notice {verb}: email to {n.user} <{n.recipient}>: {n.subject}")


def _names(db: Any) -> dict[int, str]:
    from sqlalchemy import select

    from app.models import Debtor

    with session_scope(db) as s:
        return dict(s.execute(select(Debtor.id, Debtor.name)).all())


def _emit_run(result: RunResult, names: dict[int, str], fmt: str) -> None:
    rows = _change_rows(result, names)
    if fmt == "json":
        emit_json({"as_of": result.as_of, "dry_run": result.dry_run, "rules": list(result.rules),
                   "changes": rows, "conflicts": list(result.conflicts),
                   "notices": _notice_rows(result, names)})
        return
    emit_rows(rows, CHANGE_COLUMNS, "table")
    _print_notices(result)
    for k in result.conflicts:
        print(f"conflict: {k.debtor_name} ({k.slot}): '{k.winner}' wins over '{k.loser}' "
              f"(which {k.lost})")
    for o in result.rules:
        state = f"skipped: {o.skipped}" if o.skipped else (
            f"{o.matching} matching, {o.entering} fired, {o.leaving} left")
        print(f"rule '{o.name}': {state}")
    verb = "would make" if result.dry_run else "made"
    print(f"{len(result.rules)} rule(s) {verb} {len(result.changes)} change(s) on "
          f"{len(result.debtor_ids)} debtor(s) as of {result.as_of.isoformat()}")


def cmd_run(args: argparse.Namespace) -> int:
    db = open_db(args)
    day = as_of(args)
    with session_scope(db) as s:
        ensure_seed_rules(s)
    arrays = LedgerEngine(db.engine).arrays
    with session_scope(db) as s:
        result = run_rules(s, arrays, day, user=user_name(args), dry_run=args.dry_run,
                           trigger=None if args.all else "daily")
    _emit_run(result, _names(db), args.format)
    return 0


def cmd_test(args: argparse.Namespace) -> int:
    db = open_db(args)
    with session_scope(db) as s:
        ensure_seed_rules(s)
    arrays = LedgerEngine(db.engine).arrays
    with session_scope(db) as s:
        t = try_rule(s, arrays, args.rule, as_of(args), user_name(args))
    if args.format == "json":
        names = _names(db)
        emit_json({"rule": t.rule_name, "as_of": t.as_of, "matching": t.preview.count,
                   "debtors": list(t.preview.rows),
                   "would_change": _change_rows(t.dry_run, names),
                   "would_queue": _notice_rows(t.dry_run, names)})
        return 0
    emit_rows([{"debtor_id": r.debtor_id, "debtor": r.name, "reason": r.reason}
               for r in t.preview.rows], ("debtor_id", "debtor", "reason"), "table")
    _print_notices(t.dry_run)
    print(f"rule '{t.rule_name}' matches {t.preview.count} debtor(s) as of "
          f"{t.as_of.isoformat()}; running it would make {len(t.dry_run.changes)} change(s)")
    return 0


def cmd_switch(args: argparse.Namespace) -> int:
    db = open_db(args)
    with session_scope(db) as s:
        ensure_seed_rules(s)
        set_enabled(s, args.rule, args.enabled, user_name(args))
    print(f"rule '{args.rule}' {'enabled' if args.enabled else 'disabled'}")
    return 0
