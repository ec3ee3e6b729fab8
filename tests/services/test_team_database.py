"""The team database's password comes from the OS keyring when the URL has none (open_database),
a keyring failure is a plain DatabaseError, and a connection failure is said in plain words.
Each `db` test runs on SQLite and, with COLLECTA_TEST_PG, on PostgreSQL (trust auth: any password
is accepted, so the tests check which password reached the driver)."""

from __future__ import annotations

import getpass
import os
import socket

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.errors import KeyringError, NoKeyringError
from sqlalchemy import event, func, select
from sqlalchemy.engine import make_url

from app.db import open_database, schema_head
from app.errors import DatabaseError, UserError
from app.models import Debtor, ReminderPlan
from app.services.database_password import (
    forget_password,
    password_key,
    save_password,
    stored_password,
)
from app.services.new_database import create_empty_database
from app.services.team_database import TeamDatabase, probe

SERVICE = "Collecta"


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _with_user(url: str) -> str:
    """The test URL with the user libpq would pick, so the keyring key names someone."""
    parsed = make_url(url)
    if parsed.username:
        return url
    user = os.environ.get("PGUSER") or getpass.getuser()
    return parsed.set(username=user).render_as_string(hide_password=False)


@pytest.fixture
def asked(memory_keyring, monkeypatch) -> list[tuple[str, str]]:
    """Every keyring lookup, in order."""
    seen: list[tuple[str, str]] = []
    original = memory_keyring.get_password

    def recording(service: str, username: str) -> str | None:
        seen.append((service, username))
        return original(service, username)

    monkeypatch.setattr(memory_keyring, "get_password", recording)
    return seen


def _password_sent(engine) -> str | None:
    """The password the driver receives on a fresh connection."""
    sent: list[str | None] = []

    def capture(_dialect, _record, _cargs, cparams):
        sent.append(cparams.get("password"))

    event.listen(engine, "do_connect", capture)
    engine.dispose()
    with engine.connect():
        pass
    event.remove(engine, "do_connect", capture)
    return sent[0]


def test_a_server_url_without_password_connects_with_the_keyrings(db, asked):
    url = _with_user(db.url) if not db.is_sqlite else db.url
    if db.is_sqlite:  # a file has no password: the keyring is never asked
        opened = open_database(url)
        assert asked == []
        opened.engine.dispose()
        return
    parsed = make_url(url)
    save_password(parsed, "s3cret")
    opened = open_database(url)
    try:
        key = f"database:{parsed.username}@{parsed.host}:{parsed.port or 5432}/{parsed.database}"
        assert asked == [(SERVICE, key)]
        assert opened.url == url  # what Collecta remembers and shows has no password
        assert "s3cret" not in opened.describe()
        assert _password_sent(opened.engine) == "s3cret"
    finally:
        opened.engine.dispose()
    # A password in the URL wins: the keyring is not asked.
    typed = parsed.set(password="in-the-url").render_as_string(hide_password=False)
    opened = open_database(typed)
    assert len(asked) == 1
    assert _password_sent(opened.engine) == "in-the-url"
    opened.engine.dispose()
    # Nothing stored: libpq's pgpass (here: trust) decides, as before.
    forget_password(parsed)
    opened = open_database(url)
    assert asked[1:] == [(SERVICE, key)]
    assert _password_sent(opened.engine) is None
    opened.engine.dispose()


def test_the_key_is_user_host_port_and_database():
    assert password_key(make_url("postgresql://collecta@db.example.lan/team")) == \
        "database:collecta@db.example.lan:5432/team"
    assert password_key(make_url(
        "postgresql+psycopg://ana@10.0.0.5:6543/ar?options=-csearch_path%3Dx")) == \
        "database:ana@10.0.0.5:6543/ar"


