"""`collecta snapshot export FILE` and `collecta snapshot info FILE`: offline review copies."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from app.cli.common import add_db_option, open_db
from app.clock import utcnow
from app.services.snapshot import banner_text, export_snapshot, open_snapshot


def register(sub: Any) -> None:
    p = sub.add_parser("snapshot", help="self-contained read-only SQLite copies for offline review")
    psub = p.add_subparsers(dest="snapshot_command", metavar="ACTION", required=True)
    exp = psub.add_parser("export", help="copy the whole database into a new SQLite file")
    exp.add_argument("file", help="the snapshot file to create (must not exist)")
    add_db_option(exp)
    exp.set_defaults(handler=cmd_export)
    info = psub.add_parser("info", help="say when and from where a snapshot was taken")
    info.add_argument("file")
    info.set_defaults(handler=cmd_info)


def cmd_export(args: argparse.Namespace) -> int:
    db = open_db(args)

    def progress(done: int, total: int, what: str) -> None:
        if sys.stderr.isatty():
            print(f"\r{what} {done}/{total}   ", end="", file=sys.stderr, flush=True)

    summary = export_snapshot(db, Path(args.file), taken_at=utcnow(), progress=progress)
    if sys.stderr.isatty():
        print(file=sys.stderr)
    print(f"Snapshot written to {summary.path}: {summary.rows} rows from {summary.tables} "
          f"tables of {summary.info.source}")
    return 0


def cmd_info(args: argparse.Namespace) -> int:
    db, info = open_snapshot(Path(args.file))
    db.engine.dispose()
    print(banner_text(info))
    return 0
