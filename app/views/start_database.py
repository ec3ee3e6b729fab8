"""Which database the app opens at start: `--db`, then COLLECTA_DB, then the database this desktop
used last (QSettings "database/last_url", saved by MainWindow.switch_database), then the default
SQLite file (app/config.py `choose_db`; the CLI never reads the remembered one).

A remembered database that cannot be opened (server down, file deleted or moved) is named in a
message box that offers the default local database instead, or to quit: never a crash, never a
silent switch. A remembered SQLite file that is gone is not recreated empty.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import QMessageBox
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from app.config import DbChoice, choose_db, data_dir, default_db_url
from app.db import Database, open_database
from app.errors import DatabaseError
from app.views.settings_store import app_settings, read_str

REMEMBERED_KEY = "database/last_url"
OPEN_DEFAULT = "Open the local database"
QUIT = "Quit"


@dataclass(frozen=True)
class Started:
    db: Database
    first_start: bool  # the default file did not exist yet: fill it with the demo ledger


def remembered_url() -> str | None:
    return read_str(app_settings(), REMEMBERED_KEY) or None


def is_first_start(url: str) -> bool:
    return url == default_db_url() and not (data_dir() / "collecta.db").exists()


def _describe(url: str) -> str:
    try:
        parsed = make_url(url)
    except ArgumentError:
        return url
    if parsed.get_backend_name() == "sqlite":
        return parsed.database or url
    return parsed.render_as_string(hide_password=True)


def _open(url: str, remembered: bool) -> Started:
    first = is_first_start(url)
    if remembered:
        try:
            parsed = make_url(url)
        except ArgumentError:
            raise DatabaseError(f"'{url}' is not a database address") from None
        path = parsed.database if parsed.get_backend_name() == "sqlite" else None
        if path and path != ":memory:" and not Path(path).is_file():
            raise DatabaseError(f"The file {path} no longer exists (deleted, moved or on a "
                                "drive that is not connected)")
    return Started(open_database(url), first)


def offer_default(url: str, reason: DatabaseError) -> bool:
    """Ask whether to open the default local database instead; False means quit."""
    where = _describe(url)
    why = str(reason).split(f"{where}: ", 1)[-1]  # the database is named once, above
    box = QMessageBox()
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("Collecta")
    box.setStyleSheet("#qt_msgbox_label, #qt_msgbox_informativelabel { min-width: 440px; }")
    box.setText(f"The database you used last cannot be opened:\n{where}")
    box.setInformativeText(f"{why[:1].upper()}{why[1:]}\n\nOpen your local database "
                           f"({_describe(default_db_url())}) instead, or quit and try again "
                           "later?")
    open_default = box.addButton(OPEN_DEFAULT, QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QUIT, QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(open_default)
    box.exec()
    return box.clickedButton() is open_default


def _refuse(exc: DatabaseError, smoke: bool) -> None:
    print(f"collecta: {exc}", file=sys.stderr)
    if not smoke:
        QMessageBox.critical(None, "Collecta", f"The database cannot be opened.\n\n{exc}")


def open_start_database(cli_value: str | None, smoke: bool = False) -> Started | None:
    """The database to start with, or None (the reason was said) when there is none to open."""
    choice: DbChoice = choose_db(cli_value, remembered_url())
    remembered = choice.origin == "remembered"
    try:
        return _open(choice.url, remembered)
    except DatabaseError as exc:
        if not remembered:
            _refuse(exc, smoke)
            return None
        if smoke:  # nobody to ask: say which database and why, switch to nothing
            _refuse(DatabaseError(f"The database used last, {_describe(choice.url)}, cannot be "
                                  f"opened: {exc}"), smoke)
            return None
        if not offer_default(choice.url, exc):
            return None
    try:
        return _open(default_db_url(), remembered=False)
    except DatabaseError as exc:
        _refuse(exc, smoke)
        return None
