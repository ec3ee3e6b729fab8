"""Canonical CSV export (the import's own format): debtors, invoices, payments of a database.

A payment settled against exactly one invoice names it in `invoice_ref`; others leave it
empty and are allocated oldest-first when imported again. Balances survive the round trip.
"""

from __future__ import annotations

import csv
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import Allocation, Contact, Debtor, Invoice, Payment
from app.services.ledger.records import CANONICAL


def _money(v: object) -> str:
    return "" if v is None else f"{v:.2f}"


def export_rows(session: Session, kind: str) -> list[list[str]]:
    if kind == "debtors":
        primary = (select(Contact.debtor_id, func.min(Contact.id).label("cid"))
                   .group_by(Contact.debtor_id).subquery())
        q = (select(Debtor, Contact.email, Contact.phone).outerjoin(primary, primary.c.debtor_id
                                                                    == Debtor.id)
             .outerjoin(Contact, Contact.id == primary.c.cid).order_by(Debtor.id))
        return [[d.external_ref, d.name, d.segment or "", d.country or "", d.language or "",
                 email or "", phone or "", _money(d.credit_limit),
                 d.credit_limit_currency or ""] for d, email, phone in session.execute(q)]
    refs = dict(session.execute(select(Debtor.id, Debtor.external_ref)).all())
    if kind == "invoices":
        return [[i.external_ref, refs[i.debtor_id], i.number, i.issue_date.isoformat(),
                 i.due_date.isoformat(), i.currency, _money(i.amount), i.kind]
                for i in session.scalars(select(Invoice).order_by(Invoice.id))]
    single = dict(session.execute(
        select(Allocation.payment_id, func.min(Invoice.external_ref))
        .join(Invoice, Invoice.id == Allocation.invoice_id)
        .where(Allocation.payment_id.is_not(None)).group_by(Allocation.payment_id)
        .having(func.count(func.distinct(Allocation.invoice_id)) == 1)).all())
    return [[p.external_ref, refs[p.debtor_id], p.date.isoformat(), p.currency,
             _money(p.amount), single.get(p.id, "")]
            for p in session.scalars(select(Payment).order_by(Payment.id))]


def export_csv(session: Session, kind: str, path: Path) -> int:
    """Write the canonical CSV of `kind`; returns the number of rows written."""
    rows = export_rows(session, kind)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(CANONICAL[kind])
        w.writerows(rows)
    return len(rows)
