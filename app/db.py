"""Engines, sessions and schema upgrades for SQLite (default) and PostgreSQL (shared mode).

`open_database(url)` is the one entry point: it checks the database answers, refuses one written
by a newer Collecta, backs a SQLite file up with the online backup API before migrating, and
upgrades the schema to the current head.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import (
    ArgumentError,
    DBAPIError,
    NoSuchModuleError,
    OperationalError,
)
from sqlalchemy.exc import DatabaseError as SADatabaseError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from app.errors import ConflictError, DatabaseError, ReadOnlyError
from app.schema_version import alembic_config as alembic_config  # re-exported: tests, CLI
from app.schema_version import current_revision
from app.schema_version import schema_head as schema_head  # re-exported: CLI, views, snapshot
from app.services.database_password import connect_url

SQLITE_BUSY_TIMEOUT_MS = 30_000


@dataclass(frozen=True)
class Database:
    """An opened, up-to-date database: its engine and a session factory."""

    url: str
    engine: Engine
    sessions: sessionmaker[Session]
    read_only: bool = False

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def describe(self) -> str:
        """The URL without its password, for titles, logs and error messages."""
        return make_url(self.url).render_as_string(hide_password=True)


def _parse_url(url: str) -> URL:
    try:
        return make_url(url)
    except ArgumentError:
        raise DatabaseError(
            f"Database URL '{url}' is not valid (expected e.g. sqlite:///C:/path/collecta.db "
            "or postgresql://user@host/dbname)"
        ) from None


def _sqlite_path(url: str) -> Path | None:
    parsed = _parse_url(url)
    if not parsed.drivername.startswith("sqlite"):
        return None
    if not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def _on_sqlite_connect(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def make_engine(url: str, *, read_only: bool = False, password: str | None = None) -> Engine:
    """An engine for `url`: SQLite with WAL, foreign keys, busy timeout; PostgreSQL via psycopg.

    A server database connects with `password` when given (the URL itself stays without it)."""
    parsed = _parse_url(url)
    if password:
        parsed = parsed.set(password=password)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    try:
        if parsed.drivername.startswith("sqlite"):
            path = _sqlite_path(url)
            if path is not None and read_only:
                engine = create_engine(
                    f"sqlite:///file:{path.as_posix()}?mode=ro&uri=true",
                    connect_args={"check_same_thread": False},
                )
            else:
                engine = create_engine(parsed, connect_args={"check_same_thread": False})
            if not read_only:
                event.listen(engine, "connect", _on_sqlite_connect)
            return engine
        connect_args: dict[str, Any] = {}
        if parsed.drivername.startswith("postgresql"):
            connect_args["connect_timeout"] = 5
        return create_engine(parsed, pool_pre_ping=True, connect_args=connect_args)
    except (NoSuchModuleError, ImportError):
        raise DatabaseError(
            f"Database URL '{parsed.render_as_string(hide_password=True)}' names a driver "
            "Collecta does not have"
        ) from None


def _prepare_sqlite_file(path: Path) -> None:
    if path.exists():
        if path.is_dir():
            raise DatabaseError(f"Database path {path} is a folder, not a database file")
        try:
            with path.open("rb") as fh:
                header = fh.read(16)
        except OSError as exc:
            raise DatabaseError(f"Cannot read the database {path}: {exc.strerror}") from None
        if header and header != b"SQLite format 3\x00":
            raise DatabaseError(f"{path} is not a Collecta database (not an SQLite file)")
        return
    created = [p for p in (path.parent, *path.parent.parents) if not p.exists()]
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        probe = path.parent / f".collecta-write-test-{path.name}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        for folder in created:  # deepest first: leave the disk as it was
            with contextlib.suppress(OSError):
                folder.rmdir()
        action = "write a database in" if path.parent.is_dir() else "create the folder"
        raise DatabaseError(f"Cannot {action} {path.parent}: {exc.strerror}") from None


def backup_sqlite(path: Path, reason: str) -> Path:
    """Copy a live SQLite database with the online backup API; returns the backup's path."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.stem}.{reason}-{stamp}.bak{path.suffix or '.db'}")
    src = sqlite3.connect(str(path))
    dst = sqlite3.connect(str(target))
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    return target


def _upgrade(engine: Engine, path: Path | None) -> None:
    head = schema_head()
    with engine.connect() as conn:
        current = current_revision(conn)
        has_tables = current is None and bool(inspect(conn).get_table_names())
    if current == head:
        return
    from alembic import command
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config(None))
    if current is not None:
        try:
            script.get_revision(current)
        except Exception:
            raise DatabaseError(
                f"This database was written by a newer version of Collecta (schema {current}); "
                "install the newer version to open it"
            ) from None
    elif has_tables:
        raise DatabaseError(
            "This database was not created by Collecta (unknown tables, no schema version)"
        )
    if path is not None and current is not None:
        backup_sqlite(path, f"before-{head}")
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "head")


