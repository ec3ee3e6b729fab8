"""What a source's configuration must satisfy before it is written (add or update), and how many
ledger rows already carry its name (which is why the name and kind are frozen after the first
import: the name is the `source` of every imported row, and a re-import under another name or
kind would create every debtor, invoice and payment a second time)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from babel.numbers import is_currency
from sqlalchemy import func, select

from app.db import Database
from app.errors import UserError
from app.models import Debtor, Invoice, Payment
from app.models.sources import SOURCE_KINDS
from app.services.ledger.connection import source_url
from app.services.ledger.mapping import load_profile, mapping_from_file
from app.services.ledger.sql_source import load_sql_config
from app.services.ledger.validate import check_terms

FILE_KINDS = ("csv", "excel", "fec")
CONTENT_KINDS = ("debtors", "invoices", "payments")


def check_name(name: str) -> str:
    name = name.strip()
    if not 0 < len(name) <= 32 or ":" in name:
        raise UserError(f"Source name '{name}' must be 1 to 32 characters, without ':'")
    return name


def check_config(db: Database, name: str, kind: str, location: str, opts: dict[str, Any],
                 schedule_minutes: int | None, check_location: bool) -> None:
    """Refuse a configuration that cannot work; nothing is written here.

    A csv/excel mapping profile must exist and be for the file's content. `check_location`
    also opens what the location names: the file (or mapping file) must exist, a SQL config
    file must load."""
    if kind not in SOURCE_KINDS:
        raise UserError(f"Source kind '{kind}' unknown: use {', '.join(SOURCE_KINDS)}")
    if "terms" in opts:
        check_terms(str(opts["terms"]))
    if "currency" in opts and not is_currency(str(opts["currency"])):
        raise UserError(f"Source '{name}': currency '{opts['currency']}' is not an ISO code "
                        "such as EUR")
    if kind in ("csv", "excel") and opts.get("kind") not in CONTENT_KINDS:
        raise UserError("A csv/excel source needs options kind=debtors|invoices|payments")
    if schedule_minutes is not None and schedule_minutes < 1:
        raise UserError("Sync schedule must be at least 1 minute")
    if kind == "sage100" and source_url(location, None).password is not None:
        raise UserError(f"Source '{name}': leave the password out of the URL; it is kept in "
                        "the system keyring instead")
    mapping = str(opts.get("mapping") or "")
    if kind in ("csv", "excel") and mapping and (check_location or not mapping.endswith(".json")):
        _check_mapping(db, mapping, str(opts["kind"]))
    if not check_location:
        return
    if not location.strip():
        raise UserError(f"Source '{name}' needs a location (a file, a URL or a config file)")
    if kind in FILE_KINDS and not Path(location).is_file():
        raise UserError(f"Source '{name}': file {location} not found")
    if kind == "sql":
        load_sql_config(Path(location))


def _check_mapping(db: Database, mapping: str, content: str) -> None:
    if mapping.endswith(".json"):
        found = mapping_from_file(Path(mapping))
    else:
        with db.sessions() as s:
            found = load_profile(s, mapping)
    if found.kind != content:
        raise UserError(f"Column mapping '{mapping}' is for {found.kind}, not {content}")


def imported_rows(db: Database, name: str) -> int:
    """Debtors, invoices and payments that carry this source name."""
    with db.sessions() as s:
        return sum(s.scalar(select(func.count()).select_from(m).where(m.source == name)) or 0
                   for m in (Debtor, Invoice, Payment))
