"""Engines, sessions and schema upgrades for SQLite (default) and PostgreSQL (shared mode).

`open_database(url)` is the one entry point: it checks the database answers, refuses one written
by a newer Collecta, backs a SQLite file up with the online backup API before migrating, and
upgrades the schema to the current head.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError
from sqlalchemy.orm import Session, sessionmaker

from app.config import migrations_dir
from app.errors import DatabaseError

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


def _sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
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


def make_engine(url: str, *, read_only: bool = False) -> Engine:
    """An engine for `url`: SQLite with WAL, foreign keys, busy timeout; PostgreSQL via psycopg."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseError(f"Database URL '{url}' is not valid: {exc}") from None
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
    except NoSuchModuleError:
        raise DatabaseError(
            f"Database URL '{parsed.render_as_string(hide_password=True)}' names a driver "
            "Collecta does not have"
        ) from None


def _alembic_config(connection: Any) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    cfg.attributes["connection"] = connection
    return cfg


def schema_head() -> str:
    script = ScriptDirectory.from_config(_alembic_config(None))
    head = script.get_current_head()
    assert head is not None
    return head


def _prepare_sqlite_file(path: Path) -> None:
    if path.exists():
        if path.is_dir():
            raise DatabaseError(f"Database path {path} is a folder, not a database file")
        with path.open("rb") as fh:
            header = fh.read(16)
        if header and header != b"SQLite format 3\x00":
            raise DatabaseError(f"{path} is not a Collecta database (not an SQLite file)")
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseError(f"Cannot create the folder {path.parent}: {exc.strerror}") from None
    probe = path.parent / f".collecta-write-test-{path.name}"
    try:
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise DatabaseError(
            f"Cannot write a database in {path.parent}: {exc.strerror}"
        ) from None


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
    script = ScriptDirectory.from_config(_alembic_config(None))
    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
        has_tables = bool(inspect(conn).get_table_names())
    if current == head:
        return
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
        command.upgrade(_alembic_config(conn), "head")


def open_database(url: str, *, upgrade: bool = True, read_only: bool = False) -> Database:
    """Open (creating if needed) and upgrade the database at `url`.

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
    engine = make_engine(url, read_only=read_only)
    try:
        if upgrade and not read_only:
            _upgrade(engine, path)
        else:
            with engine.connect() as conn:
                current = MigrationContext.configure(conn).get_current_revision()
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
    return Database(url=url, engine=engine, sessions=sessions, read_only=read_only)


def _describe_dbapi_error(url: str, exc: DBAPIError) -> str:
    where = make_url(url).render_as_string(hide_password=True)
    first_line = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
    if "not a database" in first_line or "malformed" in first_line:
        return f"Database {where} is damaged or not an SQLite file: {first_line}"
    if "unable to open" in first_line or "readonly" in first_line:
        return f"Cannot open database {where}: {first_line}"
    return f"Cannot use database {where}: {first_line}"


@contextmanager
def session_scope(db: Database) -> Iterator[Session]:
    """A session in one transaction: committed on success, rolled back on any error."""
    with db.sessions() as session, session.begin():
        yield session
