"""A firm's own empty database in a new SQLite file (File → New empty database…): the schema and
the shipped reminder plans, as `collecta init` makes them, and no demo data. The company and
the users are set next in Settings."""

from __future__ import annotations

import contextlib
from pathlib import Path

from app.db import Database, open_database
from app.errors import UserError
from app.services.collection.plans import install_default_plans


def create_empty_database(path: Path) -> Database:
    """Create the database file at `path`; an existing file is refused, never replaced."""
    if path.exists():
        raise UserError(f"{path} already exists: open it with File → Open database…, or choose "
                        "a new file name for a new database")
    db = open_database(f"sqlite:///{path.as_posix()}")
    try:
        install_default_plans(db)
    except Exception:
        db.engine.dispose()  # all or nothing: no half-made file is left behind
        for leftover in (path, path.with_name(path.name + "-wal"),
                         path.with_name(path.name + "-shm")):
            with contextlib.suppress(OSError):
                leftover.unlink(missing_ok=True)
        raise
    return db
