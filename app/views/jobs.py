"""The job runner: a service function in a QThread, progress in a dialog, errors in one dialog.

Every background task of the GUI goes through `ctx.jobs.run(title, work, on_done)`:

- `work(job_ctx)` runs in its own QThread and opens its own session from `job_ctx.db`
  (`with job_ctx.session() as s: ...`); it reports through `job_ctx.progress(done, total, msg)`
  and checks `job_ctx.cancelled()`. It must not touch widgets.
- `on_done(result)` runs on the GUI thread once `work` returned, unless the user cancelled.
- A `UserError` is shown in the error dialog with its message; any other exception is shown with
  a short text and the traceback under "Show details".
- Lanes: jobs on the same lane run one at a time, in order ("write" is the default lane, so two
  writes never race for the database); jobs on the "network" lane run in parallel.
"""

from __future__ import annotations

import threading
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import Any, Generic, TypeVar

import shiboken6
from PySide6.QtCore import QEventLoop, QObject, Qt, QThread, QTimer, Signal, Slot
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget
from sqlalchemy.orm import Session

from app.db import Database, session_scope
from app.errors import UserError

T = TypeVar("T")

WRITE_LANE = "write"
PARALLEL_LANE = "network"
PROGRESS_INTERVAL_S = 0.05  # at most 20 progress signals a second cross the thread boundary


class JobContext:
    """What a job's work function gets: the database, a progress callback, a cancel check and
    a pause check (work that can pause looks at it between steps)."""

    def __init__(self, db: Database, progress: Callable[[int, int, str], None],
                 cancelled: Callable[[], bool],
                 paused: Callable[[], bool] = lambda: False) -> None:
        self.db = db
        self.progress = progress
        self.cancelled = cancelled
        self.paused = paused

    def session(self) -> AbstractContextManager[Session]:
        """A session in one transaction (committed on success), owned by this job's thread."""
        return session_scope(self.db)


class Job(QObject, Generic[T]):
    """One submitted piece of work. `state`: queued, running, done, failed or cancelled."""

    progressed = Signal(int, int, str)
    finished = Signal(object)  # this Job, after on_done ran (or the error was shown)

    def __init__(self, title: str, work: Callable[[JobContext], T],
                 on_done: Callable[[T], None] | None, cancellable: bool, lane: str,
                 show_progress: bool) -> None:
        super().__init__()
        self.title = title
        self.work = work
        self.on_done = on_done
        self.cancellable = cancellable
        self.lane = lane
        self.show_progress = show_progress
        self.state = "queued"
        self.result: T | None = None
        self.error: BaseException | None = None
        self.traceback_text = ""
        self._cancel = threading.Event()
        self._pause = threading.Event()

    def cancel(self) -> None:
        if self.cancellable:
            self._cancel.set()

    def pause(self) -> None:
        self._pause.set()

    def resume(self) -> None:
        self._pause.clear()

    @property
    def paused(self) -> bool:
        return self._pause.is_set()

    @property
    def cancel_requested(self) -> bool:
        return self._cancel.is_set()


class _JobThread(QThread):
    progressed = Signal(int, int, str)

    def __init__(self, job: Job[Any], db: Database) -> None:
        super().__init__()
        self.job = job
        self.db = db
        self._last_emit = 0.0

    def _progress(self, done: int, total: int, message: str) -> None:
        now = time.monotonic()
        if done >= total or now - self._last_emit >= PROGRESS_INTERVAL_S:
            self._last_emit = now
            self.progressed.emit(int(done), int(total), str(message))

    def run(self) -> None:
        ctx = JobContext(self.db, self._progress, self.job._cancel.is_set, self.job._pause.is_set)
        try:
            self.job.result = self.job.work(ctx)
        except BaseException as exc:  # noqa: BLE001 - delivered to the GUI thread, shown there
            self.job.error = exc
            self.job.traceback_text = traceback.format_exc()


class _JobBridge(QObject):
    """Lives on the GUI thread and receives one job's thread signals (queued), so no slot needs
    QObject.sender()."""

    def __init__(self, runner: JobRunner, job: Job[Any], thread: _JobThread,
                 dialog: QProgressDialog | None) -> None:
        super().__init__(runner)
        self.runner = runner
        self.job = job
        self.worker = thread
        self.dialog = dialog

    @Slot(int, int, str)
    def on_progress(self, done: int, total: int, message: str) -> None:
        self.job.progressed.emit(done, total, message)
        dialog = self.dialog
        if dialog is not None and not self.job.cancel_requested:
            dialog.setMaximum(max(total, 0))
            dialog.setValue(min(done, total) if total > 0 else 0)
            dialog.setLabelText(f"{self.job.title}\n{message}" if message else self.job.title)

    @Slot()
    def on_finished(self) -> None:
        self.runner._job_finished(self)


