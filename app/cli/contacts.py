"""`collecta debtor set REF …` (collection fields) and `collecta contact list|add|set|remove`.

The same services as the debtor page's dialogs (app/services/debtor_edit.py, contact_edit.py),
each command one transaction: a bad value exits 2 with one line and changes nothing. REF is the
customer reference, or SOURCE:REF when several ledgers use it.
"""

from __future__ import annotations

import argparse
from decimal import Decimal
from typing import Any

from app.cli.common import add_db_option, add_format, emit_rows, open_db, require, user_name
from app.db import session_scope
from app.services.contact_checks import CONTACT_FIELDS, parse_amount
from app.services.contact_edit import add_contact, remove_contact, update_contact
from app.services.debtor_edit import (
    KEEP,
    LEDGER_FIELDS,
    DebtorChange,
    Keep,
    customer,
    editable_debtor,
    update_debtor,
)
from app.services.debtors import resolve_debtor

LIST_COLUMNS = ("id", "primary", "name", "role", "email", "phone", "mobile", "address")
SET_OPTIONS = ("manager", "language", "segment", "credit_limit", "currency", "tags")


def register(sub: Any) -> None:
    p = sub.add_parser("contact", help="a debtor's contacts: list, add, correct, remove")
    psub = p.add_subparsers(dest="contact_command", metavar="ACTION", required=True)
    lst = psub.add_parser("list", help="the debtor's contacts with their ids (primary first)")
    lst.add_argument("ref", help="the debtor's reference (or SOURCE:REF)")
    add_format(lst)
    lst.set_defaults(handler=cmd_list)
    add = psub.add_parser("add", help="add a contact (the first one is the primary contact)")
    add.add_argument("ref", help="the debtor's reference (or SOURCE:REF)")
    _contact_options(add, name_required=True)
    add.set_defaults(handler=cmd_add)
    st = psub.add_parser("set", help='correct a contact\'s fields ("" clears one)')
    st.add_argument("ref", help="the debtor's reference (or SOURCE:REF)")
    st.add_argument("id", type=int, help="the contact's id (see `contact list`)")
    _contact_options(st, name_required=False)
    st.set_defaults(handler=cmd_set)
    rm = psub.add_parser("remove", help="remove a contact (refused for the last one while "
                         "reminders to the customer wait in the outbox)")
    rm.add_argument("ref", help="the debtor's reference (or SOURCE:REF)")
    rm.add_argument("id", type=int, help="the contact's id (see `contact list`)")
    rm.add_argument("--user", help="who makes the change (default: the system user name)")
    rm.set_defaults(handler=cmd_remove)
    for q in (lst, add, st, rm):
        add_db_option(q)


def _contact_options(p: argparse.ArgumentParser, *, name_required: bool) -> None:
    p.add_argument("--name", required=name_required, help="who, e.g. 'Accounts payable'")
    for field in CONTACT_FIELDS[1:]:
        flag = "--" + field.replace("_", "-")
        help_text = {"email": "one or more addresses separated by ';'",
                     "phone": "as the customer writes it (+CC … for another country)",
                     "country": "ISO 3166 code, e.g. FR"}.get(field)
        p.add_argument(flag, dest=field, help=help_text)
    p.add_argument("--primary", action="store_true", help="make it the primary contact "
                   "(reminders go to it)")
    p.add_argument("--user", help="who makes the change (default: the system user name)")


def register_debtor_set(ssub: Any) -> None:
    """`debtor set`, under the `debtor` command of debtors.py."""
    st = ssub.add_parser("set", help="change a debtor's account manager, language, segment, "
                         "credit limit or tags")
    st.add_argument("ref", help="the debtor's reference (or SOURCE:REF)")
    st.add_argument("--manager", help='an active user\'s name ("" removes the manager)')
    st.add_argument("--language", help="language of reminders, e.g. fr")
    st.add_argument("--segment", help='e.g. smb, key_accounts ("" removes it)')
    st.add_argument("--credit-limit", dest="credit_limit", metavar="AMOUNT",
                    help='e.g. 5000 or 5000.50 ("" removes the limit)')
    st.add_argument("--currency", help="ISO 4217 code of the credit limit, e.g. EUR")
    st.add_argument("--tags", help='comma-separated, replaces the tags ("" removes them)')
    st.add_argument("--user", help="who makes the change (default: the system user name)")
    add_db_option(st)
    st.set_defaults(handler=cmd_debtor_set)


