"""Bulk reads and writes straight on the DBAPI cursor, for the few places that move tens or
hundreds of thousands of rows at once (campaign build, validation dialog, ledger settlement,
demo): SQLAlchemy's Row objects and per-value type processing cost more than the database work.

Reads: values come back as the driver gives them — on SQLite, dates and times as ISO text, JSON
as text, booleans as 0/1 — so callers select integers and strings, or normalise with the helpers
below. Writes: `raw_insert` takes plain tuples the driver accepts as they are — on SQLite ISO
date text and money as a float (cents / 100: the double nearest the decimal amount, what
SQLAlchemy's Numeric stores there), on PostgreSQL date and Decimal."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import psycopg
from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError


def raw_rows(conn: Connection, statement: Any) -> list[tuple[Any, ...]]:
    """`statement` (bound values inlined) run on the raw cursor; a list of plain tuples."""
    sql = str(statement.compile(conn.engine, compile_kwargs={"literal_binds": True}))
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql)
        return list(cursor.fetchall())
    finally:
        cursor.close()


def json_value(value: Any) -> Any:
    """A JSON column's value: SQLite gives its text, psycopg the decoded value."""
    return json.loads(value) if isinstance(value, str) else value


def timestamp(value: Any) -> datetime | None:
    """A DateTime column's value: SQLite gives ISO text, psycopg a datetime."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def raw_insert(conn: Connection, table: str, columns: Sequence[str],
               rows: Iterable[tuple[Any, ...]]) -> None:
    """INSERT every row: one `executemany` on SQLite, `COPY … FROM STDIN` on PostgreSQL. A
    constraint violation is raised as SQLAlchemy's IntegrityError, as a normal insert's is."""
    raw: Any = conn.connection.driver_connection
    cols = ", ".join(f'"{c}"' for c in columns)
    try:
        if conn.dialect.name == "sqlite":
            cur = raw.cursor()
            try:
                cur.executemany(f"INSERT INTO {table} ({cols}) VALUES "
                                f"({', '.join('?' * len(columns))})", rows)
            finally:
                cur.close()
        else:
            with raw.cursor() as cur, cur.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
    except (sqlite3.IntegrityError, psycopg.IntegrityError) as exc:
        raise IntegrityError(f"INSERT INTO {table}", None, exc) from exc
