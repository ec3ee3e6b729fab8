"""The configured ledger sources as plain rows: cheap to import (no pandas), so the main
window can show the last sync at start-up without loading the import pipeline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from app.db import Database
from app.models import LedgerSource


@dataclass(frozen=True, slots=True)
class SourceRow:
    name: str
    kind: str
    location: str
    options: dict[str, Any]
    schedule_minutes: int | None
    enabled: bool
    last_sync_at: datetime | None
    last_outcome: str | None
    last_message: str | None


def _row(s: LedgerSource) -> SourceRow:
    return SourceRow(s.name, s.kind, s.location, dict(s.options or {}), s.schedule_minutes,
                     s.enabled, s.last_sync_at, s.last_outcome, s.last_message)


def list_sources(db: Database) -> list[SourceRow]:
    with db.sessions() as s:
        return [_row(r) for r in s.scalars(select(LedgerSource).order_by(LedgerSource.name))]