def cmd_debtor_set(args: argparse.Namespace) -> int:
    require(any(getattr(args, k) is not None for k in SET_OPTIONS),
            f"debtor set {args.ref}: give --manager, --language, --segment, --credit-limit, "
            "--currency or --tags")
    db = open_db(args)
    with session_scope(db) as s:
        d = resolve_debtor(s, args.ref)
        limit: Decimal | None | Keep = KEEP
        if args.credit_limit is not None:
            limit = (parse_amount(customer(d), args.credit_limit)
                     if args.credit_limit.strip() else None)
        change = update_debtor(
            s, d.id, expected_version=d.version, author=user_name(args),
            account_manager=KEEP if args.manager is None else args.manager,
            language=KEEP if args.language is None else args.language,
            segment=KEEP if args.segment is None else args.segment,
            credit_limit=limit, credit_limit_currency=_given(args.currency),
            tags=KEEP if args.tags is None else [t for t in args.tags.split(",") if t.strip()])
        source = d.source
        synced = editable_debtor(s, d.id).from_ledger
    print(change.message)
    given = {"segment": args.segment, "language": args.language,
             "credit_limit": args.currency if args.credit_limit is None else args.credit_limit}
    ledger = [k.replace("_", " ") for k in LEDGER_FIELDS if given[k] is not None]
    if change.changed and synced and ledger:
        one = len(ledger) == 1
        print(f"Note: {' and '.join(ledger)} {'comes' if one else 'come'} from the ledger "
              f"'{source}': the next sync replaces {'it' if one else 'them'} if the ledger "
              f"has {'it' if one else 'them'}")
    return 0


def _given(value: str | None) -> str | Keep:
    return KEEP if value is None else value


def _fields(args: argparse.Namespace) -> dict[str, str | None]:
    return {k: getattr(args, k) for k in CONTACT_FIELDS if getattr(args, k) is not None}


def cmd_list(args: argparse.Namespace) -> int:
    db = open_db(args)
    with session_scope(db) as s:
        d = editable_debtor(s, resolve_debtor(s, args.ref).id)
    if not d.contacts and args.format == "table":
        print(f"Customer {d.ref} ({d.name}) has no contact: add one with "
              f"`collecta contact add {args.ref} --name NAME --email ADDRESS`")
        return 0
    emit_rows([{"id": c.contact_id, "primary": c.is_primary if args.format == "json" else
                ("yes" if c.is_primary else ""), "name": c.name, "role": c.role,
                "email": c.email, "phone": c.phone, "mobile": c.mobile, "address": c.address}
               for c in d.contacts], LIST_COLUMNS, args.format)
    return 0


def _done(change: DebtorChange) -> int:
    print(change.message)
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    db = open_db(args)
    with session_scope(db) as s:
        d = resolve_debtor(s, args.ref)
        change = add_contact(s, d.id, _fields(args), expected_version=d.version,
                             primary=args.primary, author=user_name(args))
    print(f"{change.message} (contact #{change.contact_id})")
    return 0


def cmd_set(args: argparse.Namespace) -> int:
    fields = _fields(args)
    require(bool(fields) or args.primary, f"contact set {args.ref} {args.id}: give the fields "
            "to change (e.g. --email ADDRESS) or --primary")
    db = open_db(args)
    with session_scope(db) as s:
        d = resolve_debtor(s, args.ref)
        change = update_contact(s, d.id, args.id, fields, expected_version=d.version,
                                primary=args.primary, author=user_name(args))
    return _done(change)


def cmd_remove(args: argparse.Namespace) -> int:
    db = open_db(args)
    with session_scope(db) as s:
        d = resolve_debtor(s, args.ref)
        change = remove_contact(s, d.id, args.id, expected_version=d.version,
                                author=user_name(args))
    return _done(change)
