"""Settling imported items: the source's lettering and invoice references first, then (setting)
oldest-first within debtor and currency; then `open_amount` / `settled_on` recomputed.

Lettering (FEC EcritureLet, Sage EC_Lettrage): a group settles all its lines, dated DateLet or
else the group's latest line date. Debits are matched with credits oldest first; what a group
leaves unmatched (it balanced against a line outside the file) is closed with a `lettered`
closure so every lettered line ends settled. Unapplied cash stays open as a credit.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import delete, insert, or_, select, text
from sqlalchemy.orm import Session

from app.models import Allocation, Invoice, LedgerClosure, Payment
from app.services.ledger.open_items import cents
from app.services.ledger.upsert import money, table_of
from app.services.raw_rows import raw_insert

ALLOC_KEY = ["invoice_id", "payment_id", "credit_note_id", "amount_cents", "date"]
CLOSE_KEY = ["invoice_id", "payment_id", "amount_cents", "date"]


def auto_source(source: str) -> str:
    return f"{source}:auto"


def _match(debits: list[list[Any]], credits: list[list[Any]], on: date | None,
           allocs: list[tuple[Any, ...]]) -> None:
    """Greedy oldest-first pairing; entries are [id, kind, remaining_cents, date, currency]."""
    i = j = 0
    while i < len(debits) and j < len(credits):
        d, c = debits[i], credits[j]
        if d[4] != c[4]:
            if d[3] <= c[3]:
                i += 1
            else:
                j += 1
            continue
        amount = min(d[2], c[2])
        if amount > 0:
            when = on or max(d[3], c[3])
            allocs.append((d[0], c[0] if c[1] == "payment" else None,
                           c[0] if c[1] == "credit_note" else None, amount, when))
            d[2] -= amount
            c[2] -= amount
        if d[2] == 0:
            i += 1
        if c[2] == 0:
            j += 1


def _runs(keys: list[Any]) -> list[tuple[int, int]]:
    """[start, end) of each run of equal consecutive keys."""
    runs, start = [], 0
    for i in range(1, len(keys) + 1):
        if i == len(keys) or keys[i] != keys[start]:
            runs.append((start, i))
            start = i
    return runs


def lettering_settlements(lettering: pd.DataFrame, items: pd.DataFrame
                          ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Allocations and closures for lettering groups. `items`: item_kind, item_ref, id,
    amount_cents, currency, date (the line date)."""
    allocs: list[tuple[Any, ...]] = []
    closes: list[tuple[Any, ...]] = []
    frame = lettering.merge(items, on=["item_kind", "item_ref"], how="inner",
                            suffixes=("", "_line"))
    frame = frame[frame["id"].notna()].sort_values(["debtor_ref", "group", "date_line", "id"],
                                                   kind="stable")
    keys = (frame["debtor_ref"].astype(str) + "\x00" + frame["group"].astype(str)).tolist()
    ids = frame["id"].astype("int64").tolist()
    kinds = frame["item_kind"].tolist()
    amounts = frame["amount_cents"].astype("int64").tolist()
    line_dates = frame["date_line"].dt.date.tolist()
    let_dates = frame["date"].dt.date.tolist()
    explicit = frame["explicit_date"].astype(bool).tolist()
    currencies = frame["currency"].tolist()
    for a, b in _runs(keys):
        given = [let_dates[i] for i in range(a, b) if explicit[i]]
        on = max(given) if given else max(line_dates[a:b])
        debits: list[list[Any]] = []
        credits: list[list[Any]] = []
        for i in range(a, b):
            entry = [ids[i], kinds[i], amounts[i], line_dates[i], currencies[i]]
            (debits if kinds[i] == "invoice" else credits).append(entry)
        _match(debits, credits, on, allocs)
        for e in (*debits, *credits):
            if e[2] > 0:
                closes.append((e[0] if e[1] != "payment" else None,
                               e[0] if e[1] == "payment" else None, e[2], on))
    return (pd.DataFrame(allocs, columns=ALLOC_KEY), pd.DataFrame(closes, columns=CLOSE_KEY))


def reference_settlements(payments: pd.DataFrame, invoices: pd.DataFrame) -> pd.DataFrame:
    """Payments naming an invoice settle it, oldest payment first, up to the invoice amount.
    `payments`: id, invoice_id, amount_cents, date, currency; `invoices`: id, amount_cents,
    issue_date, currency."""
    allocs: list[tuple[Any, ...]] = []
    named = payments[payments["invoice_id"].notna()].sort_values(["invoice_id", "date", "id"],
                                                                 kind="stable")
    inv = {int(i): (int(c), d.date(), cur) for i, c, d, cur in zip(
        invoices["id"], invoices["amount_cents"], invoices["issue_date"], invoices["currency"],
        strict=True)}
    keys = named["invoice_id"].astype("int64").tolist()
    ids = named["id"].astype("int64").tolist()
    amounts = named["amount_cents"].astype("int64").tolist()
    dates = named["date"].dt.date.tolist()
    currencies = named["currency"].tolist()
    for a, b in _runs(keys):
        cents_, issued, cur = inv[keys[a]]
        debits = [[keys[a], "invoice", cents_, issued, cur]]
        credits = [[ids[i], "payment", amounts[i], dates[i], currencies[i]] for i in range(a, b)]
        _match(debits, credits, None, allocs)
    return pd.DataFrame(allocs, columns=ALLOC_KEY)


