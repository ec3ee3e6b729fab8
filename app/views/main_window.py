"""The main window: navigation on the left, one page per section, File and Help menus, and a
status bar with the database, the user and the as-of date. Pages are built on first visit."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QWidget,
)

from app import __version__
from app.db import Database, open_database, schema_head
from app.errors import UserError
from app.services import formatting
from app.services.changes import ChangeSet
from app.views.context import AppContext
from app.views.current_user import current_user_name
from app.views.demo_dialog import DemoDatabaseDialog, run_demo_job
from app.views.jobs import JobRunner
from app.views.pages import PageSpec, page_specs
from app.views.settings_store import app_settings, read_str
from app.views.snapshot_actions import install_snapshot_support
from app.views.sources_page import SyncScheduler


class MainWindow(QMainWindow):
    def __init__(self, ctx: AppContext, specs: list[PageSpec] | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        ctx.setParent(self)
        ctx.jobs = JobRunner(self, ctx.db)
        self.specs = {s.key: s for s in (specs or page_specs())}
        self.pages: dict[str, QWidget] = {}
        self.save_state_on_close = True
        self.setWindowTitle("Collecta")
        self.setMinimumSize(QSize(960, 600))
        self._build_navigation()
        self._build_menus()
        self._build_status_bar()
        install_snapshot_support(self)
        self._start_sync_scheduler()
        ctx.open_debtor_requested.connect(self.open_debtor)
        ctx.worklist_filter_requested.connect(self.show_worklist_filtered)
        ctx.changed.connect(lambda _change: self._update_status())
        ctx.as_of_changed.connect(lambda _day: self._update_status())
        self._restore_geometry()

    # --- layout ------------------------------------------------------------------------------
    def _build_navigation(self) -> None:
        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setFixedWidth(168)
        self.nav.setFrameShape(QListWidget.Shape.NoFrame)
        self.nav.setStyleSheet(
            "#navigation { background: palette(window); border-right: 1px solid palette(mid);"
            " padding-top: 8px; outline: 0; }"
            "#navigation::item { padding: 9px 14px; border-radius: 4px; margin: 1px 6px; }"
            "#navigation::item:selected { background: palette(highlight);"
            " color: palette(highlighted-text); }")
        font = self.nav.font()
        font.setPointSizeF(font.pointSizeF() * 1.08)
        self.nav.setFont(font)
        for spec in self.specs.values():
            item = QListWidgetItem(spec.title)
            item.setData(Qt.ItemDataRole.UserRole, spec.key)
            self.nav.addItem(item)
        self.stack = QStackedWidget()
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.nav.currentRowChanged.connect(self._nav_changed)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self._action(file_menu, "&Import ledger file…", self.import_ledger_file)
        file_menu.addSeparator()
        self._action(file_menu, "New &empty database…", self.new_empty_database)
        self._action(file_menu, "&New demo database…", self.new_demo_database)
        self._action(file_menu, "&Open database…", self.open_database_file,
                     QKeySequence.StandardKey.Open)
        self._action(file_menu, "&Connect to team database…", self.connect_team_database)
        file_menu.addSeparator()
        self._action(file_menu, "&Quit", self.close, QKeySequence.StandardKey.Quit)
        help_menu = self.menuBar().addMenu("&Help")
        self._action(help_menu, "&About Collecta", self.about)

    def _action(self, menu: object, text: str, slot: object,
                shortcut: QKeySequence.StandardKey | None = None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        menu.addAction(action)  # type: ignore[attr-defined]
        return action

    def _build_status_bar(self) -> None:
        self.status_db = QLabel()
        self.status_user = QLabel()
        self.status_as_of = QLabel()
        for label in (self.status_db, self.status_user, self.status_as_of):
            label.setContentsMargins(8, 0, 8, 0)
            self.statusBar().addPermanentWidget(label)
        self._update_status()

    def _start_sync_scheduler(self) -> None:
        """Sync configured ledger sources every N minutes while the app is open."""
        self.status_sync = QLabel()
        self.status_sync.setContentsMargins(8, 0, 8, 0)
        self.statusBar().insertPermanentWidget(0, self.status_sync)
        # a send in progress, seen from every page; the link opens the Sending page
        self.status_background = QLabel()
        self.status_background.setContentsMargins(8, 0, 8, 0)
        self.status_background.linkActivated.connect(lambda _key: self.show_page("dispatch"))
        self.statusBar().insertPermanentWidget(0, self.status_background)
        self.ctx.background_status.connect(self._show_background_status)
        scheduler = SyncScheduler(self.ctx, self)
        scheduler.status_changed.connect(self.status_sync.setText)
        self.ctx.sync_scheduler = scheduler
        scheduler.start()

    def _show_background_status(self, text: str) -> None:
        label = self.status_background
        label.setText(f'<a href="dispatch">{text}</a>' if text else "")
        # a rich-text label does not grow by itself inside the status bar's layout
        label.setMinimumWidth(label.fontMetrics().horizontalAdvance(text) + 20 if text else 0)

    def import_ledger_file(self) -> None:
        from app.views.import_wizard import ImportWizard  # pandas: loaded when first used

        ImportWizard(self.ctx, self).exec()

    def _update_status(self) -> None:
        self.status_db.setText(self.ctx.db.describe())
        self.status_user.setText(f"User: {self.ctx.user_name}")
        self.status_as_of.setText(f"As of {formatting.day(self.ctx.as_of, self.ctx.locale)}")
        self.setWindowTitle(f"Collecta — {_short_name(self.ctx.db)}")

    # --- pages -------------------------------------------------------------------------------
    def page(self, key: str) -> QWidget | None:
        return self.pages.get(key)

    def show_page(self, key: str) -> QWidget:
        """The page of section `key`, built on first use, made current."""
        if key not in self.pages:
            widget = self.specs[key].factory(self.ctx)
            self.pages[key] = widget
            self.stack.addWidget(widget)
        self.stack.setCurrentWidget(self.pages[key])
        row = list(self.specs).index(key)
        if self.nav.currentRow() != row:
            self.nav.blockSignals(True)
            self.nav.setCurrentRow(row)
            self.nav.blockSignals(False)
        return self.pages[key]

    def _nav_changed(self, row: int) -> None:
        if row >= 0:
            self.show_page(list(self.specs)[row])

    def open_debtor(self, debtor_id: int) -> None:
        page = self.show_page("debtors")
        opener = getattr(page, "open_debtor", None)
        if callable(opener):
            opener(debtor_id)

    def show_worklist_filtered(self, criteria: dict[str, object]) -> None:
        page = self.show_page("worklist")
        show_only = getattr(page, "show_only", None)
        if callable(show_only):
            show_only(criteria)

    # --- databases ---------------------------------------------------------------------------
    def switch_database(self, db: Database) -> None:
        """Show another database: every page reloads, opened debtors close."""
        old = self.ctx.db
        assert self.ctx.jobs is not None
        self.ctx.jobs.wait_idle()
        self.ctx.db = db
        self.ctx.jobs.db = db
        self.ctx.user_name = current_user_name(db)
        self.ctx.broadcast(ChangeSet(everything=True))
        if old is not db:
            old.engine.dispose()
        app_settings().setValue("database/last_url", db.url)

    def fill_with_demo(self, debtors: int, seed: int) -> None:
        """Generate the demo ledger into the open (empty) database, then show it."""
        def done(_summary: object) -> None:
            # The demo brings the team's users: whoever this desktop is, it is one of them now
            # (at first start the name was chosen before any user existed: the OS login).
            self.ctx.user_name = current_user_name(self.ctx.db)
            self.ctx.broadcast(ChangeSet(everything=True))

        run_demo_job(self.ctx, self.ctx.db, debtors, seed, done)

    def new_demo_database(self) -> None:
        dialog = DemoDatabaseDialog(self)
        if dialog.exec() != DemoDatabaseDialog.DialogCode.Accepted:
            return
        try:
            db = dialog.prepare_database(self.ctx.db)
        except UserError as exc:
            assert self.ctx.jobs is not None
            self.ctx.jobs.show_error("New demo database", exc)
            return
        run_demo_job(self.ctx, db, dialog.debtors(), dialog.seed(),
                     lambda _summary: self.switch_database(db))

    def new_empty_database(self) -> None:
        from app.views.new_database import new_empty_database

        new_empty_database(self)

    def connect_team_database(self) -> None:
        from app.views.team_db_dialog import TeamDatabaseDialog

        dialog = TeamDatabaseDialog(self.ctx, self)
        accepted = dialog.exec() == TeamDatabaseDialog.DialogCode.Accepted
        dialog.deleteLater()
        if accepted and dialog.database is not None:
            self.switch_database(dialog.database)

    def open_database_file(self) -> None:
        start = str(Path(read_str(app_settings(), "database/last_folder", str(Path.home()))))
        path, _ = QFileDialog.getOpenFileName(self, "Open a Collecta database", start,
                                              "Collecta database (*.db *.sqlite);;All files (*)")
        if not path:
            return
        app_settings().setValue("database/last_folder", str(Path(path).parent))
        try:
            db = open_database(f"sqlite:///{Path(path).as_posix()}")
        except UserError as exc:
            assert self.ctx.jobs is not None
            self.ctx.jobs.show_error("Open database", exc)
            return
        self.switch_database(db)

    def about(self) -> None:
        QMessageBox.about(
            self, "About Collecta",
            f"<h3>Collecta {__version__}</h3><p>Accounts-receivable collection for credit "
            f"controllers.</p><p>Database schema {schema_head()}<br>{self.ctx.db.describe()}</p>")

    # --- window state ------------------------------------------------------------------------
    def _restore_geometry(self) -> None:
        s = app_settings()
        geometry = s.value("window/geometry")
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1280, 780)
        last = read_str(s, "window/page", "worklist")
        self.show_page(last if last in self.specs else next(iter(self.specs)))

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        sending = self.status_background.text()
        if sending and self.isVisible() and QMessageBox.question(
                self, "Collecta", "Messages are being sent. Quit anyway? The message in hand "
                "finishes; the rest stays queued for the next send.",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No) != QMessageBox.StandardButton.Yes:
            event.ignore()
            return
        if self.ctx.jobs is not None:
            for job in list(self.ctx.jobs.jobs()):
                job.cancel()
            self.ctx.jobs.wait_idle(10_000)
        if self.save_state_on_close:
            self._save_state()
        super().closeEvent(event)

    def _save_state(self) -> None:
        s = app_settings()
        s.setValue("window/geometry", self.saveGeometry())
        current = next((k for k, w in self.pages.items() if w is self.stack.currentWidget()), None)
        if current:
            s.setValue("window/page", current)
        for widget in self.pages.values():
            for view in [widget, *widget.findChildren(QWidget)]:
                saver = getattr(view, "save_layout", None)
                if callable(saver):
                    saver()


def _short_name(db: Database) -> str:
    if db.is_sqlite:
        return Path(db.engine.url.database or "memory").name
    return db.describe()
