"""`collecta dispatch [--campaign ID]`, `collecta outbox list [--state S]`,
`collecta outbox confirm ID --sent|--not-sent`. The channels' settings: app/cli/channels.py."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from app.cli.common import (
    add_as_of,
    add_db_option,
    add_format,
    as_of,
    emit_rows,
    open_db,
    user_name,
)
from app.clock import utcnow
from app.config import data_dir
from app.db import session_scope
from app.models import OUTBOX_CHANNELS, OUTBOX_STATES
from app.services.dispatch.configured import configured_senders
from app.services.dispatch.outbox import confirm_message, list_outbox
from app.services.dispatch.sender import run_dispatch
from app.services.dispatch.sender_lock import exclusive_sending

OUTBOX_COLUMNS = ("id", "campaign", "debtor", "name", "channel", "state", "recipient",
                  "attempts", "error")


def register(sub: Any) -> None:
    d = sub.add_parser("dispatch", help="send the approved campaigns' messages (unattended)")
    d.add_argument("--campaign", type=int, help="only this campaign")
    d.add_argument("--user", help="who sends (default: the system user name)")
    add_as_of(d)
    add_db_option(d)
    d.set_defaults(handler=cmd_dispatch)
    o = sub.add_parser("outbox", help="list outbox messages or confirm an unknown one")
    osub = o.add_subparsers(dest="outbox_command", metavar="ACTION", required=True)
    lst = osub.add_parser("list", help="messages, newest last")
    lst.add_argument("--state", choices=list(OUTBOX_STATES))
    lst.add_argument("--campaign", type=int)
    lst.add_argument("--channel", choices=list(OUTBOX_CHANNELS))
    add_format(lst)
    add_db_option(lst)
    lst.set_defaults(handler=cmd_list)
    c = osub.add_parser("confirm", help="say whether an unknown message arrived")
    c.add_argument("id", type=int)
    which = c.add_mutually_exclusive_group(required=True)
    which.add_argument("--sent", action="store_true", help="it arrived: mark it sent")
    which.add_argument("--not-sent", action="store_true",
                       help="it did not arrive: queue it to be sent again")
    c.add_argument("--user", help="who confirms (default: the system user name)")
    add_db_option(c)
    c.set_defaults(handler=cmd_confirm)



def cmd_dispatch(args: argparse.Namespace) -> int:
    db = open_db(args)
    with session_scope(db) as s:
        senders, domain = configured_senders(s, data_dir() / "archive")

    def progress(done: int, total: int, message: str) -> None:
        print(f"\r{done}/{total} {message}".ljust(60), end="", file=sys.stderr, flush=True)

    live = sys.stderr.isatty()  # a scheduled task's log gets the summary, not 1,000 \r lines
    with exclusive_sending(data_dir(), db.url):
        summary = run_dispatch(db, as_of(args), senders, campaign_id=args.campaign,
                               author=user_name(args), domain=domain,
                               progress=progress if live else None)
    if live:
        print("", file=sys.stderr)
    for line in summary.lines():
        print(line)
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    with session_scope(open_db(args)) as s:
        rows = list_outbox(s, state=args.state, campaign_id=args.campaign,
                           channel=args.channel)
    notice = None if args.format == "json" else "rule notice"  # a notice has no campaign
    emit_rows([{"id": r.outbox_id, "campaign": notice if r.campaign_id is None else r.campaign_id,
                "debtor": r.debtor_ref, "name": r.debtor_name, "channel": r.channel,
                "state": r.state,
                "recipient": (r.recipient or "").splitlines()[0] if r.recipient else None,
                "attempts": r.attempts, "error": r.last_error} for r in rows],
              OUTBOX_COLUMNS, args.format)
    return 0


def cmd_confirm(args: argparse.Namespace) -> int:
    with session_scope(open_db(args)) as s:
        confirm_message(s, args.id, sent=bool(args.sent), user=user_name(args), at=utcnow())
    print(f"Outbox message #{args.id} " + ("marked sent" if args.sent else
                                           "queued to be sent again"))
    return 0