def _existing_allocations(session: Session, source: str) -> pd.DataFrame:
    rows = session.execute(
        select(Allocation.id, Allocation.invoice_id, Allocation.payment_id,
               Allocation.credit_note_id, cents(Allocation.amount).label("amount_cents"),
               Allocation.date).where(Allocation.source == source)).all()
    return pd.DataFrame(rows, columns=["id", *ALLOC_KEY])


def _existing_closures(session: Session, source: str, reason: str) -> pd.DataFrame:
    rows = session.execute(
        select(LedgerClosure.id, LedgerClosure.invoice_id, LedgerClosure.payment_id,
               cents(LedgerClosure.amount).label("amount_cents"), LedgerClosure.date)
        .where(LedgerClosure.source == source, LedgerClosure.reason == reason)).all()
    return pd.DataFrame(rows, columns=["id", *CLOSE_KEY])


def _norm(frame: pd.DataFrame, key: list[str]) -> pd.DataFrame:
    out = frame.copy()
    for c in key:
        if c == "date":
            out[c] = pd.to_datetime(out[c]).dt.date
        else:
            out[c] = out[c].astype("Int64")
    return out


def sync_rows(session: Session, model: Any, existing: pd.DataFrame, desired: pd.DataFrame,
              key: list[str], extra: dict[str, Any]) -> set[tuple[str, int]]:
    """Make the rows of `model` match `desired`; returns the touched items."""
    if existing.empty:  # first import: nothing to compare with
        return _insert_rows(session, model, desired.drop_duplicates(), key, extra)
    merged = _norm(existing, key).merge(_norm(desired, key).drop_duplicates(), on=key,
                                        how="outer", indicator=True)
    gone = merged[merged["_merge"] == "left_only"]
    new = merged[merged["_merge"] == "right_only"]
    if len(gone):
        ids = [int(i) for i in gone["id"]]
        for start in range(0, len(ids), 900):
            session.execute(delete(model).where(model.id.in_(ids[start:start + 900])))
    if len(new):
        _insert_rows(session, model, new[key], key, extra)
    touched: set[tuple[str, int]] = set()
    for part in (gone, new):
        touched |= _items_of(part)
    return touched


def _insert_rows(session: Session, model: Any, rows: pd.DataFrame, key: list[str],
                 extra: dict[str, Any]) -> set[tuple[str, int]]:
    """Insert `rows` (the key columns, amount in cents) plus the `extra` constant columns in one
    raw bulk insert: a first import writes hundreds of thousands of allocations and closures."""
    if rows.empty:
        return set()
    conn = session.connection()
    sqlite = conn.dialect.name == "sqlite"
    cols: dict[str, list[Any]] = {}
    for k in key:
        if k == "amount_cents":
            cents = rows[k].astype("int64")
            cols["amount"] = (cents / 100).tolist() if sqlite else \
                [money(c) for c in cents.tolist()]
        elif k == "date":
            days = pd.to_datetime(rows[k])
            cols[k] = days.dt.strftime("%Y-%m-%d").tolist() if sqlite else days.dt.date.tolist()
        else:
            cols[k] = [None if pd.isna(v) else int(v) for v in rows[k].tolist()]
    for k, v in extra.items():
        cols[k] = [v] * len(rows)
    raw_insert(conn, table_of(model).name, list(cols), zip(*cols.values(), strict=True))
    return _items_of(rows)


def _items_of(frame: pd.DataFrame) -> set[tuple[str, int]]:
    out: set[tuple[str, int]] = set()
    for col, side in (("invoice_id", "I"), ("credit_note_id", "I"), ("payment_id", "P")):
        if col in frame:
            out |= {(side, int(v)) for v in frame[col].dropna()}
    return out


def drop_auto_allocations(session: Session, source: str, items: Iterable[tuple[str, int]]
                          ) -> None:
    if not items or session.scalar(select(Allocation.id).where(
            Allocation.source == auto_source(source)).limit(1)) is None:
        return
    inv = [i for s, i in items if s == "I"]
    pay = [i for s, i in items if s == "P"]
    for start in range(0, max(len(inv), len(pay)), 400):
        a, p = inv[start:start + 400], pay[start:start + 400]
        session.execute(delete(Allocation).where(
            Allocation.source == auto_source(source),
            or_(Allocation.invoice_id.in_(a), Allocation.credit_note_id.in_(a),
                Allocation.payment_id.in_(p))))


