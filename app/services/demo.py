"""`collecta init --demo`: a deterministic, believable European SME receivables book.

About 50 invoices per debtor over the 24 months ending at `as_of`, in three segments (key accounts,
SMB, public sector), with payment behaviours from prompt payers to chronic late payers, partial
payments, credit notes, a little unapplied cash, a few debtors in GBP and USD, contacts and past
touches. The same seed and as_of always give the same ledger. Everything is written in one
transaction with bulk inserts (demo_bulk.py), so a failure or a cancel leaves the database as it
was.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from sqlalchemy import Connection, insert, select

from app.clock import utcnow
from app.db import Database
from app.errors import ReadOnlyError, UserError
from app.models import Activity, AppUser, Company, Contact, Debtor
from app.services.demo_bulk import BulkWriter, DemoCancelled, bulk_load_settings, iso_days, money
from app.services.demo_ledger import (
    CURRENCIES,
    PAYMENT_METHODS,
    DemoLedger,
    DemoProfiles,
    debtor_profiles,
    generate_ledger,
)
from app.services.demo_parties import (
    USERS,
    company_row,
    party_rows,
    touch_rows,
    user_rows,
)

__all__ = ["DemoCancelled", "DemoSummary", "generate_demo"]

MAX_DEBTORS = 200_000
INVOICE_COLUMNS = ("id", "source", "external_ref", "debtor_id", "number", "issue_date",
                   "due_date", "currency", "amount", "kind", "open_amount", "settled_on")
PAYMENT_COLUMNS = ("id", "source", "external_ref", "debtor_id", "date", "currency", "amount",
                   "method", "reference", "open_amount", "settled_on")
METHODS = np.array(PAYMENT_METHODS, dtype=object)
ALLOCATION_COLUMNS = ("id", "invoice_id", "payment_id", "credit_note_id", "amount", "date",
                      "source")


@dataclass(frozen=True)
class DemoSummary:
    debtors: int
    invoices: int
    credit_notes: int
    payments: int
    allocations: int
    as_of: date


def generate_demo(
    db: Database,
    *,
    debtors: int = 300,
    seed: int = 7,
    as_of: date,
    progress: Callable[[int, int, str], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> DemoSummary:
    """Fill an empty database with a demo ledger as of `as_of`; all or nothing."""
    if db.read_only:
        raise ReadOnlyError("The demo ledger cannot be written into a read-only snapshot")
    if not 1 <= debtors <= MAX_DEBTORS:
        raise UserError(f"The demo needs between 1 and {MAX_DEBTORS} debtors, got {debtors}")
    if seed < 0:
        raise UserError(f"The demo seed must be 0 or more, got {seed}")
    if progress is not None:
        progress(0, 1, "Generating the demo ledger")
    with db.engine.begin() as conn:
        _begin_immediately(conn)
        if conn.execute(select(Debtor.id).limit(1)).first() is not None:
            raise UserError(
                f"Database {db.describe()} already has a ledger; use an empty database"
            )
        rng = np.random.default_rng(seed)
        profiles, rate = debtor_profiles(rng, debtors)
        ledger = generate_ledger(rng, profiles, rate, as_of)
        with bulk_load_settings(conn, ("invoice", "payment", "allocation")):
            return _write(conn, seed, as_of, profiles, ledger, progress, cancelled)


def _begin_immediately(conn: Connection) -> None:
    """On SQLite, open the transaction now and take the write lock: pysqlite would only begin at
    the first INSERT, leaving the emptiness check and the index drops outside the transaction."""
    raw: Any = conn.connection.driver_connection
    if conn.dialect.name == "sqlite" and not raw.in_transaction:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def _ensure_users(conn: Connection) -> dict[str, int]:
    """The demo team, reusing users that already exist under the same name."""
    existing = {r.name: r.id for r in conn.execute(select(AppUser.name, AppUser.id))}
    missing = [u for u in user_rows() if u["name"] not in existing]
    if missing:
        conn.execute(insert(AppUser), missing)
    return {r.name: r.id for r in conn.execute(select(AppUser.name, AppUser.id))}


def _write(conn: Connection, seed: int, as_of: date, profiles: DemoProfiles, ledger: DemoLedger,
           progress: Callable[[int, int, str], None] | None,
           cancelled: Callable[[], bool] | None) -> DemoSummary:
    user_ids = _ensure_users(conn)
    if conn.execute(select(Company.id).limit(1)).first() is None:
        conn.execute(insert(Company), [company_row()])
    managers = [user_ids[name] for name, role in USERS if role == "controller"]
    debtor_rows, contact_rows = party_rows(seed, profiles, managers, as_of)
    names = {uid: name for name, uid in user_ids.items()}
    touches = touch_rows(seed, debtor_rows, contact_rows, names, as_of)
    n_inv, n_pay, n_alloc = len(ledger.inv_debtor), len(ledger.pay_day), len(ledger.alloc_day)
    total = len(debtor_rows) + len(contact_rows) + n_inv + n_pay + n_alloc + len(touches)
    w = BulkWriter(conn, total, progress, cancelled)
    w.step(0, "Writing debtors")

    conn.execute(insert(Debtor), debtor_rows)
    w.step(len(debtor_rows), "Writing contacts")
    conn.execute(insert(Contact), contact_rows)
    w.step(len(contact_rows), "Writing invoices")

    currency_of = np.array(CURRENCIES, dtype=object)[profiles.currency]
    w.write("invoice", INVOICE_COLUMNS, n_inv, lambda s: _invoice_rows(ledger, currency_of, s),
            "Writing invoices")
    w.write("payment", PAYMENT_COLUMNS, n_pay, lambda s: _payment_rows(ledger, currency_of, s),
            "Writing payments")
    w.write("allocation", ALLOCATION_COLUMNS, n_alloc, lambda s: _allocation_rows(ledger, s),
            "Writing allocations")
    if touches:
        conn.execute(insert(Activity), touches)
    w.reset_sequences(["debtor", "invoice", "payment", "allocation"])
    summary = DemoSummary(
        debtors=len(debtor_rows), invoices=ledger.invoice_count,
        credit_notes=ledger.credit_note_count, payments=n_pay, allocations=n_alloc, as_of=as_of,
    )
    conn.execute(insert(Activity), [{
        "at": utcnow(), "author": "Collecta", "debtor_id": None, "kind": "demo_generated",
        "summary": (f"Demo ledger generated as of {as_of.isoformat()}: {summary.debtors} debtors, "
                    f"{summary.invoices} invoices, {summary.payments} payments (seed {seed})"),
        "detail": {"seed": seed, "debtors": summary.debtors, "as_of": as_of.isoformat()},
    }])
    w.step(len(touches), "Indexing the demo ledger")
    return summary


def _invoice_rows(L: DemoLedger, currency_of: Any, s: slice) -> list[tuple[Any, ...]]:  # noqa: N803
    ids = range(s.start + 1, s.stop + 1)
    numbers = L.inv_number[s]
    kinds = np.where(L.inv_kind[s], "credit_note", "invoice").tolist()
    return list(zip(
        ids, ["demo"] * len(ids), numbers, (L.inv_debtor[s] + 1).tolist(), numbers,
        iso_days(L.inv_issue[s]), iso_days(L.inv_due[s]), currency_of[L.inv_debtor[s]].tolist(),
        money(L.inv_amount[s]), kinds, money(L.inv_open[s]), iso_days(L.inv_settled[s]),
        strict=True,
    ))


def _payment_rows(L: DemoLedger, currency_of: Any, s: slice) -> list[tuple[Any, ...]]:  # noqa: N803
    ids = range(s.start + 1, s.stop + 1)
    numbers = L.pay_number[s]
    return list(zip(
        ids, ["demo"] * len(ids), numbers, (L.pay_debtor[s] + 1).tolist(), iso_days(L.pay_day[s]),
        currency_of[L.pay_debtor[s]].tolist(), money(L.pay_amount[s]),
        METHODS[L.pay_method[s]].tolist(), [None] * len(ids), money(L.pay_open[s]),
        iso_days(L.pay_settled[s]),
        strict=True,
    ))


def _allocation_rows(L: DemoLedger, s: slice) -> list[tuple[Any, ...]]:  # noqa: N803
    ids = range(s.start + 1, s.stop + 1)
    payment = L.alloc_payment[s]
    credit = L.alloc_credit[s]
    return list(zip(
        ids, L.alloc_invoice[s].tolist(),
        [int(p) if p else None for p in payment.tolist()],
        [int(c) if c else None for c in credit.tolist()],
        money(L.alloc_amount[s]), iso_days(L.alloc_day[s]), ["demo"] * len(ids),
        strict=True,
    ))