def _is_snapshot_file(path: Path) -> bool:
    """True when the SQLite file carries the snapshot marker (services/snapshot.py)."""
    if not path.exists() or path.stat().st_size == 0:
        return False
    try:
        conn = sqlite3.connect(f"file:{path.as_posix()}?mode=ro", uri=True)
        try:
            row = conn.execute("SELECT 1 FROM setting WHERE key = 'snapshot'").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return False
    return row is not None


def open_database(url: str, *, upgrade: bool = True, read_only: bool = False,
                  password: str | None = None) -> Database:
    """Open (creating if needed) and upgrade the database at `url`.

    A server URL without a password connects with `password`, else the one stored in the OS
    keyring (services/database_password.py), else libpq's pgpass; neither is added to
    `Database.url`, which the window title and the remembered last database show.
    Raises DatabaseError with a one-line reason when the file is corrupt, the server does not
    answer, the folder is not writable or the schema is newer than this program.
    """
    path = _sqlite_path(url)
    if path is not None:
        if read_only:
            if not path.exists():
                raise DatabaseError(f"Snapshot {path} does not exist")
        else:
            _prepare_sqlite_file(path)
            # A snapshot for offline review stays read-only however it is opened (CLI --db,
            # File > Open database, the last database reopened at start).
            read_only = _is_snapshot_file(path)
    engine = make_engine(url, read_only=read_only,
                         password=connect_url(_parse_url(url), password).password)
    try:
        if upgrade and not read_only:
            _upgrade(engine, path)
        else:
            with engine.connect() as conn:
                current = current_revision(conn)
            if current != schema_head():
                raise DatabaseError(
                    f"Database schema {current or 'none'} does not match this Collecta "
                    f"({schema_head()}); open it read-write once to upgrade it"
                )
    except DBAPIError as exc:
        engine.dispose()
        raise DatabaseError(_describe_dbapi_error(url, exc)) from None
    except DatabaseError:
        engine.dispose()
        raise
    sessions = sessionmaker(engine, expire_on_commit=False)
    if read_only:
        event.listen(sessions, "before_flush", _refuse_writes)
    return Database(url=url, engine=engine, sessions=sessions, read_only=read_only)


def _refuse_writes(session: Session, _context: Any, _instances: Any) -> None:
    """Every write path on a read-only database (a snapshot) stops here with a clear message."""
    if session.new or session.dirty or session.deleted:
        raise ReadOnlyError(
            "This database is a read-only snapshot: nothing can be changed or saved here; "
            "open the live database to make changes"
        )


def _describe_dbapi_error(url: str, exc: DBAPIError) -> str:
    where = make_url(url).render_as_string(hide_password=True)
    first_line = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
    if "not a database" in first_line or "malformed" in first_line:
        return f"Database {where} is damaged or not an SQLite file: {first_line}"
    if "unable to open" in first_line or "readonly" in first_line:
        return f"Cannot open database {where}: {first_line}"
    return f"Cannot use database {where}: {first_line}"


_DAMAGE_MARKERS = ("malformed", "not a database", "disk i/o error", "database disk image")


def failure_while_running(exc: DBAPIError) -> DatabaseError | None:
    """A DatabaseError for a failure of the database itself met after opening it (file damaged,
    disk full or read-only, server gone); None for errors that are bugs (constraint, SQL)."""
    first_line = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
    if isinstance(exc, OperationalError):
        return DatabaseError(
            f"The database stopped working: {first_line} — check the connection or the disk, "
            "then try again"
        )
    if type(exc) is SADatabaseError and any(m in first_line.lower() for m in _DAMAGE_MARKERS):
        return DatabaseError(
            f"The database file is damaged: {first_line} — restore the latest backup"
        )
    return None


def conflict_error(exc: StaleDataError) -> ConflictError:
    """The user-facing form of an optimistic-lock failure (a `version_id_col` mismatch)."""
    found = re.search(r"table '(\w+)'", str(exc))
    what = f"This {found.group(1).replace('_', ' ')}" if found else "This record"
    return ConflictError(
        f"{what} was changed by someone else since you opened it; nothing was saved — "
        "reload it and make your change again"
    )


@contextmanager
def session_scope(db: Database) -> Iterator[Session]:
    """A session in one transaction: committed on success, rolled back on any error.

    An optimistic-lock conflict (someone saved the same row meanwhile) becomes ConflictError.
    """
    try:
        with db.sessions() as session, session.begin():
            yield session
    except StaleDataError as exc:
        raise conflict_error(exc) from None
