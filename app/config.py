"""Where things live: the database URL, the user data folder, resources that also work frozen."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_data_dir

APP_NAME = "Collecta"
APP_AUTHOR = "Collecta"
ENV_DB = "COLLECTA_DB"
ENV_DATA_DIR = "COLLECTA_DATA_DIR"


def data_dir() -> Path:
    """The per-user folder that holds the default SQLite database and backups."""
    override = os.environ.get(ENV_DATA_DIR)
    return Path(override) if override else Path(user_data_dir(APP_NAME, APP_AUTHOR))


def default_db_url() -> str:
    return f"sqlite:///{(data_dir() / 'collecta.db').as_posix()}"


@dataclass(frozen=True, slots=True)
class DbChoice:
    """The database to open and why: "option" (--db), "environment" (COLLECTA_DB),
    "remembered" (the desktop's last database) or "default" (the file in the data folder)."""

    url: str
    origin: str


def choose_db(cli_value: str | None = None, remembered: str | None = None) -> DbChoice:
    """`--db` wins over COLLECTA_DB, then `remembered` (the GUI passes the database it used
    last, read from its settings; the CLI passes none), then the SQLite file in the data folder."""
    if cli_value:
        return DbChoice(cli_value, "option")
    if os.environ.get(ENV_DB):
        return DbChoice(os.environ[ENV_DB], "environment")
    default = default_db_url()
    if remembered and remembered != default:
        return DbChoice(remembered, "remembered")
    return DbChoice(default, "default")


def resolve_db_url(cli_value: str | None = None, remembered: str | None = None) -> str:
    """The URL of `choose_db`."""
    return choose_db(cli_value, remembered).url


def resources_dir() -> Path:
    """The resources/ folder, next to the sources or inside a PyInstaller bundle."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def migrations_dir() -> Path:
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "app" / "migrations"
    return Path(__file__).resolve().parent / "migrations"
