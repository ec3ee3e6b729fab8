"""Import a credit insurer's file: match each line to a debtor by its external reference, then
upsert one assessment per (debtor, insurer, date). All or nothing: one bad line and nothing is
written. Importing the same file again changes nothing (created 0, updated 0)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, tuple_, update
from sqlalchemy.orm import Session

from app.clock import utcnow
from app.models import Debtor, InsurerAssessment
from app.services.activity import log_activity
from app.services.risk.insurer_file import (
    InsurerFile,
    InsurerFileError,
    InsurerLine,
    LineProblem,
    read_insurer_file,
)

_CHUNK = 500


@dataclass(frozen=True, slots=True)
class InsurerImportResult:
    file: str
    lines: int
    created: int
    updated: int
    unchanged: int
    insurers: tuple[str, ...]
    debtor_ids: frozenset[int]

    def summary(self) -> str:
        return (f"Insurer data from {self.file} ({', '.join(self.insurers) or 'no insurer'}): "
                f"{self.lines} line(s), {self.created} created, {self.updated} updated, "
                f"{self.unchanged} unchanged")


def _debtor_index(session: Session) -> tuple[dict[str, list[tuple[int, str]]],
                                             dict[tuple[str, str], int]]:
    """external ref → [(id, source)], and (source, ref) → id: one read of three columns."""
    by_ref: dict[str, list[tuple[int, str]]] = {}
    by_pair: dict[tuple[str, str], int] = {}
    for debtor_id, source, ref in session.execute(
            select(Debtor.id, Debtor.source, Debtor.external_ref)):
        by_ref.setdefault(ref, []).append((debtor_id, source))
        by_pair[(source, ref)] = debtor_id
    return by_ref, by_pair


def match_debtors(session: Session, table: InsurerFile) -> list[int]:
    """The debtor id of each line; InsurerFileError naming every unknown or ambiguous one."""
    file, lines = table.name, table.lines
    by_ref, by_pair = _debtor_index(session)
    problems: list[LineProblem] = []
    ids: list[int] = []
    for line in lines:
        found = by_ref.get(line.debtor_ref, [])
        source, _, ref = line.debtor_ref.partition(":")
        if not found and ref and (source, ref) in by_pair:
            found = [(by_pair[(source, ref)], source)]
        if len(found) == 1:
            ids.append(found[0][0])
            continue
        ids.append(0)
        if not found:
            message = "no debtor has this reference"
        else:
            sources = ", ".join(sorted(s for _, s in found))
            message = (f"this reference exists in several sources ({sources}); write it as "
                       "SOURCE:REF")
        problems.append(LineProblem(file, line.line, table.column("debtor_ref"),
                                    line.debtor_ref, message))
    seen: dict[tuple[int, str, Any], int] = {}
    for line, debtor_id in zip(lines, ids, strict=True):
        key = (debtor_id, line.insurer, line.assessed_on)
        if debtor_id and key in seen:
            problems.append(LineProblem(
                file, line.line, table.column("assessed_on"), line.assessed_on.isoformat(),
                f"{line.debtor_ref} already has a {line.insurer} assessment on this date at "
                f"line {seen[key]}"))
        seen.setdefault(key, line.line)
    if problems:
        raise InsurerFileError(file, sorted(problems, key=lambda p: p.line))
    return ids


def _existing(session: Session, keys: list[tuple[int, str, Any]]) -> dict[tuple[int, str, Any],
                                                                          InsurerAssessment]:
    out: dict[tuple[int, str, Any], InsurerAssessment] = {}
    for i in range(0, len(keys), _CHUNK):
        chunk = keys[i:i + _CHUNK]
        debtor_ids = sorted({k[0] for k in chunk})
        rows = session.scalars(select(InsurerAssessment).where(
            InsurerAssessment.debtor_id.in_(debtor_ids),
            tuple_(InsurerAssessment.insurer, InsurerAssessment.assessed_on).in_(
                sorted({(k[1], k[2]) for k in chunk}))))
        out.update(((r.debtor_id, r.insurer, r.assessed_on), r) for r in rows)
    return out


def _same(row: InsurerAssessment, line: InsurerLine) -> bool:
    def money(v: Decimal | None) -> Decimal | None:
        return None if v is None else Decimal(v).quantize(Decimal("0.01"))

    return (money(row.score) == money(line.score)
            and money(row.limit_amount) == money(line.limit_amount)
            and (row.limit_currency or None) == line.limit_currency)


def import_insurer_lines(session: Session, table: InsurerFile, *,
                         user: str) -> InsurerImportResult:
    """Upsert checked lines (the caller owns the transaction); one activity for the import."""
    file, lines = table.name, table.lines
    ids = match_debtors(session, table)
    keyed = {(d, ln.insurer, ln.assessed_on): (d, ln) for d, ln in zip(ids, lines, strict=True)}
    existing = _existing(session, list(keyed))
    now = utcnow()
    new: list[dict[str, Any]] = []
    changed: list[dict[str, Any]] = []
    for key, (debtor_id, ln) in keyed.items():
        values = {"score": ln.score, "limit_amount": ln.limit_amount,
                  "limit_currency": ln.limit_currency, "imported_at": now,
                  "source_file": file[:260]}
        row = existing.get(key)
        if row is None:
            new.append({"debtor_id": debtor_id, "insurer": ln.insurer,
                        "assessed_on": ln.assessed_on, **values})
        elif not _same(row, ln):
            changed.append({"id": row.id, **values})
    if new:
        session.execute(insert(InsurerAssessment), new)
    if changed:
        session.execute(update(InsurerAssessment), changed)
    result = InsurerImportResult(
        file=file, lines=len(lines), created=len(new), updated=len(changed),
        unchanged=len(keyed) - len(new) - len(changed),
        insurers=tuple(sorted({ln.insurer for ln in lines})),
        debtor_ids=frozenset(d for d, _ in keyed.values()))
    log_activity(session, author=user, kind="insurer_import", summary=result.summary(),
                 detail={"file": file, "created": result.created, "updated": result.updated,
                         "unchanged": result.unchanged}, at=now)
    session.flush()
    return result


def import_insurer_file(session: Session, path: Path, *, user: str, insurer: str | None = None,
                        raw: bytes | None = None) -> InsurerImportResult:
    """Read, check and upsert a CSV/Excel insurer file; nothing is written if a line is bad."""
    return import_insurer_lines(session, read_insurer_file(path, insurer, raw=raw), user=user)


def insurer_names(session: Session) -> list[str]:
    rows: Iterable[str] = session.scalars(select(InsurerAssessment.insurer).distinct())
    return sorted(rows)


__all__ = ["InsurerImportResult", "import_insurer_file", "import_insurer_lines",
           "insurer_names", "match_debtors"]
