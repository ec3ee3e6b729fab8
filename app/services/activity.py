"""Write the one activity row every write use case leaves (timeline + audit trail)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from app.clock import utcnow
from app.models import Activity


def log_activity(
    session: Session,
    *,
    author: str,
    kind: str,
    summary: str,
    debtor_id: int | None = None,
    detail: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> Activity:
    row = Activity(
        at=at or utcnow(),
        author=author,
        debtor_id=debtor_id,
        kind=kind,
        summary=summary,
        detail=detail,
    )
    session.add(row)
    return row
