"""Sage 100 (SQL edition) connector: customers from F_COMPTET, lines from F_ECRITUREC.

Table and column names come from a mapping file the user can adjust
(resources/mappings/sage100.json, DOMAIN.md §8). Customer lines are those on accounts 411…;
EC_Sens 0 = debit (invoice), 1 = credit (payment, or credit note on a sales journal);
EC_Echeance gives the due date; lettered lines (EC_Lettre, EC_Lettrage) settle each other.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import text

from app.config import resources_dir
from app.errors import UserError
from app.services.ledger.connection import identifier, read_only
from app.services.ledger.records import LedgerBatch
from app.services.ledger.validate import apply_terms, check_terms

LINE_FIELDS = ("ref", "journal", "debtor_ref", "account", "date", "due_date", "piece", "label",
               "direction", "amount", "letter", "lettered")


def default_mapping_path() -> Path:
    return resources_dir() / "mappings" / "sage100.json"


def load_mapping(path: Path | None = None) -> dict[str, Any]:
    p = path or default_mapping_path()
    try:
        data: dict[str, Any] = json.loads(p.read_text(encoding="utf-8"))
        data["customers"]["columns"]["ref"]
        data["lines"]["columns"]["amount"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise UserError(f"Sage 100 mapping file {p} is not usable: {exc}") from None
    return data


def _text(values: pd.Series) -> pd.Series:
    def one(v: Any) -> str:
        if v is None or (isinstance(v, float) and np.isnan(v)):
            return ""
        if isinstance(v, datetime):
            return v.date().isoformat()
        if isinstance(v, date):
            return v.isoformat()
        if isinstance(v, float | Decimal):
            return f"{v:.2f}"
        return str(v).strip()
    return values.map(one).astype(object)


def _select(conn: Any, table: str, columns: dict[str, str], where: str = "",
            params: dict[str, Any] | None = None) -> pd.DataFrame:
    t = identifier(table, "Table")
    cols = ", ".join(f"{identifier(c, 'Column')} AS {identifier(k, 'Field')}"
                     for k, c in columns.items())
    rows = conn.execute(text(f"SELECT {cols} FROM {t} {where}"), params or {}).all()
    return pd.DataFrame(rows, columns=list(columns))


def read_sage100(url: str, *, mapping_path: Path | None = None, source_name: str | None = None,
                 terms: str = "net30", currency: str = "EUR") -> LedgerBatch:
    """Read customers and their 411 lines into a full-snapshot batch."""
    check_terms(terms)
    m = load_mapping(mapping_path)
    cust, lin = m["customers"], m["lines"]
    with read_only(url, source_name) as conn:
        type_col = identifier(cust.get("type_column", "CT_Type"), "Column")
        customers = _select(conn, cust["table"], cust["columns"], f"WHERE {type_col} = :t",
                            {"t": cust.get("type_value", 0)})
        lc = {k: v for k, v in lin["columns"].items() if k in LINE_FIELDS}
        acc = identifier(lc["account"], "Column")
        prefixes = lin.get("customer_accounts", ["411"])
        where = " OR ".join(f"{acc} LIKE :p{i}" for i in range(len(prefixes)))
        lines = _select(conn, lin["table"], lc, f"WHERE {where} ORDER BY {acc}",
                        {f"p{i}": f"{p}%" for i, p in enumerate(prefixes)})
    table = lin["table"]
    debtors = pd.DataFrame({k: _text(customers[k]) for k in customers.columns})
    debtors["_file"] = cust["table"]
    debtors["_line"] = np.arange(1, len(debtors) + 1)
    t = pd.DataFrame({k: _text(lines[k]) for k in lines.columns})
    t["_file"] = table
    t["_line"] = np.arange(1, len(t) + 1)
    credit = t["direction"].isin(["1", "1.00"])
    sales = t.get("journal", pd.Series("", index=t.index)).str.upper().isin(
        [j.upper() for j in lin.get("sales_journals", [])])
    issue = pd.to_datetime(t["date"], errors="coerce")
    due = t["due_date"] if "due_date" in t else pd.Series("", index=t.index)
    fallback = apply_terms(issue, terms).dt.strftime("%Y-%m-%d").fillna("")
    due = due.where(due != "", fallback)
    piece = t["piece"] if "piece" in t else t["ref"]
    is_invoice = ~credit | sales
    invoices = pd.DataFrame({"ref": t["ref"], "debtor_ref": t["debtor_ref"],
                             "number": piece.where(piece != "", t["ref"]),
                             "issue_date": t["date"], "due_date": due, "currency": currency,
                             "amount": t["amount"],
                             "kind": np.where(credit, "credit_note", "invoice"),
                             "_file": table, "_line": t["_line"]})[is_invoice]
    payments = pd.DataFrame({"ref": t["ref"], "debtor_ref": t["debtor_ref"], "date": t["date"],
                             "currency": currency, "amount": t["amount"], "invoice_ref": "",
                             "_file": table, "_line": t["_line"]})[~is_invoice]
    letter = t["letter"] if "letter" in t else pd.Series("", index=t.index)
    flag = t["lettered"] if "lettered" in t else pd.Series("1", index=t.index)
    lettered = (letter != "") & flag.isin(["1", "1.00", "True", "true"])
    kinds = np.where(credit, np.where(sales, "credit_note", "payment"), "invoice")
    lettering = pd.DataFrame({"debtor_ref": t["debtor_ref"], "group": letter, "item_kind": kinds,
                              "item_ref": t["ref"], "date": issue,
                              "explicit_date": False})[lettered.to_numpy(dtype=bool)]
    last = issue.max()
    return LedgerBatch(debtors=debtors, invoices=invoices.reset_index(drop=True),
                       payments=payments.reset_index(drop=True),
                       lettering=lettering.reset_index(drop=True), snapshot=True,
                       last_date=None if pd.isna(last) else last.date())
