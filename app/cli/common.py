"""What every sub-command shares: opening the database, dates, output formats."""

from __future__ import annotations

import argparse
import csv
import getpass
import io
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import asdict, is_dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from app.clock import today
from app.config import resolve_db_url
from app.db import Database, open_database
from app.errors import UserError

FORMATS = ("table", "csv", "json")


def open_db(args: argparse.Namespace) -> Database:
    return open_database(resolve_db_url(getattr(args, "db", None)))


def parse_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a date (use YYYY-MM-DD)") from None


def add_as_of(p: argparse.ArgumentParser) -> None:
    p.add_argument("--as-of", type=parse_date, default=None, metavar="YYYY-MM-DD",
                   help="the date the figures are computed for (default: today)")


def as_of(args: argparse.Namespace) -> date:
    value: date | None = getattr(args, "as_of", None)
    return value or today()


def add_format(p: argparse.ArgumentParser, choices: Sequence[str] = FORMATS) -> None:
    p.add_argument("--format", choices=list(choices), default="table")


def add_db_option(p: argparse.ArgumentParser) -> None:
    """`--db` is accepted after the sub-command too (collecta debtors list --db URL)."""
    p.add_argument("--db", metavar="URL", default=argparse.SUPPRESS, help=argparse.SUPPRESS)


def plain(value: Any) -> Any:
    """JSON-ready value: Decimal as a two-decimal string, dates ISO."""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if is_dataclass(value) and not isinstance(value, type):
        return {k: plain(v) for k, v in asdict(value).items()}
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def emit_rows(rows: list[dict[str, Any]], columns: Sequence[str], fmt: str,
              out: Any = None) -> None:
    """Print rows as an aligned table, CSV or a JSON list."""
    out = out or sys.stdout
    if fmt == "json":
        json.dump([{c: plain(r.get(c)) for c in columns} for r in rows], out, indent=2,
                  ensure_ascii=False)
        out.write("\n")
        return
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(columns)
        for r in rows:
            w.writerow(["" if r.get(c) is None else plain(r.get(c)) for c in columns])
        out.write(buf.getvalue())
        return
    cells = [[("" if r.get(c) is None else str(plain(r.get(c)))) for c in columns] for r in rows]
    widths = [max([len(c)] + [len(row[i]) for row in cells]) for i, c in enumerate(columns)]
    out.write("  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip() + "\n")
    for row in cells:
        line = "  ".join(
            v.rjust(w) if _numeric(v) else v.ljust(w) for v, w in zip(row, widths, strict=True)
        )
        out.write(line.rstrip() + "\n")


def emit_json(value: Any, out: Any = None) -> None:
    out = out or sys.stdout
    json.dump(plain(value), out, indent=2, ensure_ascii=False)
    out.write("\n")


def emit_settings(data: dict[str, Any], fmt: str) -> None:
    """A settings record: JSON, or one `key: value` line each."""
    if fmt == "json":
        emit_json(data)
        return
    for key, value in data.items():
        print(f"{key}: {value}")


def user_name(args: argparse.Namespace) -> str:
    """Who runs the command: --user, else the system user name."""
    return str(getattr(args, "user", None) or getpass.getuser())


def _numeric(v: str) -> bool:
    try:
        float(v)
    except ValueError:
        return False
    return True


def require(condition: bool, message: str) -> None:
    if not condition:
        raise UserError(message)


def secret_input(ask: bool, env: str, prompt: str) -> str | None:
    """A secret for the keyring: typed at a prompt when asked, else from the environment
    variable `env` (scheduled installs), never from the command line (it would show in the
    process list and the shell history)."""
    if ask:
        return getpass.getpass(prompt) or None
    return os.environ.get(env) or None
