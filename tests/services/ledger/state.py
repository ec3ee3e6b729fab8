"""A comparable picture of the database, to prove a run changed nothing (or only what it should)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.db import Database
from app.models import Base

LEDGER_TABLES = ("debtor", "contact", "invoice", "payment", "allocation", "ledger_closure")


def table_rows(db: Database, tables: tuple[str, ...] | None = None) -> dict[str, list[Any]]:
    names = tables or tuple(t.name for t in Base.metadata.sorted_tables)
    out: dict[str, list[Any]] = {}
    with db.engine.connect() as conn:
        for t in Base.metadata.sorted_tables:
            if t.name in names:
                out[t.name] = sorted(tuple(str(v) for v in row)
                                     for row in conn.execute(select(t)).all())
    return out


def ledger_rows(db: Database) -> dict[str, list[Any]]:
    return table_rows(db, LEDGER_TABLES)
