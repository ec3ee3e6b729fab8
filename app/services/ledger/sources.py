"""Configured ledger sources and their sync: read the source, run the pipeline, record the
outcome (last sync time, ok/failed and why). A failed sync leaves the ledger as it was.

An unchanged source (same bytes, or same rows for a database) is recognised by its
fingerprint and skipped: re-syncing it costs one read.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal

import keyring
import pandas as pd
from keyring.errors import KeyringError
from sqlalchemy import select

from app.clock import utcnow
from app.db import Database
from app.errors import NotFoundError, UserError
from app.models import LedgerSource
from app.services.ledger.connection import KEYRING_SERVICE
from app.services.ledger.csv_excel import read_canonical
from app.services.ledger.fec import FecOptions, read_fec
from app.services.ledger.mapping import ColumnMapping, load_profile, mapping_from_file
from app.services.ledger.pipeline import Cancelled, ImportOptions, Progress, import_in_session
from app.services.ledger.records import EntityCounts, ImportReport, LedgerBatch
from app.services.ledger.sage100 import read_sage100
from app.services.ledger.source_checks import (
    FILE_KINDS,
    check_config,
    check_name,
    imported_rows,
)
from app.services.ledger.source_list import SourceRow, _row, list_sources
from app.services.ledger.sql_source import load_sql_config, read_sql_source
from app.services.ledger.validate import ValidationOptions


def add_source(db: Database, name: str, kind: str, location: str, *,
               options: dict[str, Any] | None = None, schedule_minutes: int | None = None,
               author: str = "cli", check_location: bool = False,
               password: str | None = None, enabled: bool = True) -> SourceRow:
    """Configure a source; the name becomes the `source` of every row it imports.

    `check_location` also refuses a file that is not there (the GUI asks for it; a source on a
    drive not mounted yet can still be added from the command line). A database `password`
    goes to the keyring under the source's name, never into the database."""
    from app.services.activity import log_activity

    name = check_name(name)
    opts = dict(options or {})
    check_config(db, name, kind, location, opts, schedule_minutes, check_location)
    with db.sessions() as s, s.begin():
        if s.scalar(select(LedgerSource.id).where(LedgerSource.name == name)) is not None:
            raise UserError(f"A source named '{name}' already exists")
        row = LedgerSource(name=name, kind=kind, location=location, options=opts,
                           schedule_minutes=schedule_minutes, enabled=enabled)
        s.add(row)
        log_activity(s, author=author, kind="source_added",
                     summary=f"Ledger source {name} ({kind}) added: {location}")
        s.flush()
        if password:
            _store_password(name, password)  # last: a keyring failure rolls the row back
        return _row(row)


def remove_source(db: Database, name: str, author: str = "cli") -> None:
    """Forget a source's configuration; the rows it imported stay."""
    from app.services.activity import log_activity

    with db.sessions() as s, s.begin():
        row = s.scalar(select(LedgerSource).where(LedgerSource.name == name))
        if row is None:
            raise NotFoundError(f"No ledger source named '{name}'")
        database = row.kind in ("sage100", "sql")
        s.delete(row)
        log_activity(s, author=author, kind="source_removed",
                     summary=f"Ledger source {name} removed")
    if database:
        _forget_password(name)


Keep = Literal["keep"]


