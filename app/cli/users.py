"""`collecta users list|add|set|activate|deactivate`, and the first admin of `collecta init`.

A firm that starts from `collecta init` (no demo) needs someone who may approve campaigns: the
first user added becomes admin. The command line is trusted like the database file itself, so
it does not ask who is an admin (the GUI does); the activity log records the system user.
"""

from __future__ import annotations

import argparse
from typing import Any

from sqlalchemy import select

from app.cli.common import add_db_option, emit_rows, open_db, require, user_name
from app.db import Database, session_scope
from app.errors import UserError
from app.models import USER_ROLES, AppUser
from app.services.users import UserChange, add_user, list_users, update_user

COLUMNS = ("name", "role", "email", "active")
ROLES_HELP = f"one of {', '.join(USER_ROLES)} (managers and admins approve campaigns)"


def register(sub: Any) -> None:
    p = sub.add_parser("users", help="the people who use Collecta and their roles")
    psub = p.add_subparsers(dest="users_command", metavar="ACTION", required=True)
    lst = psub.add_parser("list", help="active users (--all: with deactivated ones)")
    lst.add_argument("--all", action="store_true", help="include deactivated users")
    lst.add_argument("--format", choices=["text", "json"], default="text")
    lst.set_defaults(handler=cmd_list)
    add = psub.add_parser("add", help="add a user (the first one becomes admin)")
    add.add_argument("name")
    add.add_argument("--role", required=True, help=ROLES_HELP)
    add.add_argument("--email", help="where notices for their debtors go")
    add.set_defaults(handler=cmd_add)
    st = psub.add_parser("set", help="rename a user or change their role or email")
    st.add_argument("name")
    st.add_argument("--name", dest="new_name", metavar="NEW", help="the new name")
    st.add_argument("--role", help=ROLES_HELP)
    st.add_argument("--email", help='the new address ("" removes it)')
    st.set_defaults(handler=cmd_set)
    de = psub.add_parser("deactivate", help="a user who left (history keeps their name)")
    de.add_argument("name")
    de.set_defaults(handler=lambda a: _set_active(a, False))
    ac = psub.add_parser("activate", help="a deactivated user who is back")
    ac.add_argument("name")
    ac.set_defaults(handler=lambda a: _set_active(a, True))
    for q in (lst, add, st, de, ac):
        add_db_option(q)


def cmd_list(args: argparse.Namespace) -> int:
    db = open_db(args)
    with session_scope(db) as session:
        rows = list_users(session, include_inactive=args.all)
        anyone = bool(rows) or bool(list_users(session, include_inactive=True))
    if args.format == "text" and not rows:
        print("No active users (`--all` shows the deactivated ones)" if anyone else
              "No users yet: add the first with `collecta users add NAME --role admin`")
        return 0
    emit_rows([{"name": u.name, "role": u.role, "email": u.email,
                "active": u.active if args.format == "json" else ("yes" if u.active else "no")}
               for u in rows], COLUMNS, "json" if args.format == "json" else "table")
    return 0


def _done(change: UserChange) -> int:
    print(change.message)
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    db = open_db(args)
    with session_scope(db) as session:
        change = add_user(session, args.name, args.role, args.email, author=user_name(args))
    return _done(change)


def cmd_set(args: argparse.Namespace) -> int:
    require(any(v is not None for v in (args.new_name, args.role, args.email)),
            f"users set {args.name}: give --name, --role or --email")
    db = open_db(args)
    with session_scope(db) as session:
        change = update_user(session, args.name, new_name=args.new_name, role=args.role,
                             email=args.email, author=user_name(args))
    return _done(change)


def _set_active(args: argparse.Namespace, active: bool) -> int:
    db = open_db(args)
    with session_scope(db) as session:
        change = update_user(session, args.name, active=active, author=user_name(args))
    return _done(change)


def first_admin(db: Database, name: str, email: str | None, author: str) -> str:
    """`collecta init --admin NAME`: the first user, an admin. Running init again with the same
    admin is fine; naming an admin in a database that already has users is refused."""
    with session_scope(db) as session:
        users = list(session.scalars(select(AppUser)))
        same = [u for u in users if u.name.casefold() == name.strip().casefold()]
        if same and same[0].role == "admin" and same[0].active:
            return f"User '{same[0].name}' is already an admin"
        if users:
            raise UserError(f"--admin {name}: this database already has {len(users)} user(s); "
                            "use `collecta users add` or `collecta users set`")
        return add_user(session, name, "admin", email, author=author).message
