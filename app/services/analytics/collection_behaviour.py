"""Promise-kept rate and dispute days (DOMAIN.md §4), per debtor and for the whole book, over the
12 months ending on as_of.

Promise-kept rate = kept / (kept + broken) for promises found kept or broken in the period.
Dispute days = median of (resolution date − dispute start) for disputes resolved in the period;
a dispute is resolved on the first day its status became resolved, credited or rejected.
Read in two aggregate queries (these tables are small next to the ledger).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models.collection import Dispute, DisputeEvent, Hold, Promise
from app.services.analytics.metrics import period_ending

CLOSED_DISPUTE = ("resolved", "credited", "rejected")
BEHAVIOUR_MONTHS = 12


@dataclass(frozen=True, slots=True)
class CollectionBehaviour:
    debtor_id: int | None  # None: the whole book
    period_start: date
    period_end: date
    promises_kept: int
    promises_broken: int
    promise_kept_rate: float | None  # percent
    disputes_resolved: int
    dispute_days_median: float | None


def _promises(session: Session, first: date, as_of: date) -> pd.DataFrame:
    rows = session.execute(
        select(Hold.debtor_id, Promise.status)
        .select_from(Promise)
        .join(Hold, Hold.id == Promise.hold_id)
        .where(Promise.status.in_(("kept", "broken")), Promise.closed_on >= first,
               Promise.closed_on <= as_of)
    ).all()
    return pd.DataFrame(rows, columns=["debtor_id", "status"])


def _disputes(session: Session, first: date, as_of: date) -> pd.DataFrame:
    resolved_at = func.min(DisputeEvent.at)
    rows = session.execute(
        select(Hold.debtor_id, Hold.start_date, resolved_at)
        .select_from(Dispute)
        .join(Hold, Hold.id == Dispute.hold_id)
        .join(DisputeEvent, DisputeEvent.dispute_id == Dispute.id)
        .where(DisputeEvent.status.in_(CLOSED_DISPUTE))
        .group_by(Dispute.id, Hold.debtor_id, Hold.start_date)
    ).all()
    frame = pd.DataFrame(rows, columns=["debtor_id", "opened", "resolved_at"])
    if frame.empty:
        return frame.assign(days=pd.Series(dtype=float))
    resolved = pd.to_datetime(frame["resolved_at"], utc=True).dt.date
    frame = frame.assign(resolved=resolved)
    frame = frame[(frame["resolved"] >= first) & (frame["resolved"] <= as_of)]
    days = [(r - o).days for r, o in zip(frame["resolved"], frame["opened"], strict=True)]
    return frame.assign(days=days)


def _summary(debtor_id: int | None, first: date, as_of: date, promises: pd.DataFrame,
             disputes: pd.DataFrame) -> CollectionBehaviour:
    kept = int((promises["status"] == "kept").sum())
    broken = int((promises["status"] == "broken").sum())
    rate = kept / (kept + broken) * 100 if kept + broken else None
    median = float(disputes["days"].median()) if len(disputes) else None
    return CollectionBehaviour(debtor_id, first, as_of, kept, broken, rate, len(disputes),
                               median)


def collection_behaviour(session: Session, as_of: date,
                         debtor_id: int | None = None) -> CollectionBehaviour:
    """Promise-kept rate and median dispute days of one debtor (or the book if None)."""
    first = period_ending(as_of, BEHAVIOUR_MONTHS).start
    promises, disputes = _promises(session, first, as_of), _disputes(session, first, as_of)
    if debtor_id is not None:
        promises = promises[promises["debtor_id"] == debtor_id]
        disputes = disputes[disputes["debtor_id"] == debtor_id]
    return _summary(debtor_id, first, as_of, promises, disputes)
