"""What every page is given: the open database, the current user, the as-of date, the job runner,
and one signal that says what changed."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from app.db import Database
from app.services.changes import ChangeSet

if TYPE_CHECKING:
    from app.views.jobs import JobRunner


class AppContext(QObject):
    """Shared by the main window and its pages. `changed` carries a ChangeSet."""

    changed = Signal(object)
    as_of_changed = Signal(object)

    def __init__(self, db: Database, user_name: str, as_of: date, parent: QObject | None = None):
        super().__init__(parent)
        self.db = db
        self.user_name = user_name
        self._as_of = as_of
        self.jobs: JobRunner | None = None

    @property
    def as_of(self) -> date:
        return self._as_of

    def set_as_of(self, value: date) -> None:
        if value != self._as_of:
            self._as_of = value
            self.as_of_changed.emit(value)

    def broadcast(self, change: ChangeSet) -> None:
        self.changed.emit(change)

    @property
    def read_only(self) -> bool:
        return self.db.read_only
