"""`collecta init [--demo …]` and `collecta version`."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from app import __version__
from app.cli.common import add_db_option, as_of, open_db, parse_date, user_name
from app.cli.users import first_admin
from app.db import schema_head
from app.errors import UserError
from app.services.collection.plans import install_default_plans


def register(sub: Any) -> None:
    p = sub.add_parser("init", help="create or upgrade the database, optionally with a demo ledger")
    p.add_argument("--demo", action="store_true", help="fill an empty database with a demo ledger")
    p.add_argument("--debtors", type=int, default=300, help="demo size (default 300)")
    p.add_argument("--seed", type=int, default=7, help="demo random seed (default 7)")
    p.add_argument("--as-of", type=parse_date, default=None, metavar="YYYY-MM-DD",
                   help="the demo ledger's 'today' (default: today)")
    p.add_argument("--admin", metavar="NAME", help="create the first user, an admin (who may "
                   "manage users and approve campaigns)")
    p.add_argument("--admin-email", metavar="E", help="the first admin's email address")
    add_db_option(p)
    p.set_defaults(handler=cmd_init)

    v = sub.add_parser("version", help="print the program and schema versions")
    v.set_defaults(handler=cmd_version)


def cmd_init(args: argparse.Namespace) -> int:
    if args.debtors < 1 or args.debtors > 200_000:
        raise UserError(f"--debtors must be between 1 and 200000, got {args.debtors}")
    if args.admin_email is not None and args.admin is None:
        raise UserError("--admin-email needs --admin NAME")
    db = open_db(args)
    admin = (first_admin(db, args.admin, args.admin_email, user_name(args))
             if args.admin is not None else None)
    install_default_plans(db)
    if admin:
        print(admin)
    if not args.demo:
        print(f"Database ready: {db.describe()} (schema {schema_head()})")
        return 0
    from app.services.demo import generate_demo

    def progress(done: int, total: int, what: str) -> None:
        if sys.stderr.isatty():
            print(f"\r{what} {done}/{total}   ", end="", file=sys.stderr, flush=True)

    summary = generate_demo(db, debtors=args.debtors, seed=args.seed, as_of=as_of(args),
                            progress=progress)
    if sys.stderr.isatty():
        print(file=sys.stderr)
    print(
        f"Demo ledger in {db.describe()}: {summary.debtors} debtors, {summary.invoices} invoices, "
        f"{summary.credit_notes} credit notes, {summary.payments} payments, "
        f"{summary.allocations} allocations (as of {summary.as_of})"
    )
    return 0


def cmd_version(args: argparse.Namespace) -> int:
    print(f"Collecta {__version__} (schema {schema_head()})")
    return 0
