"""Bulk reads straight off the DBAPI cursor, for the few read-outs that fetch tens of thousands
of rows at once (campaign build, validation dialog): SQLAlchemy's Row objects and per-value type
processing cost more than the query. Values come back as the driver gives them — on SQLite, dates
and times as ISO text, JSON as text, booleans as 0/1 — so callers select integers and strings, or
normalise with the helpers below."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import Connection


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
