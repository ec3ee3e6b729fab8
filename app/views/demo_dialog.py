"""File → New demo database…: where to put it and how many debtors, then the generator runs
through the job runner with a progress bar and Cancel."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QWidget,
)

from app.config import data_dir
from app.db import Database, open_database
from app.errors import UserError
from app.views.context import AppContext
from app.views.jobs import Job, JobContext

MAX_DEBTORS = 200_000


class DemoDatabaseDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New demo database")
        self.path = QLineEdit(str(data_dir() / "demo.db"))
        self.path.setMinimumWidth(360)
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path, 1)
        path_row.addWidget(browse)
        self.debtors_spin = QSpinBox()
        self.debtors_spin.setRange(1, MAX_DEBTORS)
        self.debtors_spin.setValue(300)
        self.debtors_spin.setGroupSeparatorShown(True)
        self.seed_spin = QSpinBox()
        self.seed_spin.setRange(0, 1_000_000)
        self.seed_spin.setValue(7)
        self.seed_spin.setToolTip("The same seed and size always give the same ledger")
        form = QFormLayout(self)
        form.addRow("File", path_row)
        form.addRow("Debtors", self.debtors_spin)
        form.addRow("Random seed", self.seed_spin)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Generate")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "New demo database", self.path.text(),
                                              "Collecta database (*.db)")
        if path:
            self.path.setText(path if Path(path).suffix else f"{path}.db")

    def debtors(self) -> int:
        return self.debtors_spin.value()

    def seed(self) -> int:
        return self.seed_spin.value()

    def target(self) -> Path:
        return Path(self.path.text().strip()).expanduser()

    def accept(self) -> None:
        target = self.target()
        if not self.path.text().strip():
            QMessageBox.warning(self, "New demo database", "Choose a file for the database.")
            return
        if target.exists():
            answer = QMessageBox.question(
                self, "New demo database",
                f"{target} already exists. Replace it with a new demo database?")
            if answer != QMessageBox.StandardButton.Yes:
                return
        super().accept()

    def prepare_database(self, current: Database) -> Database:
        """Create the empty database at the chosen path (replacing a confirmed existing file)."""
        target = self.target()
        current_path = current.engine.url.database if current.is_sqlite else None
        if current_path and Path(current_path).resolve() == target.resolve():
            raise UserError(f"{target} is the database in use; choose another file")
        for path in (target, target.with_name(target.name + "-wal"),
                     target.with_name(target.name + "-shm")):
            try:
                path.unlink(missing_ok=True)
            except OSError as exc:
                raise UserError(f"Cannot replace {path}: {exc.strerror}") from None
        return open_database(f"sqlite:///{target.as_posix()}")


def run_demo_job(ctx: AppContext, db: Database, debtors: int, seed: int,
                 on_done: Callable[[Any], None]) -> Job[Any]:
    """Generate the demo ledger into `db` (app.services.demo.generate_demo) as a cancellable job.

    A cancelled or failed generation into a database other than the one in use closes it again.
    """
    as_of = ctx.as_of
    assert ctx.jobs is not None

    def work(job: JobContext) -> Any:
        from app.services.demo import generate_demo

        return generate_demo(db, debtors=debtors, seed=seed, as_of=as_of,
                             progress=job.progress, cancelled=job.cancelled)

    job = ctx.jobs.run(f"Generating a demo ledger of {debtors:,} debtors", work, on_done)

    def finished(j: Job[Any]) -> None:
        if j.state != "done" and db is not ctx.db:
            db.engine.dispose()

    job.finished.connect(finished)
    return job