_RECOMPUTE = """
WITH used AS (
  SELECT item_id, SUM(c) AS used_cents, MAX(d) AS last_date FROM (
    {allocations}
    UNION ALL
    SELECT {close_col} AS item_id, CAST(ROUND(k.amount * 100) AS BIGINT) AS c, k.date AS d
      FROM ledger_closure k WHERE {close_col} IS NOT NULL
  ) parts GROUP BY item_id
), calc AS (
  SELECT t.id, CAST(ROUND(t.amount * 100) AS BIGINT) - COALESCE(u.used_cents, 0) AS open_cents,
         CASE WHEN CAST(ROUND(t.amount * 100) AS BIGINT) - COALESCE(u.used_cents, 0) = 0
              THEN u.last_date END AS settled
    FROM {table} t LEFT JOIN used u ON u.item_id = t.id
   WHERE t.source = :source
)
UPDATE {table} SET open_amount = calc.open_cents / 100.0, settled_on = calc.settled
  FROM calc
 WHERE {table}.id = calc.id
   AND (CAST(ROUND({table}.open_amount * 100) AS BIGINT) <> calc.open_cents
        OR {table}.settled_on IS DISTINCT FROM calc.settled)
"""
_CENTS = "CAST(ROUND(a.amount * 100) AS BIGINT)"
_ALLOCATIONS = {
    "invoice": f"SELECT a.invoice_id AS item_id, {_CENTS} AS c, a.date AS d FROM allocation a "
               f"UNION ALL SELECT a.credit_note_id, {_CENTS}, a.date FROM allocation a "
               "WHERE a.credit_note_id IS NOT NULL",
    "payment": f"SELECT a.payment_id AS item_id, {_CENTS} AS c, a.date AS d FROM allocation a "
               "WHERE a.payment_id IS NOT NULL",
}


def recompute_open(session: Session, source: str) -> int:
    """open = amount − allocations − closures; settled_on = latest of them once open is 0.

    One set-based UPDATE … FROM per table; only rows whose figures differ are written."""
    changed = 0
    for table in ("invoice", "payment"):
        sql = _RECOMPUTE.format(table=table, close_col=f"k.{table}_id",
                                allocations=_ALLOCATIONS[table])
        result = session.execute(text(sql), {"source": source})
        changed += int(getattr(result, "rowcount", 0) or 0)
    return changed


def auto_allocate(session: Session, source: str) -> int:
    """Oldest-first: each debtor's open credits settle its oldest open invoices (by due date)
    in the same currency. Returns the number of allocations written."""
    inv = session.execute(
        select(Invoice.id, Invoice.debtor_id, Invoice.currency, cents(Invoice.open_amount),
               Invoice.due_date, Invoice.issue_date, Invoice.kind)
        .where(Invoice.source == source, Invoice.settled_on.is_(None))).all()
    pay = session.execute(
        select(Payment.id, Payment.debtor_id, Payment.currency, cents(Payment.open_amount),
               Payment.date).where(Payment.source == source, Payment.settled_on.is_(None))).all()
    debits: dict[tuple[int, str], list[list[Any]]] = {}
    credits: dict[tuple[int, str], list[list[Any]]] = {}
    for r in inv:
        if r[3] <= 0:
            continue
        if r[6] == "invoice":
            debits.setdefault((r[1], r[2]), []).append([r[0], "invoice", r[3], r[5], r[2], r[4]])
        else:
            credits.setdefault((r[1], r[2]), []).append([r[0], "credit_note", r[3], r[5], r[2]])
    for p in pay:
        if p[3] > 0:
            credits.setdefault((p[1], p[2]), []).append([p[0], "payment", p[3], p[4], p[2]])
    allocs: list[tuple[Any, ...]] = []
    for key, cs in credits.items():
        ds = debits.get(key)
        if not ds:
            continue
        ds.sort(key=lambda e: (e[5], e[3], e[0]))
        cs.sort(key=lambda e: (e[3], e[0]))
        _match(ds, cs, None, allocs)
    if allocs:
        session.execute(insert(table_of(Allocation)), [
            {"invoice_id": a[0], "payment_id": a[1], "credit_note_id": a[2],
             "amount": money(a[3]), "date": a[4], "source": auto_source(source)}
            for a in allocs])
    return len(allocs)


def existing_explicit(session: Session, source: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    return _existing_allocations(session, source), _existing_closures(session, source,
                                                                      "lettered")
