"""The password of a server database (the team's PostgreSQL) lives in the OS keyring.

ARCHITECTURE.md, Configuration and secrets: a password is never in QSettings, a file or a log, so
the URL Collecta remembers has none. The keyring entry is service "Collecta", key
"database:USER@HOST:PORT/DATABASE" taken from the URL as written (host "localhost" and port 5432
for PostgreSQL when the URL gives none; query options such as search_path are not part of it).

A password in the URL, or none in the keyring (libpq then reads pgpass), keeps working as before.
A computer without any keyring backend (a server running the CLI) counts as "none stored"; any
other keyring failure is a DatabaseError saying so.
"""

from __future__ import annotations

import contextlib

import keyring
from keyring.errors import KeyringError, NoKeyringError
from sqlalchemy.engine import URL

from app.errors import DatabaseError

KEYRING_SERVICE = "Collecta"
_DEFAULT_PORTS = {"postgresql": 5432}


def password_key(url: URL) -> str:
    """The keyring key of the database at `url` (see the module docstring)."""
    port = url.port or _DEFAULT_PORTS.get(url.get_backend_name()) or ""
    return f"database:{url.username or ''}@{url.host or 'localhost'}:{port}/{url.database or ''}"


def _where(url: URL) -> str:
    return url.set(password=None).render_as_string(hide_password=True)


def stored_password(url: URL) -> str | None:
    """The keyring's password for `url`; None when none is stored or there is no keyring."""
    try:
        return keyring.get_password(KEYRING_SERVICE, password_key(url))
    except NoKeyringError:
        return None
    except KeyringError as exc:
        raise DatabaseError(
            f"The password of database {_where(url)} cannot be read from the system keyring: "
            f"{exc or type(exc).__name__}") from None


def connect_url(url: URL, password: str | None = None) -> URL:
    """`url` with the password to connect with: `password` if given, else the URL's own, else
    the keyring's (server databases only; SQLite has no password)."""
    if url.get_backend_name() == "sqlite":
        return url
    if password:
        return url.set(password=password)
    if url.password is not None:
        return url
    secret = stored_password(url)
    return url.set(password=secret) if secret else url


def save_password(url: URL, password: str) -> None:
    """Keep `password` for `url` in the keyring (replacing the one stored before)."""
    try:
        keyring.set_password(KEYRING_SERVICE, password_key(url), password)
    except KeyringError as exc:
        raise DatabaseError(
            f"The password of database {_where(url)} cannot be kept in the system keyring: "
            f"{exc or type(exc).__name__}") from None


def forget_password(url: URL) -> None:
    """Remove the stored password of `url`; nothing stored, or no keyring, is not an error."""
    with contextlib.suppress(KeyringError):
        keyring.delete_password(KEYRING_SERVICE, password_key(url))
