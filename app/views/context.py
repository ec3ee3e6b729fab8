"""What every page is given: the open database, the current user, the as-of date, the job runner,
and one signal that says what changed."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from app.db import Database
from app.services.changes import ChangeSet
from app.services.formatting import DEFAULT_LOCALE

if TYPE_CHECKING:
    from app.views.jobs import JobRunner
    from app.views.sources_page import SyncScheduler


class AppContext(QObject):
    """Shared by the main window and its pages. `changed` carries a ChangeSet.

    `open_debtor_requested` carries a debtor id: any page may ask for a debtor to be opened (the
    main window shows it in the Debtors section). `locale` is the Babel locale for money/dates.
    """

    changed = Signal(object)
    as_of_changed = Signal(object)
    open_debtor_requested = Signal(int)
    # {"segment": str} | {"manager": str} | {"debtor_id": int}: show the worklist filtered to it
    worklist_filter_requested = Signal(dict)
    # a long background task's state for the status bar ("Sending: 45 of 300"); "" when done
    background_status = Signal(str)

    def __init__(self, db: Database, user_name: str, as_of: date, parent: QObject | None = None,
                 *, locale: str = DEFAULT_LOCALE):
        super().__init__(parent)
        self.db = db
        self.user_name = user_name
        self.locale = locale
        self._as_of = as_of
        self.jobs: JobRunner | None = None
        self.sync_scheduler: SyncScheduler | None = None

    @property
    def as_of(self) -> date:
        return self._as_of

    def set_as_of(self, value: date) -> None:
        if value != self._as_of:
            self._as_of = value
            self.as_of_changed.emit(value)

    def broadcast(self, change: ChangeSet) -> None:
        self.changed.emit(change)

    def open_debtor(self, debtor_id: int) -> None:
        self.open_debtor_requested.emit(debtor_id)

    def open_worklist_filter(self, **criteria: object) -> None:
        """Ask for the worklist filtered to a segment, a manager or a debtor (dashboard clicks)."""
        self.worklist_filter_requested.emit(dict(criteria))

    @property
    def read_only(self) -> bool:
        return self.db.read_only
