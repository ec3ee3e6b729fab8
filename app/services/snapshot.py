"""Offline review: a self-contained SQLite copy of a database (SQLite or PostgreSQL), opened
read-only with a "snapshot of DATE" banner.

Every table's rows are copied with SQLAlchemy Core in batches into a fresh SQLite file created
(and migrated) by open_database, so the copy has exactly this program's schema. A row in
`setting` (key 'snapshot') records the source and the time; the finished file is switched out
of WAL mode so it is one file that can be mailed or put on a USB stick.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import delete, insert, select

from app.db import Database, open_database, schema_head
from app.errors import UserError
from app.models import Base, Setting

SNAPSHOT_KEY = "snapshot"
BATCH_ROWS = 5_000
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True, slots=True)
class SnapshotInfo:
    source: str
    taken_at: datetime
    schema: str


@dataclass(frozen=True, slots=True)
class SnapshotSummary:
    path: Path
    tables: int
    rows: int
    info: SnapshotInfo


class SnapshotCancelled(UserError):
    pass


def snapshot_info(db: Database) -> SnapshotInfo | None:
    """The snapshot marker of `db`, or None when it is a live database."""
    with db.sessions() as session:
        value = session.scalar(select(Setting.value).where(Setting.key == SNAPSHOT_KEY))
    if not isinstance(value, dict):
        return None
    return SnapshotInfo(str(value.get("source", "")),
                        datetime.fromisoformat(str(value["taken_at"])),
                        str(value.get("schema", "")))


def _count_rows(db: Database) -> dict[str, int]:
    from sqlalchemy import func

    with db.engine.connect() as conn:
        return {t.name: int(conn.execute(select(func.count()).select_from(t)).scalar_one())
                for t in Base.metadata.sorted_tables}


def export_snapshot(
    db: Database,
    target: Path,
    *,
    taken_at: datetime,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> SnapshotSummary:
    """Copy every table of `db` into a new SQLite file at `target` (which must not exist)."""
    target = target.resolve()
    if target.exists():
        raise UserError(f"{target} already exists; choose a new file name for the snapshot")
    if not target.parent.is_dir():
        raise UserError(f"Folder {target.parent} does not exist")
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    counts = _count_rows(db)
    total, done = sum(counts.values()), 0
    copy = open_database(f"sqlite:///{partial.as_posix()}")
    try:
        with db.engine.connect() as src, copy.engine.connect() as dst:
            dst.exec_driver_sql("PRAGMA foreign_keys=OFF")
            for table in Base.metadata.sorted_tables:
                result = src.execution_options(yield_per=BATCH_ROWS).execute(
                    select(table).order_by(*table.primary_key.columns))
                for batch in result.partitions(BATCH_ROWS):
                    if cancelled is not None and cancelled():
                        raise SnapshotCancelled("Snapshot cancelled; no file was written")
                    dst.execute(insert(table), [dict(r._mapping) for r in batch])
                    done += len(batch)
                    if progress is not None:
                        progress(done, total, f"Copying {table.name}")
            info = SnapshotInfo(db.describe(), taken_at, schema_head())
            dst.execute(delete(Setting).where(Setting.key == SNAPSHOT_KEY))
            dst.execute(insert(Setting), [{
                "key": SNAPSHOT_KEY,
                "value": {"source": info.source, "taken_at": info.taken_at.isoformat(),
                          "schema": info.schema},
            }])
            dst.commit()
    except BaseException:
        copy.engine.dispose()
        for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
            leftover.unlink(missing_ok=True)
        raise
    copy.engine.dispose()
    raw = sqlite3.connect(str(partial))
    try:
        raw.execute("PRAGMA journal_mode=DELETE")
    finally:
        raw.close()
    partial.rename(target)
    return SnapshotSummary(target, len(counts), total, info)


def open_snapshot(path: Path) -> tuple[Database, SnapshotInfo]:
    """Open a snapshot file read-only; refuses a file that is not a Collecta snapshot."""
    db = open_database(f"sqlite:///{path.resolve().as_posix()}", read_only=True)
    info = snapshot_info(db)
    if info is None:
        db.engine.dispose()
        raise UserError(f"{path} is a Collecta database, not a snapshot; open it normally")
    return db, info


def banner_text(info: SnapshotInfo) -> str:
    """The words the app shows above every page while a snapshot is open."""
    stamp = info.taken_at.strftime("%Y-%m-%d %H:%M %Z").strip()
    return f"Snapshot of {stamp} (from {info.source}), read only"
