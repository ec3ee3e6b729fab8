"""Start the GUI: `run_gui(db_url)` opens the main window; `smoke=True` opens it offscreen, loads
the worklist, waits until it is painted, prints `smoke ok: N worklist rows` and returns 0.

On first start (no database at the default location) the demo ledger is generated so that a
fresh install shows data. Which database opens, and what happens when the one used last cannot
be opened, is in start_database.py; no database to open is a message and exit status 2.
"""

from __future__ import annotations

import os
import sys
import time

from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop, QObject, QTimer
from PySide6.QtWidgets import QApplication

from app import __version__
from app.clock import today
from app.config import APP_AUTHOR, APP_NAME
from app.views.context import AppContext
from app.views.current_user import current_user_name
from app.views.icons import app_icon
from app.views.main_window import MainWindow
from app.views.start_database import open_start_database
from app.views.user_locale import babel_locale
from app.views.worklist_view import WorklistView

FIRST_START_DEBTORS = 300
FIRST_START_SEED = 7
SMOKE_TIMEOUT_S = 120.0


def _application(smoke: bool) -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    if smoke:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    app = QApplication([sys.argv[0] if sys.argv else "collecta"])
    app.setOrganizationName(APP_AUTHOR)
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    return app


def run_gui(db_url: str | None, smoke: bool = False) -> int:
    app = _application(smoke)
    app.setWindowIcon(app_icon())
    started = open_start_database(db_url, smoke)
    if started is None:
        return 2
    db, first_start = started.db, started.first_start
    ctx = AppContext(db, current_user_name(db), today(), locale=babel_locale())
    window = MainWindow(ctx)
    if smoke:
        return _smoke(window, first_start)
    window.show()
    if first_start:
        window.fill_with_demo(FIRST_START_DEBTORS, FIRST_START_SEED)
    status = app.exec()
    db.engine.dispose()
    return status


class _PaintWatch(QObject):
    """Quits `loop` once the watched widget has received a paint event."""

    def __init__(self, loop: QEventLoop) -> None:
        super().__init__()
        self.loop = loop
        self.painted = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Paint and not self.painted:
            self.painted = True
            QTimer.singleShot(0, self.loop.quit)  # after the paint has completed
        return False


def _smoke(window: MainWindow, first_start: bool) -> int:
    ctx = window.ctx
    assert ctx.jobs is not None
    errors: list[str] = []
    ctx.jobs.error_handler = lambda job: errors.append(f"{job.title}: {job.error}")
    window.save_state_on_close = False
    view = window.show_page("worklist")
    window.show()
    if first_start:
        window.fill_with_demo(FIRST_START_DEBTORS, FIRST_START_SEED)
    try:
        if not isinstance(view, WorklistView):
            raise RuntimeError("the worklist page is not a WorklistView")
        deadline = time.monotonic() + SMOKE_TIMEOUT_S
        while (ctx.jobs.busy() or view.loading) and time.monotonic() < deadline and not errors:
            ctx.jobs.wait_idle(int((deadline - time.monotonic()) * 1000))
        if errors:
            raise RuntimeError("; ".join(errors))
        if ctx.jobs.busy() or view.loading:
            raise RuntimeError(f"the worklist did not load within {SMOKE_TIMEOUT_S:.0f} s")
        loop = QEventLoop()
        watch = _PaintWatch(loop)
        view.table.viewport().installEventFilter(watch)
        view.table.viewport().update()
        QTimer.singleShot(int(max(deadline - time.monotonic(), 0) * 1000), loop.quit)
        loop.exec()
        if not watch.painted:
            raise RuntimeError("the worklist was never painted")
        rows = len(view.model.all_rows())
    except Exception as exc:  # noqa: BLE001 - smoke mode reports any failure as status 2
        print(f"collecta: smoke failed: {exc}", file=sys.stderr)
        return 2
    finally:
        window.close()
        window.deleteLater()
        QCoreApplication.processEvents()
        ctx.db.engine.dispose()
    print(f"smoke ok: {rows} worklist rows")
    return 0
