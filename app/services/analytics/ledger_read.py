"""Reading the ledger tables in bulk into integer columns (ids, day numbers, cents), and the
fingerprint that says whether a copy of those columns is still what the database holds."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from itertools import chain
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import (
    BigInteger,
    Connection,
    Date,
    Engine,
    Integer,
    case,
    cast,
    func,
    literal,
    select,
    union,
    union_all,
)

from app.models import Allocation, AppUser, Debtor, Invoice, LedgerClosure, Payment
from app.services.ledger.open_items import cents

INVOICE, CREDIT_NOTE, PAYMENT = 0, 1, 2
_EPOCH = date(1970, 1, 1)

I64 = npt.NDArray[np.int64]
I32 = npt.NDArray[np.int32]
I8 = npt.NDArray[np.int8]
Obj = npt.NDArray[np.object_]


def day_number(value: date) -> int:
    """Days since 1970-01-01: dates travel through the arrays as int32."""
    return (value - _EPOCH).days


def day_date(number: int) -> date:
    return date.fromordinal(_EPOCH.toordinal() + int(number))


def day_column(col: Any, dialect: str) -> Any:
    """A date column as days since 1970-01-01, computed by the database (no date objects)."""
    if dialect == "sqlite":
        return cast(func.julianday(col) - 2440587.5, Integer)
    return cast(col - cast(literal("1970-01-01"), Date), Integer)


def _currency_code(col: Any, currencies: tuple[str, ...]) -> Any:
    if not currencies:
        return literal(0)
    return case({c: i for i, c in enumerate(currencies)}, value=col, else_=-1)


# Item rows travel packed three integers to a row instead of seven: building the Python ints
# and tuples of 1,000,000+ rows is most of a full read. id and debtor share one int64 (both
# below 2**31), kind, currency and the two day numbers (offset to stay positive) another.
_ID_BITS, _DAY_BITS, _DAY_OFFSET = 32, 24, 1 << 23
_PACK_LIMIT = 1 << 31


def _packed(kind: Any, item_id: Any, debtor: Any, cur: Any, issue: Any, due: Any,
            amount: Any, pack: bool) -> list[Any]:
    if not pack:
        return [kind, item_id, debtor, cur, issue, due, amount]
    big = BigInteger()
    ids = cast(item_id, big) * (1 << _ID_BITS) + debtor
    head = cast(kind, big) * 256 + cur + 1
    days = ((head * (1 << _DAY_BITS) + issue + _DAY_OFFSET) * (1 << _DAY_BITS)
            + due + _DAY_OFFSET)
    return [ids, days, amount]


def _unpack_items(packed: I64) -> I64:
    """The (n, 7) item matrix (kind, id, debtor, cur, issue, due, amount) of packed rows."""
    ids, days = packed[:, 0], packed[:, 1]
    mask = (1 << _DAY_BITS) - 1
    head = days >> (2 * _DAY_BITS)
    return np.column_stack([
        head >> 8, ids >> _ID_BITS, ids & ((1 << _ID_BITS) - 1), (head & 255) - 1,
        ((days >> _DAY_BITS) & mask) - _DAY_OFFSET, (days & mask) - _DAY_OFFSET, packed[:, 2],
    ])


def _can_pack(conn: Connection, currencies: tuple[str, ...]) -> bool:
    top = [conn.execute(select(func.max(col))).scalar() for col in (Invoice.id, Payment.id,
                                                                       Debtor.id)]
    return len(currencies) < 255 and all((v or 0) < _PACK_LIMIT for v in top)


def _item_rows(debtor_ids: Collection[int] | None, currencies: tuple[str, ...],
               dialect: str, pack: bool = False) -> Any:
    kind = case((Invoice.kind == "credit_note", CREDIT_NOTE), else_=INVOICE)
    inv = select(*_packed(kind, Invoice.id, Invoice.debtor_id,
                          _currency_code(Invoice.currency, currencies),
                          day_column(Invoice.issue_date, dialect),
                          day_column(Invoice.due_date, dialect),
                          cents(Invoice.amount), pack))
    pay = select(*_packed(literal(PAYMENT), Payment.id, Payment.debtor_id,
                          _currency_code(Payment.currency, currencies),
                          day_column(Payment.date, dialect), day_column(Payment.date, dialect),
                          cents(Payment.amount), pack))
    if debtor_ids is not None:
        inv = inv.where(Invoice.debtor_id.in_(debtor_ids))
        pay = pay.where(Payment.debtor_id.in_(debtor_ids))
    return union_all(inv, pay)


def _alloc_rows(debtor_ids: Collection[int] | None, dialect: str) -> Any:
    """Allocations with their invoice's debtor. A full read leaves the debtor out (-1): the
    join costs a probe of the invoice table per allocation, and `read_ledger` takes the debtor
    from the invoice rows it has just read."""
    columns = (Allocation.invoice_id, func.coalesce(Allocation.payment_id, -1),
               func.coalesce(Allocation.credit_note_id, -1), day_column(Allocation.date, dialect),
               cents(Allocation.amount))
    if debtor_ids is None:
        return select(*columns, literal(-1))
    return (select(*columns, Invoice.debtor_id)
            .join(Invoice, Invoice.id == Allocation.invoice_id)
            .where(Invoice.debtor_id.in_(debtor_ids)))


def _invoice_debtors(items: I64, invoice_ids: I64) -> I64:
    """The debtor of each invoice id, looked up in the item rows (columns kind, id, debtor);
    -1 for an invoice written between the two reads (the fingerprint then differs from the
    database's, and the next refresh reads everything again)."""
    invoices = items[items[:, 0] != PAYMENT]
    if invoices.size == 0:
        return np.full(invoice_ids.size, -1, dtype=np.int64)
    order = np.argsort(invoices[:, 1], kind="stable")
    ids = invoices[order, 1]
    found = np.minimum(np.searchsorted(ids, invoice_ids), ids.size - 1)
    return np.where(ids[found] == invoice_ids, invoices[order, 2][found], -1)


def _closure_rows(debtor_ids: Collection[int] | None, dialect: str) -> Any:
    debtor = func.coalesce(Invoice.debtor_id, Payment.debtor_id)
    q = (select(func.coalesce(LedgerClosure.invoice_id, -1),
                func.coalesce(LedgerClosure.payment_id, -1),
                day_column(LedgerClosure.date, dialect),
                cents(LedgerClosure.amount), debtor)
         .outerjoin(Invoice, Invoice.id == LedgerClosure.invoice_id)
         .outerjoin(Payment, Payment.id == LedgerClosure.payment_id))
    if debtor_ids is not None:
        q = q.where(debtor.in_(debtor_ids))
    return q


@dataclass(frozen=True)
class RawLedger:
    """Rows as read, keyed by database ids; positions are derived in `_build`."""

    currencies: tuple[str, ...]
    items: dict[str, np.ndarray]
    allocs: dict[str, np.ndarray]
    closures: dict[str, np.ndarray]


def _int_matrix(conn: Connection, statement: Any, ncols: int) -> I64:
    """Run `statement` on the raw DBAPI cursor (integers only: no Row objects, no type
    processing) and return an (n, ncols) int64 matrix."""
    sql = str(statement.compile(conn.engine, compile_kwargs={"literal_binds": True}))
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql)
        rows = cursor.fetchall()
    finally:
        cursor.close()
    flat = np.fromiter(chain.from_iterable(rows), dtype=np.int64, count=len(rows) * ncols)
    return flat.reshape(len(rows), ncols)


