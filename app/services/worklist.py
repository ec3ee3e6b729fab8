"""The credit controller's worklist: one row per debtor and currency with balances as of a date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import TOUCH_KINDS, Activity, AppUser, Company, Debtor
from app.services.collection.holds import held_debtor_ids
from app.services.ledger.open_items import allocated_after, debtor_balances_query
from app.services.money import from_cents


@dataclass(frozen=True, slots=True)
class WorklistRow:
    debtor_id: int
    ref: str
    name: str
    segment: str | None
    manager: str | None
    currency: str
    open_balance: Decimal
    overdue_balance: Decimal
    credits: Decimal
    max_dpd: int
    oldest_due: date | None
    last_touch: datetime | None
    hold: str | None = None  # why reminders stop for this debtor (held_debtor_ids), if they do

    @property
    def is_overdue(self) -> bool:
        return self.overdue_balance > 0


@dataclass(frozen=True, slots=True)
class WorklistFilter:
    text: str = ""
    segment: str | None = None
    manager: str | None = None
    overdue_only: bool = False

    def accepts(self, row: WorklistRow) -> bool:
        if self.overdue_only and not row.is_overdue:
            return False
        if self.segment and row.segment != self.segment:
            return False
        if self.manager and row.manager != self.manager:
            return False
        if self.text:
            needle = self.text.casefold()
            return needle in row.name.casefold() or needle in row.ref.casefold()
        return True


def _default_currency(session: Session) -> str:
    cur = session.scalar(select(Company.default_currency).limit(1))
    return cur or "EUR"


def worklist_rows(
    session: Session, as_of: date, *, include_settled: bool = False
) -> list[WorklistRow]:
    """Balances per debtor × currency as of `as_of` (DOMAIN.md §3: later allocations ignored).

    Debtors with nothing open appear (once, in the company currency) only with include_settled.
    Core statements on the session's connection: the rows are plain tuples, no ORM loading.
    """
    conn = session.connection()
    balances = conn.execute(
        debtor_balances_query(as_of, late=allocated_after(session, as_of))).all()
    touches = dict(
        conn.execute(
            select(Activity.debtor_id, func.max(Activity.at))
            .where(Activity.kind.in_(TOUCH_KINDS), Activity.debtor_id.is_not(None),
                   func.date(Activity.at) <= as_of)
            .group_by(Activity.debtor_id)
        ).all()
    )
    holds = held_debtor_ids(session, as_of)
    debtors = {
        r.id: r
        for r in conn.execute(
            select(Debtor.id, Debtor.external_ref, Debtor.name, Debtor.segment,
                   AppUser.name.label("manager"))
            .outerjoin(AppUser, AppUser.id == Debtor.account_manager_id)
        ).all()
    }
    rows: list[WorklistRow] = []
    seen: set[int] = set()
    for debtor_id, currency, open_cents, overdue_cents, credit_cents, oldest_overdue, \
            oldest_due, _count in balances:
        d = debtors[debtor_id]
        seen.add(debtor_id)
        rows.append(
            WorklistRow(
                debtor_id, d.external_ref, d.name, d.segment, d.manager, currency,
                from_cents(open_cents), from_cents(overdue_cents), from_cents(credit_cents),
                (as_of - oldest_overdue).days if oldest_overdue else 0,
                oldest_due, touches.get(debtor_id), holds.get(debtor_id),
            )
        )
    if include_settled:
        currency = _default_currency(session)
        zero = Decimal("0.00")
        for d in debtors.values():
            if d.id not in seen:
                rows.append(
                    WorklistRow(d.id, d.external_ref, d.name, d.segment, d.manager, currency,
                                zero, zero, zero, 0, None, touches.get(d.id), holds.get(d.id))
                )
    rows.sort(key=lambda r: (-r.max_dpd, r.name))
    return rows


def totals_per_currency(rows: list[WorklistRow]) -> dict[str, tuple[Decimal, Decimal]]:
    """(open, overdue) per currency for a footer: never added across currencies."""
    out: dict[str, tuple[Decimal, Decimal]] = {}
    for r in rows:
        o, v = out.get(r.currency, (Decimal("0.00"), Decimal("0.00")))
        out[r.currency] = (o + r.open_balance, v + r.overdue_balance)
    return dict(sorted(out.items()))
