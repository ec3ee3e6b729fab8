"""The ledgers behind DOMAIN.md §3–§4's worked examples, built with tests/factories.py.

Each function states the as_of date and the figures DOMAIN.md gives for it; the service tests,
the CLI tests and the canonical-CSV round all use them.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.orm import Session

from tests import factories as f

AGEING_AS_OF = date(2025, 6, 30)
DSO_AS_OF = date(2025, 12, 31)
COUNTBACK_AS_OF = date(2024, 3, 31)
ADD_AS_OF = date(2024, 4, 30)
CEI_AS_OF = date(2024, 3, 31)
BEHAVIOUR_AS_OF = date(2025, 6, 30)


def ageing_a_to_e(s: Session) -> None:
    """§3, as of 2025-06-30: A current, B 1-30, C 31-60, D 61-90, E 91+."""
    d = f.debtor(s, "AGE1", "Ageing Example SA", segment="smb")
    for ref, amount, due in (("A", 1000, date(2025, 7, 15)), ("B", 2000, date(2025, 6, 10)),
                             ("C", 1500, date(2025, 5, 1)), ("D", 500, date(2025, 4, 15)),
                             ("E", 800, date(2025, 3, 1))):
        f.invoice(s, d, amount, due=due, issued=due - timedelta(days=30), ref=ref)


def dso_simple_year(s: Session) -> None:
    """§4 DSO simple, as of 2025-12-31 over 12 months (365 days): AR 150,000 on sales
    1,800,000 → 30.4."""
    d = f.debtor(s, "DSO1", "Yearly Buyer Ltd", segment="key_accounts")
    for month in range(1, 13):
        issued = date(2025, month, 1)
        inv = f.invoice(s, d, 150_000, due=issued + timedelta(days=30), issued=issued)
        if month < 12:
            f.payment(s, d, 150_000, on=issued + timedelta(days=30), settles=inv)


def countback_quarter(s: Session) -> None:
    """§4 countback, as of 2024-03-31: AR 212,000, sales Jan 70k, Feb 80k, Mar 100k → 74.17."""
    d = f.debtor(s, "CB1", "Countback Industries", segment="smb")
    jan = f.invoice(s, d, 70_000, due=date(2024, 2, 14), issued=date(2024, 1, 15))
    f.invoice(s, d, 80_000, due=date(2024, 3, 16), issued=date(2024, 2, 15))
    f.invoice(s, d, 100_000, due=date(2024, 4, 14), issued=date(2024, 3, 15))
    f.payment(s, d, 38_000, on=date(2024, 2, 20), settles=jan)


def add_month(s: Session) -> None:
    """§4 ADD, as of 2024-04-30 over 1 month (30 days): AR 15,000, current 4,000, sales 10,000
    → DSO 45, BPDSO 12, ADD 33."""
    d = f.debtor(s, "ADD1", "Delinquent Days SARL", segment="smb")
    f.invoice(s, d, 5_000, due=date(2024, 3, 2), issued=date(2024, 2, 1))
    f.invoice(s, d, 6_000, due=date(2024, 4, 15), issued=date(2024, 4, 1))
    f.invoice(s, d, 4_000, due=date(2024, 5, 20), issued=date(2024, 4, 20))


def cei_quarter(s: Session) -> None:
    """§4 CEI, as of 2024-03-31 over 3 months: AR begin 6,200, sales 10,890, AR end 6,340,
    current 3,590 → 79.63 %."""
    d = f.debtor(s, "CEI1", "Collection Effectiveness GmbH", segment="public_sector")
    dec = f.invoice(s, d, 6_200, due=date(2023, 12, 31), issued=date(2023, 12, 1))
    jan = f.invoice(s, d, 7_300, due=date(2024, 2, 15), issued=date(2024, 1, 16))
    f.invoice(s, d, 3_590, due=date(2024, 4, 19), issued=date(2024, 3, 20))
    f.payment(s, d, 6_200, on=date(2024, 1, 20), settles=dec)
    f.payment(s, d, 4_550, on=date(2024, 2, 28), settles=jan)


def behaviour_two_invoices(s: Session) -> int:
    """§4 per debtor: 100 paid in 10 days, 1,000 paid in 20 → weighted 19.09, simple 15.
    The 1,000 is on 10-day terms, so it is 10 days late (weighted late 9.09, simple 5)."""
    d = f.debtor(s, "PAY1", "Steady Payer SA")
    small = f.invoice(s, d, 100, due=date(2025, 1, 31), issued=date(2025, 1, 1))
    big = f.invoice(s, d, 1_000, due=date(2025, 2, 11), issued=date(2025, 2, 1))
    f.payment(s, d, 100, on=date(2025, 1, 11), settles=small)
    f.payment(s, d, 1_000, on=date(2025, 2, 21), settles=big)
    return d.id
