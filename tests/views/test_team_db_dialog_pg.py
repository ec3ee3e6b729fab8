"""File → Connect to team database… against the PostgreSQL of the test run (COLLECTA_TEST_PG):
Test says the server's version and what the database holds; Connect creates the tables in an
empty database, keeps the password in the keyring (not in the settings), switches the window,
and the next start reopens it with the keyring's password."""

from __future__ import annotations

from pathlib import Path

import keyring
import psycopg
from keyring.backend import KeyringBackend
from keyring.errors import NoKeyringError
from sqlalchemy import event, func, select
from sqlalchemy.engine import make_url

from app.db import schema_head
from app.models import ReminderPlan
from app.services.database_password import password_key
from app.views.settings_store import app_settings
from app.views.start_database import REMEMBERED_KEY, open_start_database
from app.views.team_db_dialog import ERROR_STYLE, OK_STYLE, TeamDatabaseDialog
from tests.pg_target import pg_team, requires_pg, scratch_pg_database

pytestmark = requires_pg
__all__ = ["scratch_pg_database"]  # the fixture, used by name


def _server_version() -> str:
    team = pg_team()
    dsn = f"host={team.host} port={team.port} dbname={team.database} user={team.user}"
    with psycopg.connect(dsn) as conn:
        return str(conn.execute("SHOW server_version").fetchone()[0]).split(" ")[0]


def _fill(dialog: TeamDatabaseDialog, team, password: str) -> None:
    dialog.host.setText(team.host)
    dialog.port.setValue(team.port)
    dialog.database_name.setText(team.database)
    dialog.user.setText(team.user)
    dialog.password.setText(password)


def test_test_shows_the_postgresql_version(window, qtbot):
    dialog = TeamDatabaseDialog(window.ctx, window)
    qtbot.addWidget(dialog)
    _fill(dialog, pg_team(), "any")
    dialog.run_test()
    assert window.ctx.jobs.wait_idle(15_000)
    assert dialog.outcome.text().startswith(f"Connected to PostgreSQL {_server_version()}")
    assert dialog.outcome.styleSheet() == OK_STYLE
    assert dialog.probed is not None and dialog.probed.server_version == _server_version()


def test_connect_creates_switches_keeps_the_password_and_the_next_start_reopens_it(
        window, qtbot, monkeypatch, memory_keyring, scratch_pg_database):
    team = scratch_pg_database
    dialog = TeamDatabaseDialog(window.ctx, window)
    qtbot.addWidget(dialog)
    _fill(dialog, team, "s3cret")
    dialog.run_test()
    assert window.ctx.jobs.wait_idle(15_000)
    assert dialog.outcome.text() == (f"Connected to PostgreSQL {_server_version()}. The database "
                                    "is empty: Collecta will create the tables.")

    def connect_from_the_menu(d: TeamDatabaseDialog) -> int:
        _fill(d, team, "s3cret")
        d.run_connect()
        assert window.ctx.jobs.wait_idle(60_000)
        return d.result()

    monkeypatch.setattr(TeamDatabaseDialog, "exec", connect_from_the_menu)
    window.connect_team_database()
    url = team.url()
    assert window.ctx.db.url == url
    assert not window.ctx.db.is_sqlite
    assert window.status_db.text() == url
    with window.ctx.db.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == \
            schema_head()
    with window.ctx.db.sessions() as s:
        assert s.scalar(select(func.count()).select_from(ReminderPlan)) >= 1
    key = f"database:{team.user}@{team.host}:{team.port}/{team.database}"
    assert memory_keyring.secrets == {("Collecta", key): "s3cret"}
    assert app_settings().value(REMEMBERED_KEY) == url  # no password in the settings file
    app_settings().sync()
    assert "s3cret" not in Path(app_settings().fileName()).read_text(encoding="utf-8")

    # The dialog opened again starts from the team database in use.
    again = TeamDatabaseDialog(window.ctx, window)
    qtbot.addWidget(again)
    assert (again.host.text(), again.port.value(), again.database_name.text(),
            again.user.text(), again.password.text()) == (team.host, team.port, team.database,
                                                           team.user, "")

    # Next start: the remembered database, connected with the keyring's password.
    window.close()
    window.ctx.db.engine.dispose()
    sent: list[str | None] = []
    started = open_start_database(None)
    assert started is not None and started.db.url == url and not started.first_start
    event.listen(started.db.engine, "do_connect",
                 lambda _d, _r, _a, params: sent.append(params.get("password")))
    started.db.engine.dispose()
    with started.db.engine.connect():
        pass
    started.db.engine.dispose()
    assert sent == ["s3cret"]
    assert password_key(make_url(url)) == key


def test_connect_refuses_a_database_that_is_not_collectas(window, qtbot, memory_keyring,
                                                          scratch_pg_database):
    team = scratch_pg_database
    dsn = f"host={team.host} port={team.port} dbname={team.database} user={team.user}"
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("CREATE TABLE payroll (id int)")
    before = window.ctx.db
    dialog = TeamDatabaseDialog(window.ctx, window)
    qtbot.addWidget(dialog)
    dialog.show()
    _fill(dialog, team, "s3cret")
    dialog.run_test()
    assert window.ctx.jobs.wait_idle(15_000)
    assert dialog.outcome.text().endswith("but the database holds other tables and no Collecta "
                                         "schema: choose an empty database or the team's "
                                         "Collecta database.")
    assert dialog.outcome.styleSheet() == ERROR_STYLE
    dialog.run_connect()
    assert window.ctx.jobs.wait_idle(15_000)
    assert dialog.outcome.text() == (
        f"Database {team.database} on {team.host}:{team.port} holds other tables and no "
        "Collecta schema; choose an empty database or the team's Collecta database")
    assert dialog.isVisible() and window.ctx.db is before
    assert memory_keyring.secrets == {}


class _NoKeyring(KeyringBackend):
    """A computer without any keyring backend."""

    priority = 1  # type: ignore[assignment]

    def get_password(self, service, username):
        raise NoKeyringError("No recommended backend was available")

    def set_password(self, service, username, password):
        raise NoKeyringError("No recommended backend was available")

    def delete_password(self, service, username):
        raise NoKeyringError("No recommended backend was available")


def test_a_password_that_cannot_be_kept_switches_nothing(window, qtbot, scratch_pg_database):
    team = scratch_pg_database
    before = window.ctx.db
    previous = keyring.get_keyring()
    keyring.set_keyring(_NoKeyring())
    try:
        dialog = TeamDatabaseDialog(window.ctx, window)
        qtbot.addWidget(dialog)
        dialog.show()
        _fill(dialog, team, "s3cret")
        dialog.run_connect()
        assert window.ctx.jobs.wait_idle(60_000)
    finally:
        keyring.set_keyring(previous)
    assert dialog.outcome.text() == (
        f"The password of database {team.url()} cannot be kept in the system keyring: No "
        "recommended backend was available. Collecta did not switch to it: without a keyring, "
        "leave the password empty and put it in the PostgreSQL password file (pgpass)")
    assert dialog.isVisible() and dialog.database is None
    assert window.ctx.db is before
    assert app_settings().value(REMEMBERED_KEY) is None
