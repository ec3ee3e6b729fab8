"""File → New empty database…: a save dialog for the file, then services/new_database.py makes it
(schema and reminder plans, no demo), the window switches to it and opens Settings → Company,
where a firm starts: its letterhead first, then its team on the Users tab."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog, QTabWidget

from app.config import data_dir
from app.db import Database
from app.errors import UserError
from app.services.new_database import create_empty_database
from app.views.settings_store import app_settings, read_str

if TYPE_CHECKING:
    from app.views.main_window import MainWindow

TITLE = "New empty database"
GUIDE = "New empty database ready: enter your company here, then your team on the Users tab"


def choose_new_file(window: MainWindow) -> Path | None:
    folder = read_str(app_settings(), "database/last_folder", str(data_dir()))
    path, _ = QFileDialog.getSaveFileName(
        window, TITLE, str(Path(folder) / "collecta-company.db"), "Collecta database (*.db)",
        options=QFileDialog.Option.DontConfirmOverwrite)  # an existing file is refused anyway
    if not path:
        return None
    target = Path(path)
    return target if target.suffix else target.with_suffix(".db")


def new_empty_database(window: MainWindow) -> Database | None:
    """Ask for the file, create it, switch to it and show where to start; None if cancelled or
    refused (the reason is shown in the error dialog)."""
    target = choose_new_file(window)
    if target is None:
        return None
    app_settings().setValue("database/last_folder", str(target.parent))
    jobs = window.ctx.jobs
    assert jobs is not None
    try:
        db = create_empty_database(target)
    except UserError as exc:
        jobs.show_error(TITLE, exc)
        return None
    window.switch_database(db)
    page = window.show_page("settings")
    tabs = getattr(page, "tabs", None)
    if isinstance(tabs, QTabWidget):
        for index in range(tabs.count()):
            if tabs.tabText(index) == "Company":
                tabs.setCurrentIndex(index)
    window.statusBar().showMessage(GUIDE, 30_000)
    return db
