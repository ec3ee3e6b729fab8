"""FEC (Fichier des Écritures Comptables, DOMAIN.md §8) → the canonical ledger.

Customer lines (accounts 411…) become debtors (CompAuxNum, else CompteNum), debit lines
invoices, credit lines payments (bank journals) or credit notes (sales journals); EcritureLet
groups become settlements dated DateLet, else the group's latest line date. Due dates come
from the default terms unless a column is named for them. Real files break the format:
CP850 bytes, BOM, trailing separators, header case, padded amounts, mixed CR/CRLF.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from app.services.ledger.parsing import (
    UnreadableFile,
    clean_text,
    decode,
    detect_separator,
    parse_cents,
    parse_dates,
)
from app.services.ledger.records import LedgerBatch, Rejection
from app.services.ledger.validate import apply_terms, check_terms

FEC_COLUMNS = ("JournalCode", "JournalLib", "EcritureNum", "EcritureDate", "CompteNum",
               "CompteLib", "CompAuxNum", "CompAuxLib", "PieceRef", "PieceDate", "EcritureLib",
               "Debit", "Credit", "EcritureLet", "DateLet", "ValidDate", "Montantdevise",
               "Idevise", "Montant", "Sens", "DateRglt", "ModeRglt", "NatOp", "IdClient")
_BY_LOWER = {c.lower(): c for c in FEC_COLUMNS}
# Bytes where CP850 keeps French accents (é=0x82, è=0x8A, à=0x85, °=0xF8 …) and CP1252 does not.
_CP850_HINTS = frozenset(range(0x80, 0xA0)) | {0xF8}
_CP1252_ACCENTS = frozenset(range(0xC0, 0xF8))


@dataclass(frozen=True)
class FecOptions:
    terms: str = "net30"
    currency: str = "EUR"
    sales_journals: tuple[str, ...] = ("VE", "VEN", "VT", "VTE", "VENTE", "VENTES", "V")
    customer_prefixes: tuple[str, ...] = ("411",)
    due_column: str | None = None  # e.g. "DateRglt" in the treasury variant


def decode_fec(raw: bytes, name: str) -> str:
    """UTF-8 (± BOM) when it decodes; else CP850 if its accent bytes dominate; else CP1252."""
    try:
        return decode(raw, name, ("utf-8-sig",))
    except UnreadableFile:
        pass
    high = raw.translate(None, bytes(range(0x80)))
    cp850 = sum(1 for b in high if b in _CP850_HINTS)
    cp1252 = sum(1 for b in high if b in _CP1252_ACCENTS)
    order = ("cp850", "cp1252", "iso8859_15") if cp850 > cp1252 else ("cp1252", "iso8859_15")
    return decode(raw, name, order)


_USED = frozenset(("JournalCode", "EcritureNum", "EcritureDate", "CompteNum", "CompteLib",
                   "CompAuxNum", "CompAuxLib", "PieceRef", "Debit", "Credit", "Montant", "Sens",
                   "EcritureLet", "DateLet"))


def _split(text: str, sep: str, name: str, extra: tuple[str, ...] = ()
           ) -> tuple[pd.DataFrame, list[Rejection]]:
    """Columns of text; lines with the wrong number of fields are rejected, not fatal.

    Only the columns Collecta uses are kept (and the last one, to see short lines)."""
    header, _, body = text.partition("\n")
    names = [h.strip() for h in header.split(sep)]
    while names and names[-1] == "":
        names.pop()  # trailing separator
    if len(names) < 5:
        raise UnreadableFile(f"{name} is not an FEC file: its first line is not a header")
    width = len(header.split(sep))
    cols = [_BY_LOWER.get(n.lower(), n) for n in names] + [
        f"_extra{i}" for i in range(width - len(names))]
    keep = [c for c in cols if c in _USED or c in extra] + [cols[len(names) - 1]]
    keep = list(dict.fromkeys(keep))
    try:
        frame = pd.read_csv(io.StringIO(body), sep=sep, header=None, names=cols, dtype=str,
                            keep_default_na=False, quoting=csv.QUOTE_NONE,
                            skip_blank_lines=False, engine="c", usecols=keep)
        if len(frame.columns) != len(keep):
            raise ValueError("column count")
        lines = np.arange(2, len(frame) + 2)
        counts = frame.isna().any(axis=1).to_numpy(dtype=bool)
        rejections = [Rejection(name, int(n), "", "", f"expected {len(names)} fields")
                      for n in lines[counts]]
    except (pd.errors.ParserError, ValueError):
        rows, kept, rejections = [], [], []
        for n, line in enumerate(body.split("\n"), start=2):
            parts = line.split(sep)
            if len(parts) != width:
                if line.strip():
                    rejections.append(Rejection(name, n, "", line[:40],
                                                f"expected {len(names)} fields, found "
                                                f"{len(parts)}"))
                continue
            rows.append(parts)
            kept.append(n)
        frame = pd.DataFrame(rows, columns=cols, dtype=object)[keep]
        lines = np.array(kept, dtype=np.int64)
        counts = np.zeros(len(frame), dtype=bool)
    frame["_line"] = lines
    blank = (frame[keep[0]].fillna("").str.strip() == "") & frame[keep[1:]].isna().all(axis=1)
    blank_mask = blank.to_numpy(dtype=bool)
    rejections = [r for r in rejections if r.line not in set(lines[blank_mask].tolist())]
    frame = frame.loc[~blank_mask & ~counts].reset_index(drop=True).fillna("")
    return frame, rejections


def _refs(lines: pd.DataFrame) -> pd.Series:
    parts = [clean_text(lines[c]) if c in lines else pd.Series("", index=lines.index) for c in
             ("JournalCode", "EcritureNum", "EcritureDate", "CompteNum", "CompAuxNum",
              "PieceRef")]
    key = parts[0]
    for p in parts[1:]:
        key = key + "|" + p
    occurrence = key.groupby(key).cumcount()
    key = key.where(occurrence == 0, key + "#" + occurrence.astype(str))
    long = key.str.len() > 80
    if long.any():
        key[long] = key[long].map(lambda k: "h:" + hashlib.sha1(k.encode()).hexdigest())
    return key


def _money_text(cents: np.ndarray) -> pd.Series:
    c = pd.Series(np.abs(cents))
    return (c // 100).astype(str) + "." + (c % 100).astype(str).str.zfill(2)


def read_fec(path: Path, options: FecOptions | None = None, *, raw: bytes | None = None
             ) -> LedgerBatch:
    """Read an FEC file into a full-snapshot batch of the customer (411…) lines."""
    opts = options or FecOptions()
    check_terms(opts.terms)
    name = path.name
    data = path.read_bytes() if raw is None else raw
    text = decode_fec(data, name)
    sep = detect_separator(text.partition("\n")[0])
    frame, rejections = _split(text, sep, name, (opts.due_column,) if opts.due_column else ())
    del text
    has_dc = "Debit" in frame and "Credit" in frame
    missing = [c for c in ("JournalCode", "EcritureDate", "CompteNum") if c not in frame]
    if not has_dc and not ("Montant" in frame and "Sens" in frame):
        missing.append("Debit/Credit")
    if missing:
        raise UnreadableFile(f"{name} is not an FEC file: column {', '.join(missing)} missing")
    account = clean_text(frame["CompteNum"])
    customer = account.str.startswith(tuple(opts.customer_prefixes)).to_numpy(dtype=bool)
    all_dates, _ = parse_dates(frame["EcritureDate"], ("%Y%m%d", "%Y-%m-%d", "%d/%m/%Y"))
    if "DateLet" in frame:
        all_dates = pd.concat([all_dates, parse_dates(frame["DateLet"], ("%Y%m%d",))[0]])
    last = all_dates.max() if all_dates.notna().any() else None
    lines = frame.loc[customer].reset_index(drop=True)
    del frame, all_dates
    lines["_file"] = name
    bad = np.zeros(len(lines), dtype=bool)

    def refuse(mask: np.ndarray, column: str, reason: str) -> None:
        nonlocal bad
        new = mask & ~bad
        for line, value in zip(lines["_line"][new], clean_text(lines[column])[new], strict=True):
            rejections.append(Rejection(name, int(line), column, value[:80], reason))
        bad |= new

    when, bad_date = parse_dates(lines["EcritureDate"], ("%Y%m%d", "%Y-%m-%d", "%d/%m/%Y"))
    refuse(bad_date, "EcritureDate", "not a date (FEC dates are YYYYMMDD)")
    if has_dc:
        debit, bad_d = parse_cents(lines["Debit"])
        refuse(bad_d, "Debit", "not an amount")
        credit, bad_c = parse_cents(lines["Credit"])
        refuse(bad_c, "Credit", "not an amount")
        net = debit - credit
    else:
        amount, bad_m = parse_cents(lines["Montant"])
        refuse(bad_m, "Montant", "not an amount")
        sens = clean_text(lines["Sens"]).str.upper()
        refuse(~sens.isin(["D", "C", "+1", "-1", "1"]).to_numpy(dtype=bool), "Sens",
               "Sens must be D or C")
        net = np.where(sens.isin(["C", "-1"]).to_numpy(dtype=bool), -amount, amount)
    aux = clean_text(lines["CompAuxNum"]) if "CompAuxNum" in lines else account[customer]
    debtor_ref = aux.where(aux != "", clean_text(lines["CompteNum"]))
    aux_name = clean_text(lines["CompAuxLib"]) if "CompAuxLib" in lines else debtor_ref
    acc_name = clean_text(lines["CompteLib"]) if "CompteLib" in lines else debtor_ref
    debtor_name = aux_name.where(aux_name != "", acc_name).where(lambda s: s != "", debtor_ref)
    refuse((debtor_ref.str.len() > 60).to_numpy(dtype=bool), "CompAuxNum",
           "account number longer than 60 characters")
    due_text = pd.Series("", index=lines.index)
    if opts.due_column:
        if opts.due_column not in lines:
            raise UnreadableFile(f"{name}: due date column {opts.due_column} not in the file")
        due, bad_due = parse_dates(lines[opts.due_column], ("%Y%m%d", "%Y-%m-%d", "%d/%m/%Y"))
        has_due = (clean_text(lines[opts.due_column]) != "").to_numpy(dtype=bool)
        refuse(bad_due & has_due, opts.due_column, "not a date")
        due_text = due.dt.strftime("%Y-%m-%d").where(has_due, "")
    due_text = due_text.where(due_text != "", apply_terms(when, opts.terms).dt.strftime("%Y-%m-%d"))
    keep = ~bad & (net != 0)
    journal = clean_text(lines["JournalCode"]).str.upper()
    is_sales = journal.isin([j.upper() for j in opts.sales_journals]).to_numpy(dtype=bool)
    ref = _refs(lines)
    piece = clean_text(lines["PieceRef"]) if "PieceRef" in lines else ref
    iso = when.dt.strftime("%Y-%m-%d")
    amount_text = _money_text(net)
    common = {"ref": ref, "debtor_ref": debtor_ref, "currency": opts.currency,
              "amount": amount_text, "_file": name, "_line": lines["_line"]}
    inv_mask = keep & ((net > 0) | is_sales)
    invoices = pd.DataFrame({**common, "number": piece.where(piece != "", ref),
                             "issue_date": iso, "due_date": due_text,
                             "kind": np.where(net > 0, "invoice", "credit_note")})[inv_mask]
    payments = pd.DataFrame({**common, "date": iso, "invoice_ref": ""})[keep & ~inv_mask]
    firsts = ~debtor_ref.duplicated() & pd.Series(~bad)
    debtors = pd.DataFrame({"ref": debtor_ref, "name": debtor_name, "_file": name,
                            "_line": lines["_line"]})[firsts.to_numpy(dtype=bool)]
    letter = clean_text(lines["EcritureLet"]) if "EcritureLet" in lines else ref.map(lambda _: "")
    lettered = keep & (letter != "").to_numpy(dtype=bool)
    date_let, _ = parse_dates(lines["DateLet"], ("%Y%m%d", "%Y-%m-%d")) if "DateLet" in lines \
        else (pd.Series(pd.NaT, index=lines.index), None)
    kinds = np.where(inv_mask, np.where(net > 0, "invoice", "credit_note"), "payment")
    lettering = pd.DataFrame({"debtor_ref": debtor_ref, "group": letter, "item_kind": kinds,
                              "item_ref": ref, "date": date_let.where(date_let.notna(), when),
                              "explicit_date": date_let.notna()})[lettered]
    return LedgerBatch(debtors=debtors.reset_index(drop=True),
                       invoices=invoices.reset_index(drop=True),
                       payments=payments.reset_index(drop=True),
                       lettering=lettering.reset_index(drop=True), snapshot=True,
                       last_date=last.date() if last is not None and not pd.isna(last) else None,
                       rejections=rejections)
