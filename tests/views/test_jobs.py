"""The job runner: results on the GUI thread, one error dialog, cancellation, lanes."""

import threading
import time

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from app.errors import UserError
from app.views.jobs import JobContext, JobRunner


@pytest.fixture
def runner(qtbot, sqlite_db):
    parent = QWidget()
    qtbot.addWidget(parent)
    r = JobRunner(parent, sqlite_db)
    yield r
    for job in list(r.jobs()):
        job.cancel()
    r.wait_idle(5000)


def test_result_is_delivered_on_the_gui_thread(runner):
    seen = {}

    def work(job: JobContext) -> int:
        seen["work_thread"] = threading.current_thread()
        with job.session() as s:
            return s.connection().exec_driver_sql("select 6 * 7").scalar_one()

    def done(result: int) -> None:
        seen["result"] = result
        seen["done_thread"] = threading.current_thread()

    job = runner.run("Answer", work, done)
    assert runner.wait_idle(5000)
    assert job.state == "done"
    assert seen["result"] == 42
    assert seen["done_thread"] is threading.main_thread()
    assert seen["work_thread"] is not threading.main_thread()


def test_a_user_error_is_shown_in_one_error_dialog(runner):
    def work(job: JobContext) -> None:
        raise UserError("File ledger.csv, line 12, column Amount: '12,3,4' is not a number")

    called = []
    job = runner.run("Import", work, called.append)
    assert runner.wait_idle(5000)
    assert job.state == "failed" and called == []
    box = runner.error_box()
    assert box is not None
    assert box.text() == "File ledger.csv, line 12, column Amount: '12,3,4' is not a number"
    assert box.detailedText() == ""
    runner.run("Import again", work)
    assert runner.wait_idle(5000)
    assert runner.error_box() is not None
    dialogs = [w for w in runner.parent_widget.findChildren(type(box)) if w.isVisible()]
    assert len(dialogs) == 1  # the second error replaced the first dialog


def test_an_internal_error_shows_a_short_text_and_the_traceback(runner):
    def work(job: JobContext) -> None:
        {}["missing"]

    runner.run("Sync", work)
    assert runner.wait_idle(5000)
    box = runner.error_box()
    assert box is not None
    assert box.text() == "“Sync” stopped because of an internal error."
    assert box.informativeText() == "KeyError: 'missing'"
    assert "Traceback" in box.detailedText() and "missing" in box.detailedText()


def test_cancel_stops_a_long_job_and_skips_on_done(runner, qtbot):
    steps = []

    def work(job: JobContext) -> int:
        for i in range(10_000):
            if job.cancelled():
                return i
            steps.append(i)
            job.progress(i, 10_000, f"step {i}")
            time.sleep(0.002)
        return 10_000

    called = []
    job = runner.run("Long", work, called.append)
    qtbot.waitUntil(lambda: len(steps) > 5, timeout=5000)
    job.cancel()
    assert runner.wait_idle(5000)
    assert job.state == "cancelled"
    assert called == []
    assert len(steps) < 10_000
    assert runner.error_box() is None


def test_progress_reaches_the_gui(runner, qtbot):
    def work(job: JobContext) -> None:
        for i in range(1, 4):
            job.progress(i, 3, f"file {i} of 3")
            time.sleep(0.06)

    job = runner.run("Import", work)
    with qtbot.waitSignal(job.progressed, timeout=5000) as blocker:
        pass
    assert blocker.args[1] == 3
    assert runner.wait_idle(5000)


def test_writes_run_one_at_a_time_and_network_jobs_in_parallel(runner):
    active, overlaps = [0], []
    lock = threading.Lock()

    def work(job: JobContext) -> None:
        with lock:
            active[0] += 1
            overlaps.append(active[0])
        time.sleep(0.05)
        with lock:
            active[0] -= 1

    order = []
    for name in "abc":
        runner.run(name, work, lambda _r, n=name: order.append(n))
    assert runner.wait_idle(5000)
    assert order == ["a", "b", "c"] and max(overlaps) == 1

    overlaps.clear()
    gate = threading.Barrier(2, timeout=5)
    jobs = [runner.run(f"send {i}", lambda job: gate.wait(), lane="network") for i in range(2)]
    assert runner.wait_idle(5000)
    assert [j.state for j in jobs] == ["done", "done"]  # both waited for each other


def test_a_queued_job_cancelled_before_it_starts_never_runs(runner):
    ran = []
    first = runner.run("first", lambda job: time.sleep(0.05))
    second = runner.run("second", lambda job: ran.append(1))
    second.cancel()
    assert runner.wait_idle(5000)
    assert first.state == "done" and second.state == "cancelled" and ran == []


def test_the_progress_dialog_cancel_button_cancels(runner, qtbot):
    from PySide6.QtWidgets import QProgressDialog, QPushButton

    def work(job: JobContext) -> None:
        while not job.cancelled():
            job.progress(1, 4, "Generating debtors")
            time.sleep(0.01)

    job = runner.run("Demo", work)

    def dialog() -> QProgressDialog | None:
        found = [d for d in runner.parent_widget.findChildren(QProgressDialog) if d.isVisible()]
        return found[0] if found else None

    qtbot.waitUntil(lambda: dialog() is not None and dialog().maximum() == 4, timeout=5000)
    assert dialog().labelText() == "Demo\nGenerating debtors"
    qtbot.mouseClick(dialog().findChild(QPushButton), Qt.MouseButton.LeftButton)
    assert runner.wait_idle(5000)
    assert job.state == "cancelled"
    assert dialog() is None


def test_on_done_may_wait_for_the_jobs_queued_behind_it(runner):
    # switching databases in on_done waits for the runner to be idle: the queued job must run
    waited = []
    runner.run("first", lambda job: 1, lambda _r: waited.append(runner.wait_idle(5000)))
    second = runner.run("second", lambda job: time.sleep(0.05))
    assert runner.wait_idle(10_000)
    assert waited == [True] and second.state == "done"
