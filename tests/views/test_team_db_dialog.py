"""File → Connect to team database… and File → New empty database…, the parts that need no
PostgreSQL server (test_team_db_dialog_pg.py has the rest): refusals are said in the dialog,
nothing is switched or stored; a new empty database is created, opened and remembered."""

from __future__ import annotations

import socket

from PySide6.QtWidgets import QDialog, QFileDialog
from sqlalchemy import func, select

from app.db import schema_head
from app.models import Debtor, ReminderPlan
from app.views.settings_page import SettingsPage
from app.views.settings_store import app_settings
from app.views.team_db_dialog import ERROR_STYLE, TeamDatabaseDialog


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _fill(dialog: TeamDatabaseDialog, host: str, port: int, database: str, user: str,
          password: str = "") -> None:
    dialog.host.setText(host)
    dialog.port.setValue(port)
    dialog.database_name.setText(database)
    dialog.user.setText(user)
    dialog.password.setText(password)


def _file_menu_texts(window) -> list[str]:
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&File")
    return [a.text() for a in menu.actions() if a.text()]


def test_the_file_menu_offers_both(window):
    texts = _file_menu_texts(window)
    assert "&Connect to team database…" in texts
    assert "New &empty database…" in texts
    assert texts.index("New &empty database…") < texts.index("&Open database…")


def test_test_says_what_is_missing(window, qtbot):
    dialog = TeamDatabaseDialog(window.ctx, window)
    qtbot.addWidget(dialog)
    assert dialog.port.value() == 5432  # a SQLite database in use: nothing to start from
    assert dialog.host.text() == ""
    dialog.run_test()
    assert window.ctx.jobs.wait_idle(10_000)
    assert dialog.outcome.text() == "Team database: the server is empty"
    assert dialog.outcome.styleSheet() == ERROR_STYLE
    assert dialog.test_button.isEnabled()


def test_a_wrong_port_is_said_plainly_and_connect_changes_nothing(window, qtbot,
                                                                  memory_keyring):
    before = window.ctx.db
    port = _closed_port()
    dialog = TeamDatabaseDialog(window.ctx, window)
    qtbot.addWidget(dialog)
    dialog.show()
    _fill(dialog, "127.0.0.1", port, "collecta", "collecta", "s3cret")
    dialog.run_test()
    assert not dialog.test_button.isEnabled()  # one test at a time
    assert window.ctx.jobs.wait_idle(15_000)
    expected = (f"Cannot connect to database collecta on 127.0.0.1:{port}: no server answers "
                "there; check the server name and port, and that PostgreSQL is running")
    assert dialog.outcome.text() == expected
    assert dialog.probed is None
    dialog.run_connect()
    assert window.ctx.jobs.wait_idle(15_000)
    assert dialog.outcome.text() == expected
    assert dialog.isVisible() and dialog.database is None  # stays open to correct the port
    assert window.ctx.db is before
    assert memory_keyring.secrets == {}  # a password that did not connect is not kept
    assert app_settings().value("database/last_url") is None


def test_cancel_in_the_menu_keeps_the_database(window, monkeypatch):
    before = window.ctx.db
    monkeypatch.setattr(TeamDatabaseDialog, "exec", lambda _d: QDialog.DialogCode.Rejected)
    window.connect_team_database()
    assert window.ctx.db is before


def test_new_empty_database_is_created_opened_and_remembered(window, qtbot, monkeypatch,
                                                             tmp_path):
    chosen = tmp_path / "firm" / "dupuis"  # typed without the extension
    (tmp_path / "firm").mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *args, **kwargs: (str(chosen), "")))
    window.new_empty_database()
    target = tmp_path / "firm" / "dupuis.db"
    url = f"sqlite:///{target.as_posix()}"
    assert window.ctx.db.url == url
    assert app_settings().value("database/last_url") == url
    assert app_settings().value("database/last_folder") == str(tmp_path / "firm")
    with window.ctx.db.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == \
            schema_head()
    with window.ctx.db.sessions() as s:
        assert s.scalar(select(func.count()).select_from(ReminderPlan)) >= 1
        assert s.scalar(select(func.count()).select_from(Debtor)) == 0  # no demo
    page = window.stack.currentWidget()
    assert isinstance(page, SettingsPage)
    assert page.tabs.tabText(page.tabs.currentIndex()) == "Company"
    assert window.statusBar().currentMessage().startswith("New empty database ready: enter your "
                                                          "company here")
    assert window.status_db.text().endswith("dupuis.db")
    worklist = window.page("worklist")
    qtbot.waitUntil(lambda: not worklist.loading)
    assert worklist.model.rowCount() == 0


def test_new_empty_database_never_replaces_a_file(window, monkeypatch, tmp_path):
    before = window.ctx.db
    existing = tmp_path / "books.db"
    existing.write_bytes(b"keep me")
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *args, **kwargs: (str(existing), "")))
    window.new_empty_database()
    assert window.ctx.db is before
    assert existing.read_bytes() == b"keep me"
    box = window.ctx.jobs.error_box()
    assert box is not None
    assert box.text() == (f"{existing} already exists: open it with File → Open database…, or "
                          "choose a new file name for a new database")
