"""The latest credit-insurer assessment as of a date (DOMAIN.md §7 "external score and limit"):
for every debtor at once (the rules' facts, one query) or for one debtor (its page).

"Latest" = the greatest `assessed_on` ≤ as_of; two insurers assessing a debtor on the same day:
the row imported first wins over none — the one imported last (highest id) is taken."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import String, cast, func, select
from sqlalchemy.orm import Session

from app.models import InsurerAssessment
from app.services.ledger.open_items import cents

_EPOCH = date(1970, 1, 1)
LATEST_COLUMNS = ("insurer", "external_score", "external_limit", "external_limit_currency",
                  "insurer_assessed_on")


@dataclass(frozen=True, slots=True)
class Assessment:
    insurer: str
    score: Decimal | None
    limit_amount: Decimal | None
    limit_currency: str | None
    assessed_on: date
    source_file: str | None


def _order() -> tuple[Any, ...]:
    a = InsurerAssessment
    return (a.assessed_on.desc(), a.id.desc())


def latest_assessment(session: Session, debtor_id: int, as_of: date) -> Assessment | None:
    """The debtor's latest assessment on or before `as_of`, if any."""
    a = InsurerAssessment
    row = session.scalars(select(a).where(a.debtor_id == debtor_id, a.assessed_on <= as_of)
                          .order_by(*_order()).limit(1)).first()
    if row is None:
        return None
    return Assessment(row.insurer, row.score, row.limit_amount, row.limit_currency,
                      row.assessed_on, row.source_file)


def _raw_rows(session: Session, statement: Any) -> list[tuple[Any, ...]]:
    """Plain tuples from the DBAPI cursor: no Row objects, no type processing."""
    conn = session.connection()
    sql = str(statement.compile(conn.engine, compile_kwargs={"literal_binds": True}))
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql)
        rows: list[tuple[Any, ...]] = cursor.fetchall()
    finally:
        cursor.close()
    return rows


def latest_assessments(session: Session, as_of: date) -> pd.DataFrame:
    """Per debtor id with an assessment on or before `as_of`: insurer, external_score (float),
    external_limit (cents, float), external_limit_currency, insurer_assessed_on (date).

    One unordered read of integers and short strings; the latest per debtor is picked with
    numpy (sorting in the database cost several times more on SQLite)."""
    a = InsurerAssessment
    # coalesce(): a scan beats the assessed_on index when most rows qualify (SQLite uses it)
    rows = _raw_rows(session, select(
        a.debtor_id, cast(a.assessed_on, String), a.id, cents(a.score), cents(a.limit_amount),
        a.insurer, a.limit_currency).where(func.coalesce(a.assessed_on, a.assessed_on) <= as_of))
    columns = list(zip(*rows, strict=True)) if rows else [()] * 7
    debtor = np.array(columns[0], dtype=np.int64)
    days = {d: date.fromisoformat(str(d)[:10]) for d in set(columns[1])}  # a few import dates
    number = {d: (day - _EPOCH).days for d, day in days.items()}
    day = np.array([number[d] for d in columns[1]], dtype=np.int64)
    order = np.lexsort((np.array(columns[2], dtype=np.int64), day, debtor))
    last = order[np.r_[debtor[order][1:] != debtor[order][:-1], True]] if rows else order

    def pick(col: int, dtype: Any = object) -> np.ndarray:
        return np.array(columns[col], dtype=dtype)[last]  # None → NaN for floats

    on = {n: days[d] for d, n in number.items()}
    return pd.DataFrame({
        "insurer": pick(5), "external_score": pick(3, np.float64) / 100,
        "external_limit": pick(4, np.float64), "external_limit_currency": pick(6),
        "insurer_assessed_on": np.array([on[n] for n in day[last].tolist()], dtype=object),
    }, index=pd.Index(debtor[last], name="debtor_id"))


__all__ = ["Assessment", "LATEST_COLUMNS", "latest_assessment", "latest_assessments"]
