"""Reading what accounting systems actually write: encodings, separators, amounts, dates.

Column parsers are vectorised over pandas Series of text and return the parsed values plus a
boolean mask of the cells that could not be read (the validator turns those into rejections).
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
import pandas as pd
from babel.numbers import list_currencies

from app.errors import UserError

ENCODINGS = ("utf-8-sig", "cp1252", "iso8859_15")
SEPARATORS = ("\t", ";", "|", ",")
DATE_FORMATS = ("%Y-%m-%d", "%Y%m%d", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y", "%d/%m/%y",
                "%Y-%m-%d %H:%M:%S", "%Y/%m/%d")
_SPACES = re.compile(r"[\s\u00a0\u202f']")
_PLAIN = r"[+-]?\d+(?:[.,]\d{1,2})?"
_PLAIN_RE = re.compile(_PLAIN)
_COMMA_THOUSANDS = r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?"
_DOT_THOUSANDS = r"[+-]?\d{1,3}(?:\.\d{3})+(?:,\d{1,2})?"


class UnreadableFile(UserError):
    """The file cannot be decoded or split into columns."""


def decode(raw: bytes, name: str, encodings: tuple[str, ...] = ENCODINGS) -> str:
    """Text of a file in the first encoding that reads it (UTF-8 ± BOM, then CP1252, 8859-15).

    Line endings are normalised (FEC files mix CRLF and bare CR).
    """
    if b"\x00" in raw[:4096]:
        raise UnreadableFile(f"{name} is not a text file (it contains NUL bytes)")
    for enc in encodings:
        try:
            text = raw.decode(enc)
        except UnicodeDecodeError:
            continue
        return text.replace("\r\n", "\n").replace("\r", "\n")
    raise UnreadableFile(f"{name}: cannot read the characters (not UTF-8, CP1252 or ISO 8859-15)")


def detect_separator(header: str) -> str:
    """The separator that splits the header line into the most fields."""
    counts = {sep: header.count(sep) for sep in SEPARATORS}
    best = max(counts, key=lambda s: counts[s])
    return best if counts[best] > 0 else ","


@lru_cache(maxsize=1)
def iso_currencies() -> frozenset[str]:
    return frozenset(c for c in list_currencies() if len(c) == 3 and c.isalpha())


def clean_text(series: pd.Series) -> pd.Series:
    """Cells as stripped text ('' for missing). A plain loop: faster than `.str` here."""
    values = series.to_numpy(dtype=object)
    out = [v.strip() if isinstance(v, str) else ("" if v is None or v != v else str(v).strip())
           for v in values]
    return pd.Series(out, index=series.index, dtype=object)


def parse_cents(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Amounts in integer cents: `1234.56`, `1234,56`, ` 000000001437,12`, `1 234,56`,
    `1,234.56`, `1.234,56`. Returns (cents, bad); empty cells are bad too."""
    if len(series) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=bool)
    text = clean_text(series)
    # Fast path: plain amounts short enough for a float to hold their cents exactly.
    plain = _PLAIN_RE.fullmatch
    fast = np.fromiter((len(v) <= 16 and plain(v) is not None for v in text), dtype=bool,
                       count=len(text))
    dotted = [v.replace(",", ".") if ok else "0" for v, ok in zip(text, fast, strict=True)]
    values = pd.to_numeric(pd.Series(dotted, dtype=object), errors="coerce").to_numpy(
        dtype=np.float64)
    cents = np.rint(values * 100).astype(np.int64)
    bad = ~fast
    if bad.any():
        slow_cents, slow_bad = _parse_cents_exact(text[bad])
        cents[bad] = slow_cents
        bad[bad] = slow_bad
    return cents, bad


def _parse_cents_exact(text: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    text = text.str.replace(_SPACES, "", regex=True)
    plain = text.str.fullmatch(_PLAIN)
    comma_k = ~plain & text.str.fullmatch(_COMMA_THOUSANDS)
    dot_k = ~plain & ~comma_k & text.str.fullmatch(_DOT_THOUSANDS)
    norm = text.where(~comma_k, text.str.replace(",", "", regex=False))
    norm = norm.where(~dot_k, text.str.replace(".", "", regex=False))
    norm = norm.str.replace(",", ".", regex=False)
    ok = (plain | comma_k | dot_k).to_numpy(dtype=bool).copy()
    parts = norm.where(ok, "0").str.split(".", n=1, expand=True)
    if parts.shape[1] == 1:
        parts[1] = None
    integer = parts[0].str.lstrip("+")
    negative = integer.str.startswith("-").to_numpy(dtype=bool)
    integer = integer.str.lstrip("-")
    ok &= (integer.str.len() <= 15).to_numpy(dtype=bool)
    frac = parts[1].fillna("").str.ljust(2, "0")
    units = np.array([int(v) for v in integer.where(ok, "0")], dtype=np.int64)
    cents = units * 100 + np.array([int(v) for v in frac.where(ok, "0")], dtype=np.int64)
    cents = np.where(negative, -cents, cents)
    return cents.astype(np.int64), ~ok


def parse_dates(series: pd.Series, formats: tuple[str, ...] = DATE_FORMATS
                ) -> tuple[pd.Series, np.ndarray]:
    """Dates in the usual formats (ISO, YYYYMMDD, DD/MM/YYYY …). Impossible dates are bad."""
    text = clean_text(series)
    result = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    todo = text != ""
    for fmt in formats:
        if not todo.any():
            break
        parsed = pd.to_datetime(text[todo], format=fmt, errors="coerce")
        hit = parsed.notna()
        result.loc[hit[hit].index] = parsed[hit]
        todo &= result.isna()
    bad = result.isna().to_numpy(dtype=bool).copy()
    years = result.dt.year
    bad |= ((years < 1900) | (years > 2199)).fillna(False).to_numpy(dtype=bool)
    return result.dt.normalize(), bad


def bad_currencies(series: pd.Series) -> np.ndarray:
    text = clean_text(series).str.upper()
    known = iso_currencies()
    return ~text.isin(known).to_numpy(dtype=bool)
