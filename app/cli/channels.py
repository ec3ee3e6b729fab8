"""`collecta sms set|show|test` (the SMS gateway; its secret header value comes from
COLLECTA_SMS_TOKEN or a prompt, never from argv) and `collecta invoice-pdfs set|show|check`
(the accounting system's invoice PDFs reminder emails carry)."""

from __future__ import annotations

import argparse
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

from app.cli.common import (
    add_as_of,
    add_db_option,
    add_format,
    as_of,
    emit_json,
    emit_settings,
    open_db,
    secret_input,
    user_name,
)
from app.clock import utcnow
from app.db import session_scope
from app.errors import UserError
from app.services.dispatch.invoice_pdfs import (
    check_invoice_pdfs,
    load_invoice_pdf_settings,
    save_invoice_pdf_settings,
)
from app.services.dispatch.sms_channel import (
    load_sms_settings,
    save_sms_settings,
    send_test_sms,
    sms_token,
)

TOKEN_ENV = "COLLECTA_SMS_TOKEN"
SMS_OPTIONS = {"url": "gateway URL (https://…)", "auth_header": "name of the auth header",
               "sender": "sender id shown on the phone", "id_field": "dotted path to the "
               "provider's message id in its JSON answer", "default_region": "country of numbers "
               "written without a country code (FR, BE, …)"}


def register(sub: Any) -> None:
    _register_sms(sub)
    _register_invoice_pdfs(sub)


def _register_sms(sub: Any) -> None:
    sms = sub.add_parser("sms", help="the SMS gateway: set, show or test its settings")
    ssub = sms.add_subparsers(dest="sms_command", metavar="ACTION", required=True)
    st = ssub.add_parser("set", help=f"change the settings (the auth header's value from "
                         f"{TOKEN_ENV}, or --ask-token)")
    for name, text in SMS_OPTIONS.items():
        st.add_argument(f"--{name.replace('_', '-')}", dest=name, help=text)
    body = st.add_mutually_exclusive_group()
    body.add_argument("--body-template", help="JSON body with {{to}}, {{text}}, {{sender}}")
    body.add_argument("--body-file", type=Path, help="read the JSON body template from a file")
    st.add_argument("--max-segments", type=int, help="longest text, in SMS parts")
    st.add_argument("--ask-token", action="store_true",
                    help="prompt for the auth header's value (stored in the keyring)")
    st.add_argument("--user", help="who changes them (default: the system user name)")
    add_db_option(st)
    st.set_defaults(handler=cmd_sms_set)
    sh = ssub.add_parser("show", help="the stored settings (never the secret)")
    add_format(sh, ("table", "json"))
    add_db_option(sh)
    sh.set_defaults(handler=cmd_sms_show)
    te = ssub.add_parser("test", help="send a test SMS through the gateway")
    te.add_argument("number", help="the mobile number to send it to")
    add_db_option(te)
    te.set_defaults(handler=cmd_sms_test)


def _register_invoice_pdfs(sub: Any) -> None:
    ip = sub.add_parser("invoice-pdfs", help="the folder of invoice PDFs reminder emails carry")
    isub = ip.add_subparsers(dest="invoice_pdfs_command", metavar="ACTION", required=True)
    st = isub.add_parser("set", help="where the accounting system saves its invoice PDFs")
    st.add_argument("--folder", required=True,
                    help="absolute path of the folder ('' to stop attaching invoice PDFs)")
    st.add_argument("--pattern", help="file name with {number} and/or {external_ref} "
                    "(default: the stored one, at first {number}.pdf)")
    st.add_argument("--user", help="who changes them (default: the system user name)")
    add_db_option(st)
    st.set_defaults(handler=cmd_invoice_pdfs_set)
    sh = isub.add_parser("show", help="the stored folder and file-name pattern")
    add_format(sh, ("table", "json"))
    add_db_option(sh)
    sh.set_defaults(handler=cmd_invoice_pdfs_show)
    ch = isub.add_parser("check", help="how many open invoices have a PDF in the folder")
    add_as_of(ch)
    add_format(ch, ("table", "json"))
    add_db_option(ch)
    ch.set_defaults(handler=cmd_invoice_pdfs_check)


def cmd_sms_set(args: argparse.Namespace) -> int:
    changes: dict[str, Any] = {name: getattr(args, name).strip() for name in SMS_OPTIONS
                               if getattr(args, name) is not None}
    if args.body_file is not None:
        try:
            changes["body_template"] = args.body_file.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise UserError(f"sms set: cannot read {args.body_file}: {exc.strerror}") from None
    elif args.body_template is not None:
        changes["body_template"] = args.body_template.strip()
    if args.max_segments is not None:
        if args.max_segments < 1:
            raise UserError("sms set: --max-segments must be at least 1")
        changes["max_segments"] = args.max_segments
    if "default_region" in changes:
        changes["default_region"] = changes["default_region"].upper()
    token = secret_input(args.ask_token, TOKEN_ENV, "Auth header value (stored in the keyring): ")
    with session_scope(open_db(args)) as s:
        settings = replace(load_sms_settings(s), **changes)
        save_sms_settings(s, settings, user=user_name(args), token=token)
    print(f"SMS gateway set to {settings.url}" + (" (auth header value stored in the keyring)"
                                                   if token else ""))
    return 0


def cmd_sms_show(args: argparse.Namespace) -> int:
    with session_scope(open_db(args)) as s:
        settings = load_sms_settings(s)
    emit_settings({**asdict(settings),
                   "token_stored": bool(settings.url) and sms_token(settings) is not None},
                  args.format)
    return 0


def cmd_sms_test(args: argparse.Namespace) -> int:
    with session_scope(open_db(args)) as s:
        settings = load_sms_settings(s)
    if not settings.url:
        raise UserError("sms test: no SMS gateway is set (collecta sms set --url …)")
    result = send_test_sms(settings, sms_token(settings), args.number, at=utcnow())
    print(result.describe(settings.id_field))
    return 0


def cmd_invoice_pdfs_set(args: argparse.Namespace) -> int:
    folder = args.folder.strip()
    with session_scope(open_db(args)) as s:
        settings = load_invoice_pdf_settings(s)
        settings = replace(settings, folder=folder, pattern=(
            settings.pattern if args.pattern is None else args.pattern.strip()))
        save_invoice_pdf_settings(s, settings, user=user_name(args))
    print(f"Invoice PDFs attached from {settings.folder} ({settings.pattern})" if settings.folder
          else "Invoice PDFs no longer attached")
    return 0


def cmd_invoice_pdfs_show(args: argparse.Namespace) -> int:
    with session_scope(open_db(args)) as s:
        data = asdict(load_invoice_pdf_settings(s))
    emit_settings(data, args.format)
    return 0


def cmd_invoice_pdfs_check(args: argparse.Namespace) -> int:
    with session_scope(open_db(args)) as s:
        settings = load_invoice_pdf_settings(s)
        coverage = check_invoice_pdfs(s, settings, as_of(args))
    if args.format == "json":
        emit_json({**asdict(settings), **asdict(coverage)})
    else:
        print(coverage.describe())
    return 0