def update_source(db: Database, name: str, *, new_name: str | None = None,
                  kind: str | None = None, location: str | None = None,
                  options: dict[str, Any] | None = None,
                  schedule_minutes: int | None | Keep = "keep", enabled: bool | None = None,
                  password: str | None = None, author: str = "cli") -> SourceRow:
    """Change a source; what is not given stays. All or nothing, with add_source's checks.

    A new location (or kind) must be usable now; an unchanged one is not re-checked, so a
    source whose file went missing can still be disabled. The name and kind are frozen once
    rows were imported under the name (source_checks). The next sync reads it again in full."""
    from app.services.activity import log_activity

    with db.sessions() as s, s.begin():
        row = s.scalar(select(LedgerSource).where(LedgerSource.name == name))
        if row is None:
            raise NotFoundError(f"No ledger source named '{name}'")
        old = _row(row)
        target = check_name(new_name) if new_name is not None else old.name
        new = SourceRow(target, kind or old.kind,
                        old.location if location is None else location.strip(),
                        dict(old.options if options is None else options),
                        old.schedule_minutes if schedule_minutes == "keep" else schedule_minutes,
                        old.enabled if enabled is None else enabled,
                        old.last_sync_at, old.last_outcome, old.last_message)
        moved = (new.location, new.kind) != (old.location, old.kind)
        check_config(db, target, new.kind, new.location, new.options, new.schedule_minutes,
                     check_location=moved)
        if (target, new.kind) != (old.name, old.kind):
            count = imported_rows(db, old.name)
            if count:
                raise UserError(f"Source '{old.name}': {count} ledger rows were imported under "
                                "this name, so its name and kind cannot change (add a new "
                                "source instead)")
        if target != old.name and s.scalar(
                select(LedgerSource.id).where(LedgerSource.name == target)) is not None:
            raise UserError(f"A source named '{target}' already exists")
        changed = [f for f in ("name", "kind", "location", "options", "schedule_minutes",
                               "enabled") if getattr(new, f) != getattr(old, f)]
        row.name, row.kind, row.location, row.options = (new.name, new.kind, new.location,
                                                          new.options)
        row.schedule_minutes, row.enabled = new.schedule_minutes, new.enabled
        if {"kind", "location", "options"} & set(changed):
            row.last_fingerprint = None  # read it in full next time
        log_activity(s, author=author, kind="source_changed",
                     summary=f"Ledger source {old.name} changed: "
                     f"{', '.join(changed) or 'nothing'}"
                     + (" (password replaced)" if password else ""))
        s.flush()
        if target != old.name:
            _move_password(old.name, target)
        if password:
            _store_password(target, password)
        return _row(row)


def source_password(name: str) -> str | None:
    """The password kept in the keyring for a database source, if any."""
    try:
        return keyring.get_password(KEYRING_SERVICE, name)
    except KeyringError:
        return None


def _store_password(name: str, password: str) -> None:
    try:
        keyring.set_password(KEYRING_SERVICE, name, password)
    except KeyringError as exc:
        raise UserError(f"The password of source '{name}' cannot be kept in the system "
                        f"keyring: {exc}") from None


def _forget_password(name: str) -> None:
    with contextlib.suppress(KeyringError):  # none stored, or no keyring: nothing to forget
        keyring.delete_password(KEYRING_SERVICE, name)


def _move_password(old: str, new: str) -> None:
    secret = source_password(old)
    if secret:
        _store_password(new, secret)
        _forget_password(old)


def _mapping(db: Database, kind: str, value: str | None) -> ColumnMapping | None:
    if not value:
        return None
    if value.endswith(".json"):
        return mapping_from_file(Path(value))
    with db.sessions() as s:
        return load_profile(s, value)


def _file_bytes(src: SourceRow) -> tuple[bytes, str]:
    path = Path(src.location)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UserError(f"Cannot read {path}: {exc.strerror}") from None
    h = hashlib.sha256(raw)
    h.update(json.dumps(src.options, sort_keys=True).encode())
    return raw, h.hexdigest()


def read_source(db: Database, src: SourceRow, raw: bytes | None = None
                ) -> tuple[LedgerBatch, str]:
    """The batch a source holds now and its fingerprint."""
    o = src.options
    if src.kind in FILE_KINDS:
        path = Path(src.location)
        if raw is None:
            raw, fp = _file_bytes(src)
        else:
            fp = ""
        if src.kind == "fec":
            fo = FecOptions(terms=o.get("terms", "net30"), currency=o.get("currency", "EUR"),
                            due_column=o.get("due_column"),
                            **{k: _names(o[k]) for k in ("sales_journals", "customer_prefixes")
                               if o.get(k)})
            return read_fec(path, fo, raw=raw), fp
        kind = str(o.get("kind"))
        batch = read_canonical(path, kind, _mapping(db, kind, o.get("mapping")), raw=raw)
        batch.snapshot = bool(o.get("snapshot", False))
        return batch, fp
    if src.kind == "sage100":
        mp = Path(o["mapping_file"]) if o.get("mapping_file") else None
        batch = read_sage100(src.location, mapping_path=mp, source_name=src.name,
                             terms=o.get("terms", "net30"), currency=o.get("currency", "EUR"))
    else:
        batch = read_sql_source(load_sql_config(Path(src.location)), src.name)
    return batch, batch_fingerprint(batch)