def _currencies(conn: Connection) -> tuple[str, ...]:
    found = conn.execute(union(select(Invoice.currency).distinct(),
                               select(Payment.currency).distinct())).scalars().all()
    return tuple(sorted(set(found)))


def read_ledger(engine: Engine, debtor_ids: Collection[int] | None,
          currencies: tuple[str, ...] | None = None) -> RawLedger:
    dialect = engine.dialect.name
    with engine.connect() as conn:
        known = _currencies(conn)
        if currencies is not None and set(known) <= set(currencies):
            known = currencies
        if _can_pack(conn, known):
            items = _unpack_items(_int_matrix(conn, _item_rows(debtor_ids, known, dialect,
                                                               pack=True), 3))
        else:
            items = _int_matrix(conn, _item_rows(debtor_ids, known, dialect), 7)
        allocs = _int_matrix(conn, _alloc_rows(debtor_ids, dialect), 6)
        closures = _int_matrix(conn, _closure_rows(debtor_ids, dialect), 5)
    if debtor_ids is None and allocs.size:
        allocs[:, 5] = _invoice_debtors(items, allocs[:, 0])
    return RawLedger(
        currencies=known,
        items={
            "kind": items[:, 0].astype(np.int8),
            "id": items[:, 1].copy(),
            "debtor": items[:, 2].copy(),
            "cur": items[:, 3].astype(np.int32),
            "issue": items[:, 4].astype(np.int32),
            "due": items[:, 5].astype(np.int32),
            "amount": items[:, 6].copy(),
        },
        allocs={
            "invoice": allocs[:, 0].copy(),
            "payment": allocs[:, 1].copy(),
            "credit": allocs[:, 2].copy(),
            "date": allocs[:, 3].astype(np.int32),
            "amount": allocs[:, 4].copy(),
            "debtor": allocs[:, 5].copy(),
        },
        closures={
            "invoice": closures[:, 0].copy(),
            "payment": closures[:, 1].copy(),
            "date": closures[:, 2].astype(np.int32),
            "amount": closures[:, 3].copy(),
            "debtor": closures[:, 4].copy(),
        },
    )


