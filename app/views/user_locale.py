"""The Babel locale the GUI formats money and dates with.

COLLECTA_LOCALE (e.g. `fr_FR`) wins, then the system locale Qt reports; anything Babel does not
know falls back to app.services.formatting.DEFAULT_LOCALE.
"""

from __future__ import annotations

import os

from babel import Locale, UnknownLocaleError
from PySide6.QtCore import QLocale

from app.services.formatting import DEFAULT_LOCALE

ENV_LOCALE = "COLLECTA_LOCALE"


def babel_locale() -> str:
    for candidate in (os.environ.get(ENV_LOCALE), QLocale.system().name()):
        if not candidate or candidate in ("C", "POSIX"):
            continue
        try:
            Locale.parse(candidate)
        except (UnknownLocaleError, ValueError):
            continue
        return candidate
    return DEFAULT_LOCALE