def _names(value: Any) -> tuple[str, ...]:
    """A list option; one name given on the command line (`sales_journals=VE`) is a string."""
    items = value.split(",") if isinstance(value, str) else value
    return tuple(str(v).strip() for v in items if str(v).strip())


def batch_fingerprint(batch: LedgerBatch) -> str:
    h = hashlib.sha256()
    for name, frame in (*batch.frames().items(), ("lettering", batch.lettering)):
        if frame is not None:
            h.update(name.encode())
            h.update(pd.util.hash_pandas_object(frame.astype(str), index=False).to_numpy()
                     .tobytes())
    return h.hexdigest()


def sync_source(db: Database, name: str, as_of: date, *, author: str = "sync",
                force: bool = False, progress: Progress | None = None,
                cancelled: Cancelled | None = None) -> ImportReport:
    """Sync one source; records the outcome either way and re-raises a failure."""
    with db.sessions() as s:
        row = s.scalar(select(LedgerSource).where(LedgerSource.name == name))
        if row is None:
            raise NotFoundError(f"No ledger source named '{name}'")
        src = _row(row)
        last_fp = row.last_fingerprint
    try:
        if progress:
            progress(0, 1, f"Reading {name}")
        raw: bytes | None = None
        if src.kind in FILE_KINDS:  # a file is fingerprinted before it is parsed
            raw, fp = _file_bytes(src)
        if raw is None or fp != last_fp or force or src.last_outcome != "ok":
            batch, batch_fp = read_source(db, src, raw)
            fp = fp if raw is not None else batch_fp
        if fp == last_fp and not force and src.last_outcome == "ok":
            empty = EntityCounts()
            report = ImportReport(name, as_of, empty, empty, empty, (),
                                  skipped_unchanged_source=True)
            _record(db, name, "ok", report.summary(), fp)
            return report
        opts = ImportOptions(source=name, as_of=as_of, author=author,
                             validation=ValidationOptions(
                                 default_currency=src.options.get("currency", "EUR"),
                                 terms=src.options.get("terms", "net30")))
        with db.sessions() as s, s.begin():
            report = import_in_session(s, batch, opts, progress, cancelled)
            row = s.scalar(select(LedgerSource).where(LedgerSource.name == name))
            assert row is not None
            row.last_sync_at, row.last_outcome = utcnow(), "ok"
            row.last_message, row.last_fingerprint = report.summary(), fp
        return report
    except UserError as exc:
        _record(db, name, "failed", str(exc), None)
        raise


def _record(db: Database, name: str, outcome: str, message: str, fp: str | None) -> None:
    with db.sessions() as s, s.begin():
        row = s.scalar(select(LedgerSource).where(LedgerSource.name == name))
        if row is not None:
            row.last_sync_at, row.last_outcome, row.last_message = utcnow(), outcome, message
            if fp is not None:
                row.last_fingerprint = fp


@dataclass(frozen=True)
class SyncOutcome:
    name: str
    report: ImportReport | None
    error: str | None


def sync_all(db: Database, as_of: date, *, author: str = "sync",
             progress: Progress | None = None, cancelled: Cancelled | None = None,
             only_due: Callable[[SourceRow], bool] | None = None) -> list[SyncOutcome]:
    """Every enabled source in turn; one failing does not stop the others."""
    out: list[SyncOutcome] = []
    sources = [s for s in list_sources(db) if s.enabled and (only_due is None or only_due(s))]
    for i, src in enumerate(sources):
        if progress:
            progress(i, len(sources), f"Syncing {src.name}")
        try:
            out.append(SyncOutcome(src.name, sync_source(db, src.name, as_of, author=author,
                                                         cancelled=cancelled), None))
        except UserError as exc:
            out.append(SyncOutcome(src.name, None, str(exc)))
    if any(o.report is not None and not o.report.skipped_unchanged_source for o in out):
        out.extend(_run_rules_after_sync(db, as_of, author))
    return out


def _run_rules_after_sync(db: Database, as_of: date, author: str) -> list[SyncOutcome]:
    """Automation rules triggered "after each sync" (issue 7), on the committed ledger: the
    sync itself stands even when a rule fails, and the failure is reported like a source's."""
    from app.services.rules.engine import run_triggered

    try:
        with db.sessions() as s, s.begin():
            run_triggered(s, as_of, "sync", user=author)
    except UserError as exc:
        return [SyncOutcome("automation rules", None, str(exc))]
    return []
