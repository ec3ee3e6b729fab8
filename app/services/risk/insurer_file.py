"""Reading a credit insurer's file (CSV or Excel): one line per debtor × assessment date with the
insurer, its score and its authorised limit. Every cell is checked before anything is written;
problems name the file, the line, the column and the value (ARCHITECTURE.md, Reliability).

Columns are found by name (English and French synonyms); `debtor ref` is the debtor's external
reference (or SOURCE:REF when a reference exists in several ledger sources).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd

from app.errors import UserError
from app.services.ledger.csv_excel import read_table
from app.services.ledger.mapping import normalise
from app.services.ledger.parsing import clean_text, iso_currencies, parse_cents, parse_dates

MAX_PROBLEMS_SHOWN = 10
COLUMNS: dict[str, tuple[str, ...]] = {
    "debtor_ref": ("debtor ref", "debtor", "ref", "reference", "customer", "customer number",
                   "customer id", "account", "external ref", "n° client", "no client",
                   "code client", "client", "numero client"),
    "insurer": ("insurer", "assureur", "credit insurer", "assureur credit"),
    "score": ("score", "grade", "rating", "note", "dra"),
    "limit": ("limit", "credit limit", "limit amount", "insured limit", "agreement",
              "limite", "garantie", "montant garanti", "encours garanti", "plafond"),
    "currency": ("currency", "devise", "limit currency"),
    "assessed_on": ("date", "assessed on", "assessment date", "decision date", "as of",
                    "date de decision", "date decision"),
}
LABELS = {"debtor_ref": "debtor ref", "insurer": "insurer", "score": "score", "limit": "limit",
          "currency": "currency", "assessed_on": "date"}
REQUIRED = ("debtor_ref", "assessed_on")
MAX_SCORE = Decimal("999999.99")  # Numeric(8, 2)


@dataclass(frozen=True, slots=True)
class LineProblem:
    file: str
    line: int
    column: str
    value: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file} line {self.line}" + (f", column '{self.column}'" if self.column
                                                    else "")
        shown = f" '{self.value}'" if self.value else ""
        return f"{where}:{shown} {self.message}"


class InsurerFileError(UserError):
    """A file with bad lines: nothing was imported; `problems` lists every line at fault."""

    def __init__(self, file: str, problems: list[LineProblem]) -> None:
        self.problems = problems
        shown = "; ".join(map(str, problems[:MAX_PROBLEMS_SHOWN]))
        more = len(problems) - MAX_PROBLEMS_SHOWN
        tail = f" (and {more} more)" if more > 0 else ""
        super().__init__(f"{file} was not imported: {shown}{tail}")


@dataclass(frozen=True, slots=True)
class InsurerLine:
    line: int
    debtor_ref: str
    insurer: str
    score: Decimal | None
    limit_amount: Decimal | None
    limit_currency: str | None
    assessed_on: date


@dataclass(frozen=True)
class InsurerFile:
    name: str
    columns: dict[str, str]  # field → the file's header
    lines: list[InsurerLine]

    def column(self, field: str) -> str:
        return self.columns.get(field, LABELS[field])


def _find_columns(headers: list[str], name: str) -> dict[str, str]:
    by_key = {normalise(h): h for h in headers}
    found: dict[str, str] = {}
    for field, names in COLUMNS.items():
        for n in (field.replace("_", " "), *names):
            if normalise(n) in by_key and by_key[normalise(n)] not in found.values():
                found[field] = by_key[normalise(n)]
                break
    missing = [LABELS[f] for f in REQUIRED if f not in found]
    if "score" not in found and "limit" not in found:
        missing.append("score or limit")
    if missing:
        raise InsurerFileError(name, [LineProblem(
            name, 1, "", "", f"no column for {', '.join(missing)} (columns found: "
            f"{', '.join(headers)}; expected e.g. debtor ref, insurer, score, limit, currency, "
            "date)")])
    return found


def read_insurer_file(path: Path, insurer: str | None = None, *,
                      raw: bytes | None = None) -> InsurerFile:
    """Every line of the file, checked; InsurerFileError (naming each bad line) otherwise.
    `insurer` names the insurer of the lines whose insurer cell is empty or absent."""
    name = path.name
    table = read_table(path, raw=raw)
    problems = [LineProblem(name, r.line, r.column, r.value, r.reason)
                for r in table.rejections]
    cols = _find_columns(table.headers, name)
    frame = table.frame
    lines = frame["_line"].to_numpy(dtype=np.int64)
    n = len(frame)

    def text(field: str) -> pd.Series:
        return clean_text(frame[cols[field]]) if field in cols else pd.Series([""] * n,
                                                                            dtype=object)

    def bad(field: str, mask: np.ndarray, values: pd.Series, message: str) -> None:
        for i in np.flatnonzero(mask):
            problems.append(LineProblem(name, int(lines[i]), cols.get(field, LABELS[field]),
                                        str(values.iloc[i]), message))

    refs = text("debtor_ref")
    bad("debtor_ref", (refs == "").to_numpy(dtype=bool), refs, "the debtor reference is empty")
    insurers = text("insurer")
    default = (insurer or "").strip()
    insurers = insurers.where(insurers != "", default)
    bad("insurer", (insurers == "").to_numpy(dtype=bool), insurers,
        "no insurer named (add an insurer column or give the insurer's name)")
    bad("insurer", (insurers.str.len() > 80).to_numpy(dtype=bool), insurers,
        "an insurer name is at most 80 characters")
    scores_text, limits_text = text("score"), text("limit")
    has_score = (scores_text != "").to_numpy(dtype=bool)
    has_limit = (limits_text != "").to_numpy(dtype=bool)
    score_cents, score_bad = parse_cents(scores_text.where(has_score, "0"))
    bad("score", has_score & score_bad, scores_text, "is not a number")
    bad("score", has_score & ~score_bad & ((score_cents < 0) | (score_cents > 99_999_999)),
        scores_text, "a score is a number from 0 to 999,999.99")
    limit_cents, limit_bad = parse_cents(limits_text.where(has_limit, "0"))
    bad("limit", has_limit & limit_bad, limits_text, "is not an amount")
    bad("limit", has_limit & ~limit_bad & (limit_cents < 0), limits_text,
        "a limit cannot be negative")
    neither = ~has_score & ~has_limit
    bad("score" if "score" in cols else "limit", neither, scores_text,
        "the line has neither a score nor a limit")
    currencies = text("currency").str.upper()
    known = iso_currencies()
    unknown = has_limit & ~currencies.isin(known).to_numpy(dtype=bool)
    bad("currency", unknown & (currencies != "").to_numpy(dtype=bool), currencies,
        "is not an ISO 4217 currency code (like EUR)")
    bad("currency", unknown & (currencies == "").to_numpy(dtype=bool), currencies,
        "a limit needs its currency")
    dates_text = text("assessed_on")
    dates, dates_bad = parse_dates(dates_text)
    bad("assessed_on", dates_bad, dates_text,
        "is not a date (use YYYY-MM-DD or DD/MM/YYYY)")
    if problems:
        raise InsurerFileError(name, sorted(problems, key=lambda p: p.line))
    day = dates.dt.date.tolist()
    return InsurerFile(name, cols, [
        InsurerLine(int(lines[i]), refs.iloc[i], insurers.iloc[i],
                    Decimal(int(score_cents[i])) / 100 if has_score[i] else None,
                    Decimal(int(limit_cents[i])) / 100 if has_limit[i] else None,
                    currencies.iloc[i] if has_limit[i] else None, day[i])
        for i in range(n)
    ])


__all__ = ["COLUMNS", "InsurerFile", "InsurerFileError", "InsurerLine", "LineProblem",
           "read_insurer_file"]
