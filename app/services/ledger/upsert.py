"""Set-based upsert of validated frames: pandas merges on external refs, bulk Core writes.

No per-row ORM: one SELECT of the source's rows, a merge on `external_ref`, one executemany
per kind of write. Returns what changed so the pipeline can settle, log and report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, cast

import numpy as np
import pandas as pd
from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.orm import Session

from app.models import Contact, Debtor, Invoice, Payment
from app.services.ledger.open_items import cents


def table_of(model: Any) -> Table:
    """The Core table of an ORM class, for bulk statements."""
    return cast(Table, model.__table__)


def money(c: int) -> Decimal:
    return Decimal(int(c)).scaleb(-2)


def _none(v: Any) -> Any:
    return None if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA else v


@dataclass
class ItemChanges:
    """Ids per outcome; `changes` lists (id, debtor_id, text) for the activity log."""

    created: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    unchanged: int = 0
    reset: list[int] = field(default_factory=list)  # amount/currency/debtor changed
    changes: list[tuple[int, int, str]] = field(default_factory=list)
    missing: pd.DataFrame | None = None  # existing open rows absent from a snapshot
    ids: dict[str, int] = field(default_factory=dict)


def _existing(session: Session, columns: list[Any], source_col: Any, source: str
              ) -> pd.DataFrame:
    rows = session.execute(select(*columns).where(source_col == source)).all()
    return pd.DataFrame(rows, columns=[c.key if hasattr(c, "key") else c.name for c in columns])


def upsert_debtors(session: Session, source: str, frame: pd.DataFrame) -> ItemChanges:
    out = ItemChanges()
    table = table_of(Debtor)
    fields = [c for c in ("name", "segment", "country", "language") if c in frame]
    if "credit_limit_cents" in frame:
        fields += ["credit_limit_cents", "currency"]
    old = _existing(session, [Debtor.id, Debtor.external_ref.label("ref"), Debtor.name,
                              Debtor.segment, Debtor.country, Debtor.language,
                              cents(Debtor.credit_limit).label("credit_limit_cents"),
                              Debtor.credit_limit_currency.label("currency")],
                    Debtor.source, source)
    merged = frame.merge(old, on="ref", how="left", suffixes=("", "_old"))
    new = merged[merged["id"].isna()]
    if len(new):
        rows = []
        for r in new.to_dict("records"):
            row = {"source": source, "external_ref": r["ref"], "name": r["name"],
                   "segment": _none(r.get("segment")), "country": _none(r.get("country")),
                   "language": _none(r.get("language")) or "en", "tags": [], "version": 1}
            if _none(r.get("credit_limit_cents")) is not None:
                row["credit_limit"] = money(r["credit_limit_cents"])
                row["credit_limit_currency"] = r["currency"]
            rows.append(row)
        for key in ("credit_limit", "credit_limit_currency"):
            for row in rows:
                row.setdefault(key, None)
        session.execute(insert(table), rows)
    ids = dict(session.execute(select(Debtor.external_ref, Debtor.id)
                               .where(Debtor.source == source)).all())
    out.ids = ids
    out.created = [ids[r] for r in new["ref"]]
    contacts = [{"debtor_id": ids[r["ref"]], "name": "Accounts", "email": _none(r.get("email")),
                 "phone": _none(r.get("phone")), "is_primary": True}
                for r in new.to_dict("records")
                if _none(r.get("email")) or _none(r.get("phone"))]
    if contacts:
        session.execute(insert(table_of(Contact)), contacts)
    known = merged[merged["id"].notna()]
    diff = np.zeros(len(known), dtype=bool)
    for f in fields:
        a, b = known[f], known[f + "_old"]
        diff |= ~((a == b) | (a.isna() & b.isna())).to_numpy(dtype=bool)
    changed = known[diff]
    out.unchanged = len(known) - len(changed)
    if len(changed):
        params = []
        for r in changed.to_dict("records"):
            p: dict[str, Any] = {"b_id": int(r["id"])}
            for f in fields:
                if f == "credit_limit_cents":
                    v = _none(r[f])
                    p["credit_limit"] = money(v) if v is not None else None
                elif f == "currency":
                    p["credit_limit_currency"] = r[f] if _none(r.get("credit_limit_cents")) \
                        is not None else None
                else:
                    p[f] = _none(r[f])
            params.append(p)
            out.changes.append((int(r["id"]), int(r["id"]), "debtor details updated from "
                                f"{source}"))
        session.execute(update(table).where(table.c.id == bindparam("b_id"))
                        .values(version=table.c.version + 1), params)
        out.updated = [int(i) for i in changed["id"]]
    return out


ITEM_FIELDS = {"invoices": ("debtor_id", "number", "issue_date", "due_date", "currency",
                            "amount_cents", "kind"),
               "payments": ("debtor_id", "date", "currency", "amount_cents")}


def upsert_items(session: Session, source: str, kind: str, frame: pd.DataFrame,
                 snapshot: bool) -> ItemChanges:
    """Invoices (and credit notes) or payments of one source; `frame` has `debtor_id` set."""
    model = Invoice if kind == "invoices" else Payment
    table = table_of(model)
    fields = ITEM_FIELDS[kind]
    cols: list[Any] = [model.id, model.external_ref.label("ref"), model.debtor_id,
                       model.currency, cents(model.amount).label("amount_cents"),
                       cents(model.open_amount).label("open_cents")]
    if kind == "invoices":
        cols += [Invoice.number, Invoice.issue_date, Invoice.due_date, Invoice.kind]
    else:
        cols += [Payment.date]
    old = _existing(session, cols, model.source, source)
    for c in ("issue_date", "due_date", "date"):
        if c in old:
            old[c] = pd.to_datetime(old[c])
    out = ItemChanges()
    merged = frame.merge(old, on="ref", how="left", suffixes=("", "_old"), indicator=True)
    new = merged[merged["_merge"] == "left_only"]
    if len(new):
        data: dict[str, list[Any]] = {
            "source": [source] * len(new), "external_ref": new["ref"].tolist(),
            "debtor_id": new["debtor_id"].astype("int64").tolist(),
            "currency": new["currency"].tolist()}
        amounts = [money(c) for c in new["amount_cents"].tolist()]
        if kind == "invoices":
            data.update(number=new["number"].tolist(), kind=new["kind"].tolist(),
                        issue_date=new["issue_date"].dt.date.tolist(),
                        due_date=new["due_date"].dt.date.tolist())
        else:
            data.update(date=new["date"].dt.date.tolist())
        data.update(amount=amounts, open_amount=amounts)
        keys = list(data)
        session.execute(insert(table), [dict(zip(keys, vals, strict=True))
                                        for vals in zip(*data.values(), strict=True)])
    if len(new) or snapshot or len(merged) > len(new):
        out.ids = dict(session.execute(select(model.external_ref, model.id)
                                       .where(model.source == source)).all())
    out.created = [out.ids[r] for r in new["ref"]]
    known = merged[merged["_merge"] == "both"]
    diff = np.zeros(len(known), dtype=bool)
    reset = np.zeros(len(known), dtype=bool)
    for f in fields:
        d = ~(known[f] == known[f + "_old"]).to_numpy(dtype=bool)
        diff |= d
        if f in ("amount_cents", "currency", "debtor_id", "kind"):
            reset |= d
    changed = known[diff]
    out.unchanged = len(known) - len(changed)
    if len(changed):
        params = []
        for r, is_reset in zip(changed.to_dict("records"), reset[diff], strict=True):
            p: dict[str, Any] = {"b_id": int(r["id"]), "debtor_id": int(r["debtor_id"]),
                                 "currency": r["currency"], "amount": money(r["amount_cents"])}
            if kind == "invoices":
                p.update(number=r["number"], kind=r["kind"], issue_date=r["issue_date"].date(),
                         due_date=r["due_date"].date())
            else:
                p.update(date=r["date"].date())
            params.append(p)
            out.changes.append((int(r["id"]), int(r["debtor_id"]), _describe(kind, r)))
            if is_reset:
                out.reset.append(int(r["id"]))
        session.execute(update(table).where(table.c.id == bindparam("b_id")), params)
        out.updated = [int(i) for i in changed["id"]]
    if snapshot:
        gone = old[~old["ref"].isin(frame["ref"]) & (old["open_cents"] != 0)]
        out.missing = gone
    return out


def _describe(kind: str, r: dict[str, Any]) -> str:
    label = ("Credit note" if r.get("kind") == "credit_note" else "Invoice") \
        if kind == "invoices" else "Payment"
    parts = []
    if r["amount_cents"] != r["amount_cents_old"]:
        parts.append(f"amount {money(r['amount_cents_old'])} → {money(r['amount_cents'])} "
                     f"{r['currency']}")
    if kind == "invoices" and r["due_date"] != r["due_date_old"]:
        parts.append(f"due date {r['due_date_old'].date()} → {r['due_date'].date()}")
    if r["currency"] != r["currency_old"]:
        parts.append(f"currency {r['currency_old']} → {r['currency']}")
    if not parts:
        parts.append("details updated")
    number = r.get("number") or r["ref"]
    return f"{label} {number}: " + ", ".join(parts)
