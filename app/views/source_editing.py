"""Add…, Edit…, Remove and Test on the ledger sources page: the dialog for the first two, a
confirmation naming the source (its imported rows stay) for Remove, and a background read
that says what the selected source holds for Test. The page lays the buttons out."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QLabel, QMessageBox, QPushButton

from app.errors import UserError
from app.services.ledger.source_list import SourceRow
from app.views.jobs import PARALLEL_LANE, JobContext

if TYPE_CHECKING:
    from app.services.ledger.source_probe import SourceCounts
    from app.views.source_dialog import SourceDialog
    from app.views.sources_page import SourcesPage

OK_STYLE = "color: #166534;"
ERROR_STYLE = "color: #b00020;"


class SourceEditing(QObject):
    def __init__(self, page: SourcesPage) -> None:
        super().__init__(page)
        self.page = page
        self.ctx = page.ctx
        self.add_button = QPushButton("Add…")
        self.edit_button = QPushButton("Edit…")
        self.remove_button = QPushButton("Remove")
        self.test_button = QPushButton("Test")
        self.test_button.setToolTip("Read the selected source now, without importing anything")
        self.buttons = (self.add_button, self.edit_button, self.remove_button, self.test_button)
        self.add_button.clicked.connect(lambda: self.add())
        self.edit_button.clicked.connect(lambda: self.edit())
        self.remove_button.clicked.connect(lambda: self.remove())
        self.test_button.clicked.connect(lambda: self.test())
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.result.hide()
        self.dialog: SourceDialog | None = None
        page.view.doubleClicked.connect(lambda _index: self.edit())
        page.view.selectionModel().selectionChanged.connect(self.selection_changed)
        self.add_button.setEnabled(not self.ctx.read_only)

    def selection_changed(self, *_args: object) -> None:
        chosen = self.page.selected() is not None
        self.edit_button.setEnabled(chosen)
        self.remove_button.setEnabled(chosen and not self.ctx.read_only)
        self.test_button.setEnabled(chosen)

    def say(self, text: str, style: str = OK_STYLE) -> None:
        self.result.setStyleSheet(style)
        self.result.setText(text)
        self.result.show()

    def add(self) -> SourceDialog:
        return self._open(None)

    def edit(self) -> SourceDialog | None:
        src = self.page.selected()
        return self._open(src) if src is not None else None

    def _open(self, source: SourceRow | None) -> SourceDialog:
        from app.views.source_dialog import SourceDialog  # the import pipeline: loaded on use

        dialog = SourceDialog(self.ctx, source, self.page)
        dialog.accepted.connect(lambda: self._saved(dialog))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _saved(self, dialog: SourceDialog) -> None:
        assert dialog.saved is not None
        self.page.refresh()
        self.page.select(dialog.saved.name)
        self.page.scheduler.refresh_status()
        self.say(f"Source {dialog.saved.name} saved.")

    def remove(self) -> bool:
        from app.services.ledger.source_checks import imported_rows
        from app.services.ledger.sources import remove_source

        src = self.page.selected()
        if src is None:
            return False
        rows = imported_rows(self.ctx.db, src.name)
        kept = (f"The {rows:,} ledger rows imported from it stay (debtors, invoices, payments)."
                if rows else "Nothing was imported from it yet.")
        answer = QMessageBox.question(
            self.page, "Remove ledger source",
            f"Remove the source “{src.name}” ({src.location})?\n\n{kept} Only its settings "
            "go, with any password saved for it, and it is no longer synced.")
        if answer != QMessageBox.StandardButton.Yes:
            return False
        try:
            remove_source(self.ctx.db, src.name, author=self.ctx.user_name)
        except UserError as exc:
            self.say(str(exc), ERROR_STYLE)
            return False
        self.page.refresh()
        self.page.scheduler.refresh_status()
        self.say(f"Source {src.name} removed; the rows it imported stay.")
        return True

    def test(self) -> None:
        src = self.page.selected()
        if src is None or self.ctx.jobs is None:
            return
        name, db = src.name, self.ctx.db

        def work(_jc: JobContext) -> SourceCounts | UserError:
            from app.services.ledger.source_probe import probe_saved_source

            try:
                return probe_saved_source(db, name)
            except UserError as exc:
                return exc

        self.test_button.setEnabled(False)
        self.say(f"Reading {name}…", "")
        job = self.ctx.jobs.run(f"Testing source {name}", work,
                                lambda out: self._tested(name, out), cancellable=False,
                                lane=PARALLEL_LANE, show_progress=False)
        job.finished.connect(lambda _job: self.selection_changed())

    def _tested(self, name: str, outcome: SourceCounts | UserError) -> None:
        if isinstance(outcome, UserError):
            self.say(f"{name}: {outcome}", ERROR_STYLE)
        else:
            self.say(f"{name} holds {outcome.describe(self.ctx.locale)}.")
