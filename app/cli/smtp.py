"""`collecta smtp set|show|test`: the team's outgoing mail server, as Settings → Email (SMTP)
sets it. The password comes from COLLECTA_SMTP_PASSWORD or a prompt (--ask-password), never
from the command line, and is kept in the OS keyring."""

from __future__ import annotations

import argparse
from dataclasses import asdict, replace
from typing import Any

from app.cli.common import (
    add_db_option,
    add_format,
    emit_settings,
    open_db,
    secret_input,
    user_name,
)
from app.db import session_scope
from app.errors import UserError
from app.services.dispatch.email_channel import send_test_email
from app.services.dispatch.smtp_settings import (
    SECURITIES,
    load_smtp_settings,
    save_smtp_settings,
    smtp_password,
)

PASSWORD_ENV = "COLLECTA_SMTP_PASSWORD"
TEXT_OPTIONS = {"host": "server name, e.g. smtp.office365.com",
                "username": "login ('' when the server needs none)",
                "from_address": "the sender address reminders come from",
                "from_name": "the sender name shown to customers",
                "bcc": "an archive address that gets a copy of every email ('' for none)"}


def register(sub: Any) -> None:
    p = sub.add_parser("smtp", help="the outgoing mail server: set, show or test its settings")
    psub = p.add_subparsers(dest="smtp_command", metavar="ACTION", required=True)
    st = psub.add_parser("set", help=f"change the settings (the password from {PASSWORD_ENV}, "
                         "or --ask-password)")
    for name, text in TEXT_OPTIONS.items():
        st.add_argument(f"--{name.replace('_', '-')}", dest=name, help=text)
    st.add_argument("--port", type=int, help="587 for STARTTLS, 465 for SSL, 25 plain")
    st.add_argument("--security", choices=SECURITIES)
    st.add_argument("--per-minute", type=int, help="throttle: at most this many emails a "
                    "minute (0 = no limit)")
    st.add_argument("--ask-password", action="store_true",
                    help="prompt for the password (stored in the keyring)")
    st.add_argument("--user", help="who changes them (default: the system user name)")
    add_db_option(st)
    st.set_defaults(handler=cmd_set)
    sh = psub.add_parser("show", help="the stored settings (never the password)")
    add_format(sh, ("table", "json"))
    add_db_option(sh)
    sh.set_defaults(handler=cmd_show)
    te = psub.add_parser("test", help="send a short test email with the stored settings")
    te.add_argument("to", help="the address to send it to")
    add_db_option(te)
    te.set_defaults(handler=cmd_test)


def cmd_set(args: argparse.Namespace) -> int:
    changes: dict[str, Any] = {name: getattr(args, name).strip() for name in TEXT_OPTIONS
                               if getattr(args, name) is not None}
    for name in ("port", "security", "per_minute"):
        if getattr(args, name) is not None:
            changes[name] = getattr(args, name)
    password = secret_input(args.ask_password, PASSWORD_ENV,
                            "SMTP password (stored in the keyring): ")
    with session_scope(open_db(args)) as s:
        settings = replace(load_smtp_settings(s), **changes)
        if password and not settings.username:
            raise UserError("smtp set: a password needs a login (--username)")
        save_smtp_settings(s, settings, user=user_name(args), password=password)
    print(f"SMTP server set to {settings.host}:{settings.port} ({settings.security})"
          + (" (password stored in the keyring)" if password else ""))
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    with session_scope(open_db(args)) as s:
        settings = load_smtp_settings(s)
    stored = bool(settings.username) and smtp_password(settings) is not None
    emit_settings({**asdict(settings), "password_stored": stored}, args.format)
    return 0


def cmd_test(args: argparse.Namespace) -> int:
    with session_scope(open_db(args)) as s:
        settings = load_smtp_settings(s)
    if not settings.host:
        raise UserError("smtp test: no SMTP server is set (collecta smtp set --host …)")
    answer = send_test_email(settings, smtp_password(settings), args.to)
    print(f"Test email to {args.to} accepted by {settings.host}: {answer}")
    return 0
