"""The team's shared PostgreSQL database: test a connection, then connect (File → Connect to team
database…). The password typed in is kept in the OS keyring only once the database opened, so
a typo never replaces the stored one (services/database_password.py says under which key)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import inspect
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError

from app.db import Database, make_engine, open_database, schema_head
from app.errors import DatabaseError, UserError
from app.schema_version import current_revision
from app.services.collection.plans import install_default_plans
from app.services.database_password import connect_url, save_password

DEFAULT_PORT = 5432

# libpq's words for the usual failures, and what to say instead (first match wins).
_PLAIN_REASONS = (
    ("password authentication failed", "the server refused user {user}: wrong user or password"),
    ("no password supplied", "the server wants a password for user {user}; type it in"),
    ("does not exist", "{detail}"),
    ("connection refused", "no server answers there; check the server name and port, and "
     "that PostgreSQL is running"),
    ("could not translate host name", "the server name {host} is unknown"),
    ("name or service not known", "the server name {host} is unknown"),
    ("timeout expired", "the server did not answer within 5 seconds"),
    ("no pg_hba.conf entry", "the server does not accept connections from this computer for "
     "user {user} (pg_hba.conf)"),
)


@dataclass(frozen=True, slots=True)
class TeamDatabase:
    """Where the team's database is, as typed in the dialog."""

    host: str
    port: int
    database: str
    user: str

    def validate(self) -> None:
        for what, value in (("server", self.host), ("database", self.database),
                            ("user", self.user)):
            if not value.strip():
                raise UserError(f"Team database: the {what} is empty")
        if not 0 < self.port < 65536:
            raise UserError(f"Team database: port {self.port} is not a valid port (1–65535)")

    def url(self) -> str:
        """The URL Collecta opens and remembers: never with the password."""
        return URL.create("postgresql", username=self.user.strip(), host=self.host.strip(),
                          port=self.port, database=self.database.strip()
                          ).render_as_string(hide_password=False)

    @classmethod
    def from_url(cls, url: URL) -> TeamDatabase:
        return cls(url.host or "", url.port or DEFAULT_PORT, url.database or "",
                   url.username or "")


@dataclass(frozen=True, slots=True)
class ProbeResult:
    """What a test connection found."""

    server_version: str  # e.g. "15.4"
    revision: str | None  # the Collecta schema in the database, None when it has none
    other_tables: bool  # tables, but not Collecta's

    def describe(self) -> str:
        server = f"Connected to PostgreSQL {self.server_version}"
        head = schema_head()
        if self.revision == head:
            return f"{server}. Collecta database, schema {head} (up to date)."
        if self.revision is not None:
            return (f"{server}. Collecta database, schema {self.revision}: this Collecta uses "
                    f"{head}, Connect upgrades it (or refuses it if it is newer).")
        if self.other_tables:
            return (f"{server}, but the database holds other tables and no Collecta schema: "
                    "choose an empty database or the team's Collecta database.")
        return f"{server}. The database is empty: Collecta will create the tables."


def plain_error(team: TeamDatabase, exc: DBAPIError) -> DatabaseError:
    """The driver's failure in words a credit controller can act on."""
    detail = str(exc.orig).strip() if exc.orig else str(exc)
    lowered = detail.lower()
    first = detail.splitlines()[0].removeprefix("connection failed: ")
    for marker, words in _PLAIN_REASONS:
        if marker in lowered:
            reason = words.format(user=team.user, host=team.host, port=team.port,
                                  detail=first.split(": ")[-1].strip())
            return DatabaseError(f"Cannot connect to {_where(team)}: {reason}")
    return DatabaseError(f"Cannot connect to {_where(team)}: {first}")


def _where(team: TeamDatabase) -> str:
    return f"database {team.database} on {team.host}:{team.port}"


def probe(team: TeamDatabase, password: str | None) -> ProbeResult:
    """Connect once and say what is there, writing nothing. `password` None or empty: the one
    stored in the keyring, else pgpass."""
    team.validate()
    url = team.url()
    engine = make_engine(url, password=connect_url(make_url(url), password).password)
    try:
        with engine.connect() as conn:
            version = str(conn.exec_driver_sql("SHOW server_version").scalar_one())
            revision = current_revision(conn)
            tables = bool(inspect(conn).get_table_names()) if revision is None else True
    except DBAPIError as exc:
        raise plain_error(team, exc) from None
    finally:
        engine.dispose()
    return ProbeResult(version.split(" ")[0], revision, revision is None and tables)


def connect(team: TeamDatabase, password: str | None) -> Database:
    """Open the team's database, creating or upgrading its schema like any start does; an
    empty one also gets the shipped reminder plans (as `collecta init`). A typed password is
    kept in the keyring once the database opened; if it cannot be kept, the database is closed
    again and the error says why."""
    found = probe(team, password)
    if found.other_tables:
        raise DatabaseError(f"Database {team.database} on {team.host}:{team.port} holds other "
                            "tables and no Collecta schema; choose an empty database or the "
                            "team's Collecta database")
    db = open_database(team.url(), password=password or None)
    try:
        if found.revision is None:
            install_default_plans(db)
        if password:
            try:
                save_password(make_url(db.url), password)
            except DatabaseError as exc:
                raise DatabaseError(
                    f"{exc}. Collecta did not switch to it: without a keyring, leave the password "
                    "empty and put it in the PostgreSQL password file (pgpass)") from None
    except BaseException:
        db.engine.dispose()
        raise
    return db
