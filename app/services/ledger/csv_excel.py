"""CSV and Excel files: detect encoding and separator, read every cell as text, map columns.

Encodings: UTF-8 with or without BOM, CP1252, ISO 8859-15. Separators: tab, `;`, `|`, `,`.
Decimal commas and the usual date formats are handled by the validator (parsing.py).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from app.errors import UserError
from app.services.ledger.mapping import ColumnMapping, apply_mapping, suggest_mapping
from app.services.ledger.parsing import UnreadableFile, decode, detect_separator
from app.services.ledger.records import LedgerBatch, Rejection

EXCEL_SUFFIXES = (".xlsx", ".xlsm")
_MIDNIGHT = r"^(\d{4}-\d{2}-\d{2}) 00:00:00$"


@dataclass(frozen=True)
class RawTable:
    """Every cell as text, with `_file` and `_line`; how the file was read, for the wizard."""

    frame: pd.DataFrame
    headers: list[str]
    encoding: str
    separator: str
    rejections: tuple[Rejection, ...] = ()


def _read_csv_text(text: str, name: str) -> RawTable:
    first = text.partition("\n")[0]
    sep = detect_separator(first)
    rejections: list[Rejection] = []
    reader = csv.reader(io.StringIO(text), delimiter=sep)
    try:
        header = [h.strip() for h in next(reader)]
    except (StopIteration, csv.Error):
        raise UnreadableFile(f"{name} is empty or has no header line") from None
    while header and header[-1] == "":
        header.pop()
    if not header or len(set(header)) != len(header) or "" in header:
        raise UnreadableFile(f"{name}: the first line must name each column once "
                             f"(found: {', '.join(header[:10])})")
    rows: list[list[str]] = []
    lines: list[int] = []
    try:
        for row in reader:
            n = reader.line_num
            if not any(v.strip() for v in row):
                continue
            while len(row) > len(header) and row[-1].strip() == "":
                row.pop()
            if len(row) != len(header):
                rejections.append(Rejection(name, n, "", sep.join(row)[:40],
                                            f"expected {len(header)} fields, found {len(row)}"))
                continue
            rows.append(row)
            lines.append(n)
    except csv.Error as exc:
        rejections.append(Rejection(name, reader.line_num, "", "", f"unreadable line: {exc}"))
    frame = pd.DataFrame(rows, columns=header, dtype=object)
    frame["_file"] = name
    frame["_line"] = lines
    return RawTable(frame, header, "", sep, tuple(rejections))


def read_table(path: Path, *, raw: bytes | None = None, sheet: str | int = 0) -> RawTable:
    """Read a CSV or Excel file into text cells (Excel: the first sheet unless named)."""
    name = path.name
    if path.suffix.lower() in EXCEL_SUFFIXES:
        try:
            frame = pd.read_excel(path if raw is None else io.BytesIO(raw), sheet_name=sheet,
                                  dtype=str, keep_default_na=False, engine="openpyxl")
        except (ValueError, KeyError, OSError) as exc:
            raise UnreadableFile(f"{name} cannot be read as an Excel workbook: {exc}") from None
        except Exception as exc:  # openpyxl raises zipfile/xml errors on damaged files
            raise UnreadableFile(f"{name} is not a readable Excel workbook ({exc})") from None
        frame.columns = [str(c).strip() for c in frame.columns]
        # Date cells come back as "2025-05-02 00:00:00": keep the date.
        frame = frame.apply(lambda s: s.astype(str).str.replace(_MIDNIGHT, r"\1", regex=True))
        frame = frame.loc[:, [not c.startswith("Unnamed:") for c in frame.columns]]
        keep = frame.apply(lambda s: s.astype(str).str.strip() != "").any(axis=1)
        frame = frame[keep].copy()
        frame["_line"] = frame.index + 2
        frame = frame.reset_index(drop=True)
        frame["_file"] = name
        return RawTable(frame, [c for c in frame.columns if not c.startswith("_")], "xlsx", "")
    data = path.read_bytes() if raw is None else raw
    text = decode(data, name)
    table = _read_csv_text(text, name)
    for enc in ("utf-8-sig", "cp1252", "iso8859_15"):
        try:
            data.decode(enc)
        except UnicodeDecodeError:
            continue
        return RawTable(table.frame, table.headers, enc, table.separator, table.rejections)
    return table


def read_canonical(path: Path, kind: str, mapping: ColumnMapping | None = None, *,
                   raw: bytes | None = None) -> LedgerBatch:
    """A batch of one kind from a CSV/Excel file; without a mapping, headers are matched by
    name (the canonical CSV imports with no mapping at all)."""
    table = read_table(path, raw=raw)
    chosen = mapping or suggest_mapping(kind, table.headers)
    if chosen.kind != kind:
        raise UserError(f"Mapping is for {chosen.kind}, not {kind}")
    frame = apply_mapping(table.frame, chosen)
    batch = LedgerBatch(rejections=list(table.rejections))
    setattr(batch, kind, frame)
    return batch
