"""Read-only connections to an accounting database; the password comes from the OS keyring.

The keyring is asked only when the URL has no password and a source name is given (service
"Collecta", key = the source name). SQLite files are opened with `mode=ro`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import keyring
from keyring.errors import KeyringError
from sqlalchemy import Connection, Engine, create_engine
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

from app.errors import UserError

KEYRING_SERVICE = "Collecta"
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class SourceUnavailable(UserError):
    """The accounting database cannot be reached or read."""


def identifier(name: str, what: str) -> str:
    """A table or column name from a mapping file, refused unless it is a plain identifier."""
    if not _IDENT.match(name):
        raise UserError(f"{what} '{name}' in the mapping is not a plain table/column name")
    return name


def source_url(url: str, source_name: str | None) -> URL:
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise UserError(f"Source URL '{url}' is not valid: {exc}") from None
    if parsed.password is None and source_name and not parsed.drivername.startswith("sqlite"):
        try:
            secret = keyring.get_password(KEYRING_SERVICE, source_name)
        except KeyringError as exc:
            raise SourceUnavailable(f"The password of source '{source_name}' cannot be read "
                                    f"from the system keyring: {exc or type(exc).__name__}"
                                    ) from None
        if secret:
            parsed = parsed.set(password=secret)
    return parsed


def _engine(url: URL) -> Engine:
    try:
        if url.drivername.startswith("sqlite"):
            path = url.database
            if not path or path == ":memory:":
                raise UserError("A SQLite source must be a file")
            return create_engine(f"sqlite:///file:{path}?mode=ro&uri=true")
        return create_engine(url)
    except (NoSuchModuleError, ImportError) as exc:  # unknown dialect, or its driver missing
        raise SourceUnavailable(f"No driver for {url.drivername} ({exc}; for SQL Server "
                                "install pyodbc and use mssql+pyodbc://…)") from None


@contextmanager
def read_only(url: str, source_name: str | None = None) -> Iterator[Connection]:
    """A connection that only reads; the transaction is rolled back at the end."""
    parsed = source_url(url, source_name)
    engine = _engine(parsed)
    where = parsed.render_as_string(hide_password=True)
    try:
        with engine.connect() as conn:
            if engine.dialect.name == "postgresql":
                conn.exec_driver_sql("SET TRANSACTION READ ONLY")
            yield conn
            conn.rollback()
    except DBAPIError as exc:
        first = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise SourceUnavailable(f"Cannot read {where}: {first}") from None
    finally:
        engine.dispose()
