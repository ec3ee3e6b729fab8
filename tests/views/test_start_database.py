"""Which database opens at start: --db, COLLECTA_DB, the one this desktop used last, the default
file; a remembered database that cannot be opened is named and the default offered (or quit).
The CLI never reads the remembered one."""

from __future__ import annotations

import shutil
import socket
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox

from app.cli import main
from app.config import choose_db, default_db_url, resolve_db_url
from app.views.app import run_gui
from app.views.settings_store import app_settings
from app.views.start_database import OPEN_DEFAULT, QUIT, REMEMBERED_KEY, open_start_database


def _url(path: Path) -> str:
    return f"sqlite:///{path.as_posix()}"


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def other_db(tmp_path, sqlite_template) -> Path:
    path = tmp_path / "team-copy.db"
    shutil.copyfile(sqlite_template, path)
    return path


@pytest.fixture
def answer(monkeypatch):
    """Answer the start-up message box with the button named `answer.choice`; what it said is
    kept in `answer.seen` (text, informative text, button texts)."""
    class Answer:
        choice = OPEN_DEFAULT
        seen: list[tuple[str, str, list[str]]] = []

    def click(box: QMessageBox) -> int:
        buttons = {b.text(): b for b in box.buttons()}
        Answer.seen.append((box.text(), box.informativeText(), sorted(buttons)))
        buttons[Answer.choice].click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", click)
    return Answer


def test_the_order_is_option_environment_remembered_default(monkeypatch, tmp_path):
    default = default_db_url()
    assert default == _url(tmp_path / "data" / "collecta.db")
    assert choose_db(None, None).origin == "default"
    assert choose_db(None, "sqlite:///D:/team.db").url == "sqlite:///D:/team.db"
    assert choose_db(None, "sqlite:///D:/team.db").origin == "remembered"
    assert choose_db(None, default).origin == "default"  # remembering the default is the default
    monkeypatch.setenv("COLLECTA_DB", "postgresql://team@db/collecta")
    assert resolve_db_url(None, "sqlite:///D:/team.db") == "postgresql://team@db/collecta"
    assert choose_db(None, "sqlite:///D:/team.db").origin == "environment"
    assert resolve_db_url("sqlite:///E:/x.db", "sqlite:///D:/team.db") == "sqlite:///E:/x.db"


def test_open_database_then_the_next_start_reopens_it(window, monkeypatch, other_db, capsys,
                                                       tmp_path):
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *args, **kwargs: (str(other_db), "")))
    window.open_database_file()
    assert app_settings().value(REMEMBERED_KEY) == _url(other_db)
    window.close()
    assert run_gui(None, smoke=True) == 0
    assert capsys.readouterr().out == "smoke ok: 0 worklist rows\n"  # the copy, not the demo
    assert not (tmp_path / "data" / "collecta.db").exists()  # no first-start demo either


def test_the_environment_wins_over_the_remembered_database(qapp, monkeypatch, other_db,
                                                           tmp_path, sqlite_template):
    app_settings().setValue(REMEMBERED_KEY, _url(other_db))
    env_db = tmp_path / "from-env.db"
    shutil.copyfile(sqlite_template, env_db)
    monkeypatch.setenv("COLLECTA_DB", _url(env_db))
    started = open_start_database(None)
    assert started is not None and started.db.url == _url(env_db)
    assert not started.first_start
    started.db.engine.dispose()
    started = open_start_database(_url(other_db))  # and --db over both
    assert started is not None and started.db.url == _url(other_db)
    started.db.engine.dispose()


def test_a_deleted_remembered_file_offers_the_default_and_is_not_recreated(qapp, tmp_path,
                                                                           answer):
    gone = tmp_path / "moved" / "team.db"
    app_settings().setValue(REMEMBERED_KEY, _url(gone))
    started = open_start_database(None)
    assert started is not None
    assert started.db.url == default_db_url()
    assert started.first_start  # the default file is new: the demo fills it, as any first start
    started.db.engine.dispose()
    text, informative, buttons = answer.seen[-1]
    assert text == f"The database you used last cannot be opened:\n{gone.as_posix()}"
    assert informative.startswith(f"The file {gone.as_posix()} no longer exists")
    assert f"Open your local database ({(tmp_path / 'data' / 'collecta.db').as_posix()})" \
        in informative
    assert buttons == [OPEN_DEFAULT, QUIT]
    assert not gone.exists() and not gone.parent.exists()


def test_quit_opens_nothing(qapp, tmp_path, answer):
    answer.choice = QUIT
    app_settings().setValue(REMEMBERED_KEY, "postgresql://collecta@127.0.0.1:"
                                            f"{_closed_port()}/collecta")
    assert open_start_database(None) is None
    text, informative, _buttons = answer.seen[-1]
    assert text.startswith("The database you used last cannot be opened:\npostgresql://collecta@")
    assert "refused" in informative
    assert not (tmp_path / "data" / "collecta.db").exists()


def test_an_unreachable_server_in_smoke_mode_is_status_2_naming_it(qapp, capsys, answer):
    port = _closed_port()
    app_settings().setValue(REMEMBERED_KEY, f"postgresql://collecta@127.0.0.1:{port}/collecta")
    assert run_gui(None, smoke=True) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"collecta: The database used last, postgresql://collecta@127.0.0.1:"
                          f"{port}/collecta, cannot be opened: Cannot use database")
    assert answer.seen == []  # nobody to ask in smoke mode


def test_the_cli_ignores_the_remembered_database(qapp, other_db, tmp_path, capsys):
    app_settings().setValue(REMEMBERED_KEY, _url(other_db))
    assert main(["init"]) == 0
    assert (f"Database ready: {_url(tmp_path / 'data' / 'collecta.db')}"
            in capsys.readouterr().out)
