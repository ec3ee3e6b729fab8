"""Import a credit insurer's file (scores and limits per debtor): pick the file, name the insurer
when the file does not, import in a job, and read the result (created / updated / unchanged, or
the lines at fault — nothing is imported then)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.db import session_scope
from app.errors import UserError
from app.services.changes import ChangeSet
from app.services.risk.insurer_import import (
    InsurerImportResult,
    import_insurer_file,
    insurer_names,
)
from app.views.context import AppContext
from app.views.jobs import JobContext

HELP = ("One line per debtor and assessment date. Columns, found by name: <b>debtor ref</b> "
        "(the debtor's reference, or SOURCE:REF), <b>insurer</b>, <b>score</b>, <b>limit</b>, "
        "<b>currency</b>, <b>date</b>. If one line is wrong nothing is imported; importing the "
        "same file again changes nothing.")
OK_STYLE = "color: #166534;"
ERROR_STYLE = "color: #b00020;"


class InsurerImportDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.result_: InsurerImportResult | None = None
        self.error: UserError | None = None
        self.setWindowTitle("Import insurer data")
        self.setMinimumWidth(620)
        intro = QLabel(HELP)
        intro.setWordWrap(True)
        self.path = QLineEdit()
        self.path.setPlaceholderText("CSV or Excel file from the credit insurer")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self.browse)
        file_row = QHBoxLayout()
        file_row.addWidget(self.path, 1)
        file_row.addWidget(browse)
        self.insurer = QComboBox()
        self.insurer.setEditable(True)
        with session_scope(ctx.db) as s:
            self.insurer.addItems(["", *insurer_names(s)])
        edit = self.insurer.lineEdit()
        if edit is not None:
            edit.setPlaceholderText("for lines that do not name their insurer")
        form = QFormLayout()
        form.addRow("File", file_row)
        form.addRow("Insurer", self.insurer)
        self.outcome = QLabel()
        self.outcome.setWordWrap(True)
        self.import_button = QPushButton("Import")
        self.import_button.setDefault(True)
        self.import_button.setEnabled(False)
        self.import_button.clicked.connect(self.start_import)
        close = QPushButton("Close")
        close.clicked.connect(self.accept)
        self.path.textChanged.connect(
            lambda t: self.import_button.setEnabled(bool(t.strip()) and not ctx.read_only))
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.outcome, 1)
        layout.addLayout(buttons)

    def browse(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Choose the insurer's file", "",
                                              "Insurer files (*.csv *.txt *.xlsx *.xlsm)")
        if name:
            self.path.setText(name)

    def start_import(self) -> None:
        assert self.ctx.jobs is not None
        path = Path(self.path.text().strip())
        insurer = self.insurer.currentText().strip() or None
        user = self.ctx.user_name

        def work(job: JobContext) -> InsurerImportResult | UserError:
            if not path.is_file():
                return UserError(f"{path} is not a file")
            try:
                with job.session() as s:  # a bad line rolls everything back
                    return import_insurer_file(s, path, user=user, insurer=insurer)
            except UserError as exc:
                return exc

        self.import_button.setEnabled(False)
        self.outcome.setText("Importing…")
        self.outcome.setStyleSheet("")
        self.ctx.jobs.run("Importing insurer data", work, self._done, cancellable=False)

    def _done(self, outcome: InsurerImportResult | UserError) -> None:
        self.import_button.setEnabled(not self.ctx.read_only)
        if isinstance(outcome, UserError):
            self.error, self.result_ = outcome, None
            self.outcome.setStyleSheet(ERROR_STYLE)
            self.outcome.setText(str(outcome))
            return
        self.error, self.result_ = None, outcome
        self.outcome.setStyleSheet(OK_STYLE)
        self.outcome.setText(outcome.summary())
        self.ctx.broadcast(ChangeSet(debtor_ids=outcome.debtor_ids))
