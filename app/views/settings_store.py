"""Per-user settings (window geometry, last filters, chosen user) in QSettings.

Organisation and application are both "Collecta". Setting COLLECTA_SETTINGS_DIR keeps them in
an INI file in that folder instead, so tests and benchmarks never touch the user's own settings.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings

from app.config import APP_AUTHOR, APP_NAME

ENV_SETTINGS_DIR = "COLLECTA_SETTINGS_DIR"


_open: dict[str, QSettings] = {}


def app_settings() -> QSettings:
    """One QSettings per location, kept open: Qt writes changes back in the background (and at
    exit), so saving a filter on every keystroke costs no file write."""
    folder = os.environ.get(ENV_SETTINGS_DIR) or ""
    settings = _open.get(folder)
    if settings is None:
        if folder:
            settings = QSettings(str(Path(folder) / "collecta.ini"), QSettings.Format.IniFormat)
        else:
            settings = QSettings(APP_AUTHOR, APP_NAME)
        _open[folder] = settings
    return settings


def read_bool(settings: QSettings, key: str, default: bool = False) -> bool:
    """INI files give booleans back as strings; normalise them."""
    value: Any = settings.value(key, default)
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes")
    return bool(value)


def read_str(settings: QSettings, key: str, default: str = "") -> str:
    value: Any = settings.value(key, default)
    return value if isinstance(value, str) else default
