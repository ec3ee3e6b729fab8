"""The worklist's "Calls today (N)" tab: the current user's call tasks next to the debtor list.

Opening the worklist must not wait for the calls: the count loads in the background a moment
after the worklist's rows are in (on the same "read" lane, so it never competes with them), and
the calls screen (with its service imports) is built the first time the tab is chosen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QStackedWidget, QTabBar, QWidget

from app.services.changes import ChangeSet
from app.views.context import AppContext

if TYPE_CHECKING:
    from app.services.dispatch.calls import CallTask
    from app.views.calls_view import CallsTodayView

READ_LANE = "read"
FIRST_COUNT_DELAY_MS = 1500  # the first count waits until the freshly opened worklist is in use
DEBTORS_TAB, CALLS_TAB = 0, 1


class CallsTodayTab(QObject):
    """Owns the tab bar and the stack (debtor list | calls screen) of a worklist view."""

    def __init__(self, ctx: AppContext, debtors: QWidget, parent: QWidget) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.tabs = QTabBar()
        self.tabs.setDocumentMode(True)
        self.tabs.setExpanding(False)
        self.tabs.addTab("Debtors")
        self.tabs.addTab("Calls today")
        self.tabs.setTabToolTip(CALLS_TAB, "Your call tasks due today, with each debtor's "
                                           "context and the outcome form")
        self.stack = QStackedWidget()
        self.stack.addWidget(debtors)
        self.view: CallsTodayView | None = None
        self.tasks: list[CallTask] | None = None  # from the last count, while no view exists
        self.count: int | None = None
        self.counting = False
        self._count_pending = False
        self._first_done = False
        self._count_when_shown = False
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.count_now)
        self.tabs.currentChanged.connect(self._tab_changed)
        self.tabs.installEventFilter(self)
        ctx.changed.connect(self._on_changed)
        ctx.as_of_changed.connect(lambda _d: self.request_count())

    # --- the count ---------------------------------------------------------------------------
    def worklist_loaded(self) -> None:
        """The worklist's rows are in: count the calls soon (once; changes recount)."""
        if not self._first_done and not self.timer.isActive() and self.view is None:
            self.timer.start(FIRST_COUNT_DELAY_MS)

    def _on_changed(self, change: ChangeSet) -> None:
        if change.everything or change.campaigns or change.settings or change.debtor_ids:
            self.request_count()

    def request_count(self) -> None:
        self.tasks = None
        if self.view is None and (self._first_done or self.counting):
            self.timer.start(0)

    def count_now(self) -> None:
        if self.view is not None:  # the calls screen keeps its own list (and the count) fresh
            return
        if not self.tabs.isVisible():  # a closed window or another page: count once shown
            self._count_when_shown = True
            return
        if self.counting:
            self._count_pending = True
            return
        from app.views.calls_view import load_calls

        assert self.ctx.jobs is not None
        self.counting = True
        job = self.ctx.jobs.run("Counting today's calls",
                                load_calls(self.ctx.as_of, self.ctx.user_name), self._counted,
                                lane=READ_LANE, show_progress=False)
        job.finished.connect(self._count_finished)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.tabs and event.type() == QEvent.Type.Show and self._count_when_shown:
            self._count_when_shown = False
            self.timer.start(0)
        return super().eventFilter(watched, event)

    def _counted(self, tasks: list[CallTask]) -> None:
        self.tasks = tasks
        self.set_count(len(tasks))

    def _count_finished(self, _job: Any) -> None:
        self.counting = False
        self._first_done = True
        if self._count_pending:
            self._count_pending = False
            self.tasks = None
            self.count_now()

    def set_count(self, n: int) -> None:
        self.count = n
        self.tabs.setTabText(CALLS_TAB, f"Calls today ({n})")

    # --- switching ---------------------------------------------------------------------------
    def show_calls(self) -> CallsTodayView:
        self.tabs.setCurrentIndex(CALLS_TAB)
        assert self.view is not None
        return self.view

    def _tab_changed(self, index: int) -> None:
        if index == CALLS_TAB and self.view is None:
            from app.views.calls_view import CallsTodayView

            self.timer.stop()
            fresh = None if self.counting or self._count_pending else self.tasks
            self.view = CallsTodayView(self.ctx, tasks=fresh)
            self.view.loaded.connect(self.set_count)
            self.stack.addWidget(self.view)
        self.stack.setCurrentIndex(index)
