"""The activity rows an import leaves: one per changed item, one per debtor with closed items
(the debtor timeline and the audit trail), written in bulk."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from app.clock import utcnow
from app.models import Activity, Invoice, Payment
from app.services.ledger.upsert import ItemChanges, table_of


def log_changes(session: Session, source: str, author: str, deb: ItemChanges,
                results: dict[str, ItemChanges]) -> set[int]:
    """One activity per changed item and per debtor with closed items; returns debtors touched."""
    at = utcnow()
    rows: list[dict[str, Any]] = []
    touched = set(deb.created) | set(deb.updated)
    for _id, debtor_id, text in deb.changes:
        rows.append({"debtor_id": debtor_id, "kind": "ledger_updated", "summary": text})
    for kind, ch in results.items():
        for _id, debtor_id, text in ch.changes:
            touched.add(debtor_id)
            rows.append({"debtor_id": debtor_id, "kind": "ledger_updated", "summary": text})
        if ch.created:
            touched |= set(_debtors_of(session, kind, ch.created))
        if ch.missing is not None and len(ch.missing):
            label = "invoice(s)/credit note(s)" if kind == "invoices" else "payment(s)"
            for debtor_id, g in ch.missing.groupby("debtor_id"):
                touched.add(int(debtor_id))
                refs = ", ".join(str(r) for r in g["ref"][:5])
                rows.append({"debtor_id": int(debtor_id), "kind": "ledger_closed",
                             "summary": f"{len(g)} {label} no longer in {source} closed: "
                                        f"{refs}{' …' if len(g) > 5 else ''}"})
    if rows:
        for r in rows:
            r.update(at=at, author=author, detail={"source": source})
        session.execute(insert(table_of(Activity)), rows)
    return touched


def _debtors_of(session: Session, kind: str, ids: list[int]) -> set[int]:
    model = Invoice if kind == "invoices" else Payment
    if len(ids) > 5000:
        return set(session.scalars(select(model.debtor_id).distinct()))
    out: set[int] = set()
    for start in range(0, len(ids), 900):
        out |= set(session.scalars(select(model.debtor_id).distinct()
                                   .where(model.id.in_(ids[start:start + 900]))))
    return out