def read_debtor_rows(engine: Engine) -> list[Any]:
    with engine.connect() as conn:
        return list(conn.execute(
            select(Debtor.id, Debtor.external_ref, Debtor.name, Debtor.segment, AppUser.name)
            .outerjoin(AppUser, AppUser.id == Debtor.account_manager_id)
            .order_by(Debtor.id)
        ).all())


def _sums(*columns: Any) -> Any:
    return [func.count(), *[func.coalesce(func.sum(c), 0) for c in columns]]


def ledger_fingerprint(engine: Engine) -> tuple[int, ...]:
    """Counts and column sums of every ledger row as the arrays hold it (ids, days, cents):
    any insert, delete or change of a figure changes it. `raw_fingerprint` computes the same
    from the arrays, so a merged or cached copy can be checked against the database."""
    d = engine.dialect.name
    neg = -1
    with engine.connect() as conn:
        kind = case((Invoice.kind == "credit_note", CREDIT_NOTE), else_=INVOICE)
        inv = conn.execute(select(*_sums(Invoice.id, Invoice.debtor_id, kind,
                                         day_column(Invoice.issue_date, d),
                                         day_column(Invoice.due_date, d),
                                         cents(Invoice.amount)))).one()
        pay = conn.execute(select(*_sums(Payment.id, Payment.debtor_id, day_column(Payment.date, d),
                                         cents(Payment.amount)))).one()
        alc = conn.execute(select(*_sums(
            Allocation.invoice_id, func.coalesce(Allocation.payment_id, neg),
            func.coalesce(Allocation.credit_note_id, neg), day_column(Allocation.date, d),
            cents(Allocation.amount)))).one()
        clo = conn.execute(select(*_sums(
            func.coalesce(LedgerClosure.invoice_id, neg),
            func.coalesce(LedgerClosure.payment_id, neg), day_column(LedgerClosure.date, d),
            cents(LedgerClosure.amount)))).one()
    return tuple(int(v or 0) for v in (*inv, *pay, *alc, *clo))


def raw_fingerprint(raw: RawLedger) -> tuple[int, ...]:
    it, al, cl = raw.items, raw.allocs, raw.closures
    inv = it["kind"] != PAYMENT

    def part(mask: np.ndarray | None, *columns: np.ndarray) -> list[int]:
        picked = [c if mask is None else c[mask] for c in columns]
        count = int(picked[0].size) if picked else 0
        return [count, *[int(c.astype(np.int64).sum()) for c in picked]]

    return tuple([
        *part(inv, it["id"], it["debtor"], it["kind"], it["issue"], it["due"], it["amount"]),
        *part(~inv, it["id"], it["debtor"], it["issue"], it["amount"]),
        *part(None, al["invoice"], al["payment"], al["credit"], al["date"], al["amount"]),
        *part(None, cl["invoice"], cl["payment"], cl["date"], cl["amount"]),
    ])


def debtors_fingerprint(engine: Engine) -> tuple[int, ...]:
    with engine.connect() as conn:
        row = conn.execute(select(func.count(), func.coalesce(func.sum(Debtor.version), 0),
                                  func.coalesce(func.max(Debtor.id), 0))).one()
    return tuple(int(v) for v in row)
