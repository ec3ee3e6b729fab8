"""Column mappings: which header of the user's file feeds which canonical field.

Pre-filled from header names (English and French synonyms: "N° client", "Raison sociale",
"Montant TTC", "Date d'échéance" …), adjusted by the user, saved as named profiles (table
`import_profile`) or read from a JSON file.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import NotFoundError, UserError
from app.models import ImportProfile
from app.services.ledger.records import CANONICAL, EXTRA, ORIGIN, REQUIRED

_CLIENT = ["debtor_ref", "n° client", "no client", "numero client", "code client", "client",
           "compte client", "customer", "customer id", "customer number", "account", "ct_num",
           "compauxnum"]
SYNONYMS: dict[str, dict[str, list[str]]] = {
    "debtors": {
        "ref": ["ref", "n° client", "no client", "numero client", "code client", "client",
                "customer id", "customer number", "account", "ct_num", "compauxnum", "code"],
        "name": ["name", "raison sociale", "nom", "customer name", "client name", "customer",
                 "intitule", "ct_intitule", "compauxlib", "societe", "company"],
        "segment": ["segment", "categorie", "category"],
        "country": ["country", "pays", "code pays"],
        "language": ["language", "langue"],
        "email": ["email", "e-mail", "mail", "courriel", "adresse email"],
        "phone": ["phone", "telephone", "tel", "n° telephone"],
        "credit_limit": ["credit_limit", "credit limit", "encours autorise", "plafond",
                         "limite de credit", "encours maximum"],
        "currency": ["currency", "devise"],
    },
    "invoices": {
        "ref": ["ref", "reference", "id", "invoice id", "identifiant"],
        "debtor_ref": _CLIENT,
        "number": ["number", "n° facture", "no facture", "numero de facture", "numero facture",
                   "facture", "invoice number", "invoice no", "invoice", "piece", "n° piece"],
        "issue_date": ["issue_date", "date facture", "date de facture", "invoice date",
                       "date d'emission", "date emission", "date piece", "date"],
        "due_date": ["due_date", "date d'echeance", "date echeance", "echeance", "due date",
                     "due"],
        "currency": ["currency", "devise"],
        "amount": ["amount", "montant ttc", "total ttc", "montant", "amount incl. tax",
                   "total", "ttc"],
        "kind": ["kind", "type", "nature", "type de piece"],
        "debtor_name": ["debtor_name", "raison sociale", "nom client", "nom du client",
                        "customer name", "client name", "societe", "company", "intitule"],
    },
    "payments": {
        "ref": ["ref", "reference", "id", "payment id", "n° reglement", "numero reglement"],
        "debtor_ref": _CLIENT,
        "date": ["date", "date de reglement", "date reglement", "date paiement",
                 "payment date", "date de paiement"],
        "currency": ["currency", "devise"],
        "amount": ["amount", "montant", "montant regle", "montant ttc", "paid"],
        "invoice_ref": ["invoice_ref", "n° facture", "facture", "invoice", "invoice number",
                        "numero de facture"],
    },
}


def normalise(header: str) -> str:
    text: str = unicodedata.normalize("NFKD", str(header)).encode("ascii", "ignore").decode()
    text = text.lower().replace("º", "°").replace("_", " ").strip()
    text = re.sub(r"\bno\.?\b|\bnum\.?\b|\bn[o°]?\s*\.", "n° ", text) if text.startswith(
        ("no ", "n.", "num ", "no.")) else text
    return re.sub(r"\s+", " ", text)


def _key(header: str) -> str:
    return normalise(header).replace("n° ", "n ").replace("n°", "n ")


@dataclass(frozen=True)
class ColumnMapping:
    """canonical field → header in the file; `kind`: debtors, invoices or payments."""

    kind: str
    columns: dict[str, str] = field(default_factory=dict)

    def missing_required(self) -> list[str]:
        req = [c for c in REQUIRED[self.kind] if c not in self.columns]
        if self.kind == "invoices" and "ref" in req and "number" in self.columns:
            req.remove("ref")
        return req

    def to_json(self) -> str:
        return json.dumps({"kind": self.kind, "columns": self.columns}, ensure_ascii=False,
                          indent=2)


def fields_of(kind: str) -> tuple[str, ...]:
    """The fields a mapping may fill: the canonical columns plus optional extras."""
    return (*CANONICAL[kind], *EXTRA[kind])


def check_kind(kind: str) -> str:
    if kind not in CANONICAL:
        raise UserError(f"Import kind '{kind}' unknown: use debtors, invoices or payments")
    return kind


def suggest_mapping(kind: str, headers: list[str]) -> ColumnMapping:
    """Pre-fill: exact canonical names first, then synonyms in order; a header is used once."""
    check_kind(kind)
    by_key: dict[str, str] = {}
    for h in headers:
        by_key.setdefault(_key(h), h)
    used: set[str] = set()
    out: dict[str, str] = {}
    for field_name in fields_of(kind):
        if field_name in headers:
            out[field_name] = field_name
            used.add(field_name)
    for field_name, words in SYNONYMS[kind].items():
        if field_name in out:
            continue
        for w in words:
            found = by_key.get(_key(w))
            if found is not None and found not in used:
                out[field_name] = found
                used.add(found)
                break
    return ColumnMapping(kind, out)


def apply_mapping(raw: pd.DataFrame, mapping: ColumnMapping) -> pd.DataFrame:
    """The canonical text frame (plus _file, _line) from a raw table and a mapping."""
    missing = mapping.missing_required()
    if missing:
        raise UserError(f"Mapping for {mapping.kind} leaves required field(s) "
                        f"{', '.join(missing)} without a column")
    absent = [h for h in mapping.columns.values() if h not in raw.columns]
    if absent:
        raise UserError(f"Column(s) {', '.join(absent)} named by the mapping are not in the "
                        f"file (it has: {', '.join(str(c) for c in raw.columns[:12])})")
    out = pd.DataFrame({f: raw[h] for f, h in mapping.columns.items()
                        if f in fields_of(mapping.kind)})
    if mapping.kind == "invoices" and "ref" not in out:
        out["ref"] = out["number"]
    for c in ORIGIN:
        out[c] = raw[c]
    return out


def save_profile(session: Session, name: str, mapping: ColumnMapping) -> None:
    """Create or replace a named mapping profile."""
    name = name.strip()
    if not name:
        raise UserError("A mapping profile needs a name")
    row = session.scalar(select(ImportProfile).where(ImportProfile.name == name))
    if row is None:
        row = ImportProfile(name=name, kind=mapping.kind, columns={}, options={})
        session.add(row)
    row.kind = mapping.kind
    row.columns = dict(mapping.columns)
    session.flush()


def load_profile(session: Session, name: str) -> ColumnMapping:
    row = session.scalar(select(ImportProfile).where(ImportProfile.name == name))
    if row is None:
        raise NotFoundError(f"No mapping profile named '{name}'")
    return ColumnMapping(row.kind, dict(row.columns))


def profile_names(session: Session, kind: str | None = None) -> list[str]:
    q = select(ImportProfile.name).order_by(ImportProfile.name)
    if kind:
        q = q.where(ImportProfile.kind == kind)
    return list(session.scalars(q))


def mapping_from_file(path: Path) -> ColumnMapping:
    """A JSON file: {"kind": "invoices", "columns": {"amount": "Montant TTC", …}}."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return ColumnMapping(check_kind(data["kind"]), {str(k): str(v) for k, v in
                                                        data["columns"].items()})
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise UserError(f"Mapping file {path} is not usable: {exc}") from None
