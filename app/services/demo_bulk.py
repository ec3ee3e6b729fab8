"""Bulk loading inside one transaction: raw `executemany` on SQLite, `COPY` on PostgreSQL.

Large tables bypass the ORM and SQLAlchemy's per-row type handling: rows are plain tuples of
int, float (money to the cent, whose shortest repr is the exact decimal), ISO date strings and
None. Between batches the writer reports progress and checks for cancellation. On SQLite the
secondary indexes of the loaded tables are rebuilt once at the end instead of row by row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import Connection, text

from app.errors import UserError
from app.services.raw_rows import raw_insert

Progress = Callable[[int, int, str], None]
Cancelled = Callable[[], bool]
BATCH_ROWS = 50_000


class DemoCancelled(UserError):
    """Raised when the user cancels; the transaction is rolled back, nothing is written."""


def iso_days(days: NDArray[np.int64]) -> list[str | None]:
    """Day numbers (since 1970-01-01) as 'YYYY-MM-DD'; negative numbers mean NULL."""
    texts = np.datetime_as_string(days.astype("datetime64[D]"), unit="D").tolist()
    if (days >= 0).all():
        return list(texts)
    return [t if d >= 0 else None for t, d in zip(texts, days.tolist(), strict=True)]


def money(cents: NDArray[np.int64]) -> list[float]:
    return (cents / 100).tolist()


@contextmanager
def bulk_load_settings(conn: Connection, tables: Sequence[str]) -> Iterator[None]:
    """On SQLite, for the load only: a larger page cache, and the secondary indexes of `tables`
    dropped then rebuilt once at the end (in the same transaction, so a rollback restores them).
    """
    if conn.dialect.name != "sqlite":
        yield
        return
    before = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    conn.exec_driver_sql("PRAGMA cache_size=-262144")  # 256 MiB
    marks = ", ".join("?" * len(tables))
    indexes = conn.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        f"AND tbl_name IN ({marks}) ORDER BY name", tuple(tables)
    ).all()
    try:
        for name, _sql in indexes:
            conn.exec_driver_sql(f'DROP INDEX "{name}"')
        yield
        for _name, sql in indexes:
            conn.exec_driver_sql(sql)
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size={int(before or -2000)}")


class BulkWriter:
    """Writes batches of tuples into tables on one connection, reporting rows done of `total`."""

    def __init__(self, conn: Connection, total: int, progress: Progress | None,
                 cancelled: Cancelled | None) -> None:
        self.conn = conn
        self.total = total
        self.done = 0
        self._progress = progress
        self._cancelled = cancelled
        self._sqlite = conn.dialect.name == "sqlite"

    def step(self, rows: int, message: str) -> None:
        """Count `rows` as done, tell the caller, and stop here if the user cancelled."""
        self.done += rows
        if self._progress is not None:
            self._progress(min(self.done, self.total), self.total, message)
        if self._cancelled is not None and self._cancelled():
            raise DemoCancelled("Demo generation cancelled; the database was left unchanged")

    def write(self, table: str, columns: Sequence[str], count: int,
              make_rows: Callable[[slice], Iterable[tuple[Any, ...]]], message: str) -> None:
        """Insert `count` rows built slice by slice by `make_rows`."""
        for start in range(0, count, BATCH_ROWS):
            part = slice(start, min(start + BATCH_ROWS, count))
            raw_insert(self.conn, table, columns, make_rows(part))
            self.step(part.stop - part.start, message)

    def reset_sequences(self, tables: Sequence[str]) -> None:
        """After explicit ids on PostgreSQL, move each id sequence past the largest id."""
        if self._sqlite:
            return
        for table in tables:
            self.conn.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {table}), 1), "
                f"(SELECT MAX(id) FROM {table}) IS NOT NULL)"
            ))
