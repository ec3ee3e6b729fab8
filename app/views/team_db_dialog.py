"""File → Connect to team database…: where the team's PostgreSQL database is, a "Test connection"
that says what it found, and Connect, which opens it (creating or upgrading the schema) so the
main window can switch to it. Both run in the background (PARALLEL_LANE): a server that does not
answer never freezes the window. The password goes to the OS keyring once connected, never to
the settings file; the decisions live in services/team_database.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.engine import make_url

from app.db import Database
from app.errors import UserError
from app.services.team_database import DEFAULT_PORT, ProbeResult, TeamDatabase, connect, probe
from app.views.context import AppContext
from app.views.jobs import PARALLEL_LANE, JobContext

OK_STYLE = "color: #166534;"
ERROR_STYLE = "color: #b00020;"
KEYRING_NOTE = ("The password is kept in this computer's keyring (Windows Credential Manager, "
                "macOS Keychain), never in a file. Leave it empty to use the one kept before.")


class TeamDatabaseDialog(QDialog):
    """`database` holds the opened database once Connect succeeded (the dialog is then
    accepted); the caller switches to it."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.database: Database | None = None
        self.probed: ProbeResult | None = None
        self._busy = False
        self.setWindowTitle("Connect to team database")
        self.setMinimumWidth(560)
        self.host = QLineEdit(placeholderText="e.g. db.example.lan")
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(DEFAULT_PORT)
        self.port.setGroupSeparatorShown(False)
        self.port.setMinimumWidth(self.port.fontMetrics().horizontalAdvance("65535") + 48)
        self.database_name = QLineEdit(placeholderText="e.g. collecta")
        self.user = QLineEdit(placeholderText="e.g. collecta")
        self.password = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("kept in the system keyring")
        note = QLabel(KEYRING_NOTE)
        note.setWordWrap(True)
        note.setStyleSheet("color: palette(placeholder-text);")
        intro = QLabel("Where the team's shared PostgreSQL database is (your IT department "
                       "knows). Everyone connected works on the same customers.")
        intro.setWordWrap(True)
        password_box = QVBoxLayout()
        password_box.setSpacing(2)
        password_box.addWidget(self.password)
        password_box.addWidget(note)
        port_row = QHBoxLayout()
        port_row.addWidget(self.port)
        port_row.addStretch(1)
        form = QFormLayout()
        form.addRow("Server", self.host)
        form.addRow("Port", port_row)
        form.addRow("Database", self.database_name)
        form.addRow("User", self.user)
        form.addRow("Password", password_box)
        self.test_button = QPushButton("Test connection")
        self.test_button.setToolTip("Connect once and say what the database holds; "
                                    "nothing is written")
        self.test_button.clicked.connect(self.run_test)
        self.outcome = QLabel()
        self.outcome.setWordWrap(True)
        self.outcome.setMinimumHeight(self.outcome.fontMetrics().lineSpacing() * 3)
        test_row = QHBoxLayout()
        test_row.addWidget(self.test_button, 0)
        test_row.addWidget(self.outcome, 1)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.connect_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.connect_button.setText("Connect")
        self.buttons.accepted.connect(self.run_connect)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addSpacing(4)
        layout.addLayout(form)
        layout.addLayout(test_row)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self._fill_from(ctx.db)

    def _fill_from(self, db: Database) -> None:
        """Start from the team database in use, if it is one."""
        if db.is_sqlite:
            return
        team = TeamDatabase.from_url(make_url(db.url))
        self.host.setText(team.host)
        self.port.setValue(team.port)
        self.database_name.setText(team.database)
        self.user.setText(team.user)

    def team(self) -> TeamDatabase:
        return TeamDatabase(self.host.text().strip(), self.port.value(),
                            self.database_name.text().strip(), self.user.text().strip())

    # --- background work -----------------------------------------------------------------
    def run_test(self) -> None:
        team, password = self.team(), self.password.text() or None

        def work(_jc: JobContext) -> ProbeResult | UserError:
            try:
                return probe(team, password)
            except UserError as exc:
                return exc

        self._start(f"Testing {team.host}:{team.port}", f"Connecting to {team.host or '…'}…",
                    work, self._tested)

    def _tested(self, outcome: ProbeResult | UserError) -> None:
        if isinstance(outcome, UserError):
            self.probed = None
            self._say(str(outcome), ERROR_STYLE)
            return
        self.probed = outcome
        self._say(outcome.describe(), ERROR_STYLE if outcome.other_tables else OK_STYLE)

    def run_connect(self) -> None:
        team, password = self.team(), self.password.text() or None

        def work(_jc: JobContext) -> Database | UserError:
            try:
                return connect(team, password)
            except UserError as exc:
                return exc

        self._start(f"Connecting to {team.host}:{team.port}",
                    f"Opening {team.database or 'the database'} on {team.host or '…'}…",
                    work, self._connected)

    def _connected(self, outcome: Database | UserError) -> None:
        if isinstance(outcome, UserError):
            self._say(str(outcome), ERROR_STYLE)
            return
        self.database = outcome
        self._set_busy(False)
        super().accept()

    def _start(self, title: str, saying: str, work: Callable[[JobContext], Any],
               on_done: Callable[[Any], None]) -> None:
        assert self.ctx.jobs is not None
        self._set_busy(True)
        self._say(saying, "")
        job = self.ctx.jobs.run(title, work, on_done, cancellable=False, lane=PARALLEL_LANE,
                                show_progress=False)
        job.finished.connect(lambda _job: self._set_busy(False))

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        for widget in (self.test_button, self.connect_button,
                       self.buttons.button(QDialogButtonBox.StandardButton.Cancel)):
            widget.setEnabled(not busy)

    def _say(self, text: str, style: str) -> None:
        self.outcome.setStyleSheet(style)
        self.outcome.setText(text)

    def done(self, result: int) -> None:
        """A running test or connection (at most a few seconds) finishes before the dialog
        closes, so its answer never lands on a closed dialog."""
        if self._busy:
            return
        super().done(result)
