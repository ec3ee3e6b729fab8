"""One line per ledger object: tests read like DOMAIN.md's worked examples."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from app.models import AppUser, Contact, Debtor, Invoice, Payment
from app.services.ledger.allocation import allocate

_seq = itertools.count(1)


def D(value: str | int | float) -> Decimal:  # noqa: N802 - reads like a literal
    return Decimal(str(value)).quantize(Decimal("0.01"))


def user(s: Session, name: str = "Alice Martin", role: str = "controller") -> AppUser:
    u = AppUser(name=name, role=role, email=f"{name.split()[0].lower()}@example.com")
    s.add(u)
    s.flush()
    return u


def debtor(s: Session, ref: str | None = None, name: str | None = None, **kw: object) -> Debtor:
    n = next(_seq)
    d = Debtor(
        source=kw.pop("source", "manual"),
        external_ref=ref or f"C{n:05d}",
        name=name or f"Customer {n}",
        segment=kw.pop("segment", "smb"),
        country=kw.pop("country", "FR"),
        language=kw.pop("language", "fr"),
        tags=kw.pop("tags", []),
        **kw,
    )
    s.add(d)
    s.flush()
    return d


def contact(s: Session, d: Debtor, **kw: object) -> Contact:
    c = Contact(debtor_id=d.id, name=kw.pop("name", "Accounts payable"),
                email=kw.pop("email", "ap@example.com"), is_primary=kw.pop("is_primary", True),
                **kw)
    s.add(c)
    s.flush()
    return c


def invoice(
    s: Session,
    d: Debtor,
    amount: str | int | float,
    due: date,
    issued: date | None = None,
    currency: str = "EUR",
    kind: str = "invoice",
    ref: str | None = None,
) -> Invoice:
    n = next(_seq)
    inv = Invoice(
        source="manual",
        external_ref=ref or f"INV{n:06d}",
        debtor_id=d.id,
        number=ref or f"F{n:06d}",
        issue_date=issued or due,
        due_date=due,
        currency=currency,
        amount=D(amount),
        open_amount=D(amount),
        kind=kind,
    )
    s.add(inv)
    s.flush()
    return inv


def credit_note(s: Session, d: Debtor, amount: str | int | float, issued: date,
                currency: str = "EUR") -> Invoice:
    return invoice(s, d, amount, due=issued, issued=issued, currency=currency, kind="credit_note")


def payment(
    s: Session,
    d: Debtor,
    amount: str | int | float,
    on: date,
    currency: str = "EUR",
    settles: Invoice | None = None,
) -> Payment:
    n = next(_seq)
    p = Payment(
        source="manual",
        external_ref=f"PAY{n:06d}",
        debtor_id=d.id,
        date=on,
        currency=currency,
        amount=D(amount),
        open_amount=D(amount),
    )
    s.add(p)
    s.flush()
    if settles is not None:
        allocate(s, settles, p, min(D(amount), settles.open_amount), on)
        s.flush()
    return p


# --- collection (reminder plans, holds, campaigns) ---


def company(s: Session, name: str = "Atelier Dupuis SAS", **kw: object) -> object:
    from app.models import Company

    c = Company(name=name, default_currency=kw.pop("default_currency", "EUR"),
                default_language=kw.pop("default_language", "fr"),
                iban=kw.pop("iban", "FR7630006000011234567890189"),
                bic=kw.pop("bic", "AGRIFRPP"), phone=kw.pop("phone", "01 23 45 67 89"), **kw)
    s.add(c)
    s.flush()
    return c


def default_plans(s: Session) -> dict[str, int]:
    """Install the shipped plans; returns plan name → id."""
    from sqlalchemy import select

    from app.models import ReminderPlan
    from app.services.collection.plans import ensure_default_plans

    ensure_default_plans(s)
    return dict(s.execute(select(ReminderPlan.name, ReminderPlan.id)).all())
