"""`collecta campaign build|list|show|approve|reject`, `collecta explain`, `collecta plans list`."""

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
from app.services.collection.approval import approve_campaign, reject_campaign
from app.services.collection.builder import build_campaign
from app.services.collection.campaigns import campaign_detail, list_campaigns
from app.services.collection.explain import explain_item, find_invoice
from app.services.collection.plans import load_plans

CAMPAIGN_COLUMNS = ("id", "as_of", "status", "actions", "excluded", "totals", "built_by",
                    "decided_by")
ACTION_COLUMNS = ("action", "debtor", "name", "plan", "step", "channels", "currency", "total",
                  "invoices", "excluded")



def register(sub: Any) -> None:
    p = sub.add_parser("campaign", help="build, review, approve or reject reminder campaigns")
    psub = p.add_subparsers(dest="campaign_command", metavar="ACTION", required=True)
    b = psub.add_parser("build", help="propose the reminders due on a date")
    add_as_of(b)
    b.add_argument("--user", help="who builds (default: the system user name)")
    b.set_defaults(handler=cmd_build)
    lst = psub.add_parser("list", help="recent campaigns")
    add_format(lst)
    lst.set_defaults(handler=cmd_list)
    show = psub.add_parser("show", help="a campaign's actions")
    show.add_argument("id", type=int)
    add_format(show)
    show.set_defaults(handler=cmd_show)
    ap = psub.add_parser("approve", help="approve a campaign (managers and admins)")
    ap.add_argument("id", type=int)
    ap.add_argument("--user", required=True)
    ap.set_defaults(handler=cmd_approve)
    rj = psub.add_parser("reject", help="reject a campaign (managers and admins)")
    rj.add_argument("id", type=int)
    rj.add_argument("--user", required=True)
    rj.add_argument("--reason", required=True)
    rj.set_defaults(handler=cmd_reject)
    for q in (b, lst, show, ap, rj):
        add_db_option(q)

    ex = sub.add_parser("explain", help="why an invoice is or is not in the day's campaign")
    ex.add_argument("invoice", help="invoice number or external reference")
    add_as_of(ex)
    add_db_option(ex)
    ex.set_defaults(handler=cmd_explain)

    pl = sub.add_parser("plans", help="reminder plans")
    plsub = pl.add_subparsers(dest="plans_command", metavar="ACTION", required=True)
    pll = plsub.add_parser("list", help="plans and their steps")
    add_format(pll)
    add_db_option(pll)
    pll.set_defaults(handler=cmd_plans_list)


def cmd_build(args: argparse.Namespace) -> int:
    db = open_db(args)
    with session_scope(db) as session:
        r = build_campaign(session, as_of(args), user=user_name(args))
    totals = ", ".join(f"{v} {c}" for c, v in r.totals.items()) or "nothing due"
    verb = "built" if r.created else "already exists"
    print(f"Campaign #{r.campaign_id} for {r.as_of.isoformat()} {verb}: {r.actions} action(s), "
          f"{totals}" + (f"; {r.promises_broken} broken promise(s)" if r.promises_broken else ""))
    return 0


def _totals(t: dict[str, Any]) -> str:
    return ", ".join(f"{v} {c}" for c, v in t.items())


def cmd_list(args: argparse.Namespace) -> int:
    db = open_db(args)
    with session_scope(db) as session:
        rows = list_campaigns(session)
    emit_rows([{"id": r.campaign_id, "as_of": r.as_of, "status": r.status, "actions": r.actions,
                "excluded": r.excluded, "totals": _totals(r.totals), "built_by": r.built_by,
                "decided_by": r.decided_by} for r in rows], CAMPAIGN_COLUMNS, args.format)
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    db = open_db(args)
    with session_scope(db) as session:
        detail = campaign_detail(session, args.id)
    if args.format == "json":
        emit_json(detail)
        return 0
    c = detail.campaign
    if args.format == "table":
        print(f"Campaign #{c.campaign_id} of {c.as_of.isoformat()}: {c.status}, built by "
              f"{c.built_by}" + (f", decided by {c.decided_by}" if c.decided_by else "")
              + f"; {c.actions} action(s), {_totals(c.totals) or 'nothing'}")
    emit_rows([{"action": a.action_id, "debtor": a.debtor_ref, "name": a.debtor_name,
                "plan": a.plan, "step": f"{a.step_position} {a.step_name}",
                "channels": a.channel_text, "currency": a.currency, "total": a.total,
                "invoices": " ".join(a.invoices),
                "excluded": a.exclude_reason if a.excluded else ""}
               for a in detail.actions], ACTION_COLUMNS, args.format)
    return 0


def cmd_approve(args: argparse.Namespace) -> int:
    db = open_db(args)
    with session_scope(db) as session:
        queued = approve_campaign(session, args.id, user=args.user)
    print(f"Campaign #{args.id} approved by {args.user}: {queued} message(s) queued for "
          "sending (collecta dispatch)")
    return 0


def cmd_reject(args: argparse.Namespace) -> int:
    db = open_db(args)
    with session_scope(db) as session:
        reject_campaign(session, args.id, user=args.user, reason=args.reason)
    print(f"Campaign #{args.id} rejected by {args.user}")
    return 0


def cmd_explain(args: argparse.Namespace) -> int:
    db = open_db(args)
    with session_scope(db) as session:
        inv = find_invoice(session, args.invoice)
        print(explain_item(session, inv.id, as_of(args)))
    return 0


def cmd_plans_list(args: argparse.Namespace) -> int:
    db = open_db(args)
    with session_scope(db) as session:
        plans = load_plans(session)
    emit_rows([{"plan": p.name, "step": s.position, "name": s.name, "offset": s.offset_days,
                "channels": s.channel_text, "template": s.template_key,
                "min_amount": s.min_amount, "business_days": "yes" if s.business_days else "",
                "gap": p.min_gap_days}
               for p in plans.values() for s in p.steps],
              ("plan", "step", "name", "offset", "channels", "template", "min_amount",
               "business_days", "gap"), args.format)
    return 0