def test_save_and_forget_the_password(memory_keyring):
    url = make_url("postgresql://collecta@db.example.lan:5432/team")
    save_password(url, "first")
    save_password(url, "second")
    assert memory_keyring.secrets == {(SERVICE, "database:collecta@db.example.lan:5432/team"):
                                      "second"}
    assert stored_password(url) == "second"
    forget_password(url)
    forget_password(url)  # nothing stored: not an error
    assert memory_keyring.secrets == {}


class _BrokenKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self, error: KeyringError) -> None:
        super().__init__()
        self.error = error

    def get_password(self, service, username):
        raise self.error

    def set_password(self, service, username, password):
        raise self.error

    def delete_password(self, service, username):
        raise self.error


@pytest.fixture
def broken_keyring():
    previous = keyring.get_keyring()

    def install(error: KeyringError) -> None:
        keyring.set_keyring(_BrokenKeyring(error))

    yield install
    keyring.set_keyring(previous)


def test_a_keyring_error_is_a_plain_database_error(broken_keyring):
    broken_keyring(KeyringError("the keyring is locked"))
    url = f"postgresql://collecta@127.0.0.1:{_closed_port()}/team"
    with pytest.raises(DatabaseError) as caught:
        open_database(url)
    port = make_url(url).port
    assert str(caught.value) == (
        f"The password of database postgresql://collecta@127.0.0.1:{port}/team cannot be read "
        "from the system keyring: the keyring is locked")
    with pytest.raises(DatabaseError, match="cannot be kept in the system keyring: the keyring "
                                            "is locked"):
        save_password(make_url(url), "x")


def test_a_computer_without_keyring_connects_as_before(broken_keyring):
    """No keyring backend at all (a server running the CLI with pgpass): nothing stored."""
    broken_keyring(NoKeyringError("No recommended backend was available"))
    port = _closed_port()
    with pytest.raises(DatabaseError, match=f"127.0.0.1.*{port}.*refused"):
        open_database(f"postgresql://collecta@127.0.0.1:{port}/team")


def test_a_server_that_does_not_answer_is_said_plainly(memory_keyring):
    port = _closed_port()
    with pytest.raises(UserError) as caught:
        probe(TeamDatabase("127.0.0.1", port, "team", "collecta"), "pw")
    assert str(caught.value) == (
        f"Cannot connect to database team on 127.0.0.1:{port}: no server answers there; check "
        "the server name and port, and that PostgreSQL is running")


@pytest.mark.parametrize(("team", "message"), [
    (TeamDatabase(" ", 5432, "team", "collecta"), "Team database: the server is empty"),
    (TeamDatabase("db", 5432, "", "collecta"), "Team database: the database is empty"),
    (TeamDatabase("db", 5432, "team", ""), "Team database: the user is empty"),
    (TeamDatabase("db", 0, "team", "u"), "Team database: port 0 is not a valid port (1–65535)"),
])
def test_the_fields_are_checked_before_connecting(team, message):
    with pytest.raises(UserError) as caught:
        probe(team, None)
    assert str(caught.value) == message


def test_the_remembered_url_never_holds_the_password():
    team = TeamDatabase("db.example.lan", 5433, "ar team", "ana@corp")
    assert team.url() == "postgresql://ana%40corp@db.example.lan:5433/ar team"
    assert TeamDatabase.from_url(make_url(team.url())) == team


def test_a_new_empty_database_has_the_schema_and_plans_and_no_data(tmp_path):
    path = tmp_path / "firm" / "dupuis.db"
    db = create_empty_database(path)
    try:
        assert path.is_file()
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == \
                schema_head()
        with db.sessions() as s:
            assert s.scalar(select(func.count()).select_from(ReminderPlan)) >= 1
            assert s.scalar(select(func.count()).select_from(Debtor)) == 0
    finally:
        db.engine.dispose()
    before = path.read_bytes()
    with pytest.raises(UserError, match="already exists: open it with File → Open database…"):
        create_empty_database(path)
    assert path.read_bytes() == before
