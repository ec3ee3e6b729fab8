"""Validate a batch of text rows into typed canonical frames, refusing bad rows with a reason.

Every refused row becomes a Rejection naming its file, line, column, value and reason; the
rest continues. Amounts become integer cents, dates `datetime64`, currencies upper-case ISO.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from app.errors import UserError
from app.services.ledger.parsing import bad_currencies, clean_text, parse_cents, parse_dates
from app.services.ledger.records import REQUIRED, Rejection

_TERMS = re.compile(r"^(net|eom)(\d{1,3})$")
KIND_WORDS = {"": "invoice", "invoice": "invoice", "facture": "invoice", "inv": "invoice",
              "credit_note": "credit_note", "credit note": "credit_note", "avoir": "credit_note",
              "credit": "credit_note", "cn": "credit_note"}


@dataclass(frozen=True)
class ValidationOptions:
    default_currency: str = "EUR"
    terms: str = "net30"


def check_terms(terms: str) -> str:
    """`net30` = issue date + 30 days; `eom30` = end of the month of issue date + 30 days."""
    t = terms.strip().lower()
    if t == "immediate":
        return "net0"
    if not _TERMS.match(t):
        raise UserError(f"Payment terms '{terms}' not understood: use net30, eom30, net45 …")
    return t


def apply_terms(issue: pd.Series, terms: str) -> pd.Series:
    m = _TERMS.match(check_terms(terms))
    assert m is not None
    days = pd.to_timedelta(int(m.group(2)), unit="D")
    due = issue + days
    if m.group(1) == "eom":
        due = due + pd.offsets.MonthEnd(0)
    return due


class _Checker:
    def __init__(self, frame: pd.DataFrame, kind: str) -> None:
        self.frame = frame
        self.kind = kind
        self.bad = np.zeros(len(frame), dtype=bool)
        self.rejections: list[Rejection] = []
        self._texts: dict[str, pd.Series] = {}

    def refuse(self, mask: np.ndarray, column: str, reason: str) -> None:
        new = mask & ~self.bad
        if not new.any():
            return
        rows = self.frame.loc[new]
        values = (clean_text(rows[column]) if column in rows else pd.Series("", index=rows.index))
        for file, line, value in zip(rows["_file"], rows["_line"], values, strict=True):
            self.rejections.append(Rejection(str(file), int(line), column, str(value)[:80],
                                             reason))
        self.bad |= new

    def text(self, column: str) -> pd.Series:
        if column not in self._texts:
            self._texts[column] = (clean_text(self.frame[column]) if column in self.frame else
                                   pd.Series("", index=self.frame.index, dtype=object))
        return self._texts[column]

    def required(self) -> None:
        for col in REQUIRED[self.kind]:
            self.refuse((self.text(col) == "").to_numpy(dtype=bool), col, "required value missing")

    def amount(self, column: str, allow_negative: bool) -> np.ndarray:
        cents, bad = parse_cents(self.text(column))
        self.refuse(bad, column, "not an amount (use 1234.56 or 1234,56)")
        if not allow_negative:
            self.refuse(cents < 0, column, "amount must not be negative")
        return cents

    def date(self, column: str) -> pd.Series:
        dates, bad = parse_dates(self.text(column))
        self.refuse(bad, column, "not a date (use YYYY-MM-DD, YYYYMMDD or DD/MM/YYYY)")
        return dates

    def currency(self, default: str) -> pd.Series:
        cur = self.text("currency").str.upper().replace("", default)
        self.refuse(bad_currencies(cur), "currency", "unknown currency (ISO 4217 code expected)")
        return cur

    def unique_refs(self) -> None:
        refs = self.text("ref")
        dup = refs.duplicated(keep="first") & (refs != "")
        if dup.any():
            first_line = dict(zip(refs[~dup], self.frame["_line"][~dup], strict=True))
            mask = dup.to_numpy(dtype=bool) & ~self.bad
            for idx in np.flatnonzero(mask):
                row = self.frame.iloc[idx]
                ref = refs.iloc[idx]
                self.rejections.append(Rejection(
                    str(row["_file"]), int(row["_line"]), "ref", ref,
                    f"duplicate ref (first on line {first_line.get(ref, '?')})"))
            self.bad |= mask
        long = (refs.str.len() > 80).to_numpy(dtype=bool)
        self.refuse(long, "ref", "reference longer than 80 characters")

    def result(self, typed: pd.DataFrame) -> tuple[pd.DataFrame, list[Rejection]]:
        typed["_file"] = self.frame["_file"].to_numpy()
        typed["_line"] = self.frame["_line"].to_numpy()
        return typed.loc[~self.bad].reset_index(drop=True), self.rejections


def validate_debtors(frame: pd.DataFrame, opts: ValidationOptions
                     ) -> tuple[pd.DataFrame, list[Rejection]]:
    c = _Checker(frame, "debtors")
    c.required()
    c.unique_refs()
    out = pd.DataFrame({"ref": c.text("ref"), "name": c.text("name").str.slice(0, 200)},
                       index=frame.index)
    for col in ("segment", "language", "email", "phone"):
        if col in frame:
            out[col] = c.text(col).replace("", None)
    if "country" in frame:
        country = c.text("country").str.upper()
        c.refuse((country != "").to_numpy(dtype=bool) & ~country.str.fullmatch("[A-Z]{2}")
                 .to_numpy(dtype=bool), "country", "country must be a 2-letter ISO code")
        out["country"] = country.replace("", None)
    if "credit_limit" in frame:
        has = (c.text("credit_limit") != "").to_numpy(dtype=bool)
        cents, bad = parse_cents(c.text("credit_limit"))
        c.refuse(bad & has, "credit_limit", "not an amount (use 1234.56 or 1234,56)")
        out["credit_limit_cents"] = pd.array(np.where(has, cents, 0), dtype="Int64")
        out.loc[~has, "credit_limit_cents"] = pd.NA
        out["currency"] = c.currency(opts.default_currency)
    return c.result(out)


def validate_invoices(frame: pd.DataFrame, opts: ValidationOptions
                      ) -> tuple[pd.DataFrame, list[Rejection]]:
    c = _Checker(frame, "invoices")
    c.required()
    c.unique_refs()
    kind_text = c.text("kind").str.lower()
    kind = kind_text.map(KIND_WORDS)
    c.refuse(kind.isna().to_numpy(dtype=bool), "kind", "kind must be invoice or credit_note")
    cents = c.amount("amount", allow_negative=True)
    issue = c.date("issue_date")
    due_text = c.text("due_date")
    has_due = (due_text != "").to_numpy(dtype=bool)
    due_parsed, due_bad = parse_dates(due_text)
    c.refuse(due_bad & has_due, "due_date", "not a date (use YYYY-MM-DD, YYYYMMDD or DD/MM/YYYY)")
    due = due_parsed.where(has_due, apply_terms(issue, opts.terms))
    kind = kind.fillna("invoice").where(cents >= 0, "credit_note")
    number = c.text("number")
    out = pd.DataFrame({
        "ref": c.text("ref"), "debtor_ref": c.text("debtor_ref"),
        "number": number.where(number != "", c.text("ref")).str.slice(0, 40),
        "issue_date": issue, "due_date": due, "currency": c.currency(opts.default_currency),
        "amount_cents": np.abs(cents), "kind": kind,
    }, index=frame.index)
    if "debtor_name" in frame:
        out["debtor_name"] = c.text("debtor_name").str.slice(0, 200)
    return c.result(out)


def validate_payments(frame: pd.DataFrame, opts: ValidationOptions
                      ) -> tuple[pd.DataFrame, list[Rejection]]:
    c = _Checker(frame, "payments")
    c.required()
    c.unique_refs()
    cents = c.amount("amount", allow_negative=False)
    when = c.date("date")
    out = pd.DataFrame({
        "ref": c.text("ref"), "debtor_ref": c.text("debtor_ref"), "date": when,
        "currency": c.currency(opts.default_currency), "amount_cents": cents,
        "invoice_ref": c.text("invoice_ref").replace("", None),
    }, index=frame.index)
    return c.result(out)


VALIDATORS = {"debtors": validate_debtors, "invoices": validate_invoices,
              "payments": validate_payments}