class JobRunner(QObject):
    """Runs jobs for the pages; `idle` is emitted when nothing is queued or running."""

    idle = Signal()

    def __init__(self, parent_widget: QWidget | None, db: Database) -> None:
        super().__init__(parent_widget)
        self.parent_widget = parent_widget
        self.db = db
        self.error_handler: Callable[[Job[Any]], None] | None = None
        self.last_error_box: QMessageBox | None = None
        self._queues: dict[str, deque[Job[Any]]] = {}
        self._running: dict[Job[Any], _JobBridge] = {}

    def run(self, title: str, work: Callable[[JobContext], T],
            on_done: Callable[[T], None] | None = None, *, cancellable: bool = True,
            lane: str = WRITE_LANE, show_progress: bool = True) -> Job[T]:
        job: Job[T] = Job(title, work, on_done, cancellable, lane, show_progress)
        if lane == PARALLEL_LANE:
            self._start(job)
        else:
            self._queues.setdefault(lane, deque()).append(job)
            self._start_next(lane)
        return job

    def busy(self) -> bool:
        return bool(self._running) or any(self._queues.values())

    def jobs(self) -> Iterator[Job[Any]]:
        yield from self._running
        for queue in self._queues.values():
            yield from queue

    def wait_idle(self, timeout_ms: int = 30_000) -> bool:
        """Process events until every job has finished; False on timeout (tests, smoke mode)."""
        if not self.busy():
            return True
        loop = QEventLoop()
        self.idle.connect(loop.quit)
        QTimer.singleShot(timeout_ms, loop.quit)
        loop.exec()
        self.idle.disconnect(loop.quit)
        return not self.busy()

    def _lane_running(self, lane: str) -> bool:
        return any(job.lane == lane for job in self._running)

    def _start_next(self, lane: str) -> None:
        queue = self._queues.get(lane)
        while queue and not self._lane_running(lane):
            job = queue.popleft()
            if job.cancel_requested:
                job.state = "cancelled"
                job.finished.emit(job)
                continue
            self._start(job)

    def _start(self, job: Job[Any]) -> None:
        job.state = "running"
        thread = _JobThread(job, self.db)
        dialog = self._progress_dialog(job) if job.show_progress else None
        bridge = _JobBridge(self, job, thread, dialog)
        # Qt owns the thread through the bridge: one deleteLater frees both, after wait().
        # A parentless QThread with a pending deleteLater could also be freed by Python's GC
        # (a double free that crashed the test run when a runner went out of scope).
        thread.setParent(bridge)
        thread.progressed.connect(bridge.on_progress, Qt.ConnectionType.QueuedConnection)
        thread.finished.connect(bridge.on_finished, Qt.ConnectionType.QueuedConnection)
        self._running[job] = bridge
        thread.start()

    def _progress_dialog(self, job: Job[Any]) -> QProgressDialog:
        cancel_text = "Cancel" if job.cancellable else ""
        dialog = QProgressDialog(job.title, cancel_text, 0, 0, self.parent_widget)
        dialog.setWindowTitle("Collecta")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(400)
        dialog.setMinimumWidth(440)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setValue(0)  # starts the dialog's clock: it appears if the job outlasts 400 ms
        if not job.cancellable:
            dialog.setCancelButton(None)
        dialog.canceled.connect(lambda: self._cancel_from_dialog(job, dialog))
        return dialog

    def _cancel_from_dialog(self, job: Job[Any], dialog: QProgressDialog) -> None:
        job.cancel()
        dialog.setLabelText(f"{job.title}\nCancelling…")

    def _job_finished(self, bridge: _JobBridge) -> None:
        job, thread, dialog = bridge.job, bridge.worker, bridge.dialog
        if self._running.pop(job, None) is None:
            return
        thread.wait()
        bridge.deleteLater()
        if dialog is not None:
            dialog.canceled.disconnect()  # closing a QProgressDialog emits canceled
            dialog.reset()
            dialog.close()
            dialog.deleteLater()
        # The lane's next job starts before on_done runs: an on_done that waits for the runner
        # to be idle (switching databases) must not wait for a job that cannot start.
        self._start_next(job.lane)
        try:
            self._deliver(job)
        finally:
            job.finished.emit(job)
            if not self.busy():
                self.idle.emit()

    def _deliver(self, job: Job[Any]) -> None:
        if job.error is not None:
            if job.cancel_requested and isinstance(job.error, UserError):
                job.state = "cancelled"
                return
            job.state = "failed"
            self._report(job)
            return
        if job.cancel_requested:
            job.state = "cancelled"
            return
        job.state = "done"
        if job.on_done is not None:
            try:
                job.on_done(job.result)
            except UserError as exc:
                job.state = "failed"
                job.error = exc
                self._report(job)

    def _report(self, job: Job[Any]) -> None:
        if self.error_handler is not None:
            self.error_handler(job)
            return
        self.show_error(job.title, job.error, job.traceback_text)

    def show_error(self, title: str, error: BaseException | None, details: str = "") -> None:
        """One error dialog at a time: a new error replaces the one on screen."""
        previous = self.error_box()
        if previous is not None:
            previous.close()
        box = QMessageBox(self.parent_widget)
        box.setIcon(QMessageBox.Icon.Critical)
        box.setWindowTitle("Collecta")
        if isinstance(error, UserError):
            box.setText(str(error))
        else:
            box.setText(f"“{title}” stopped because of an internal error.")
            box.setInformativeText(f"{type(error).__name__}: {error}")
            box.setDetailedText(details)
        box.setStandardButtons(QMessageBox.StandardButton.Ok)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.last_error_box = box
        box.open()

    def error_box(self) -> QMessageBox | None:
        """The error dialog on screen, if any."""
        box = self.last_error_box
        if box is None or not shiboken6.isValid(box) or not box.isVisible():
            return None
        return box
