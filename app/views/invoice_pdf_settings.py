"""The "Invoice PDFs from your accounting system" box of the Email settings: the folder the
source drops its invoice PDFs in and the file-name pattern, a live count of the open invoices
that have a file there (checked in the background), and Save."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QGroupBox,
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
from app.services.dispatch.invoice_pdfs import (
    InvoicePdfSettings,
    PdfCoverage,
    check_invoice_pdfs,
    load_invoice_pdf_settings,
    save_invoice_pdf_settings,
)
from app.views.channel_settings_form import ERROR_STYLE
from app.views.context import AppContext
from app.views.jobs import PARALLEL_LANE, JobContext

HINT = ("{number} is the invoice number, {external_ref} the accounting system's id, e.g. "
        "Invoice_{number}.pdf. A reminder carries the PDFs found; a missing file is no error.")
CHECK_DELAY_MS = 400  # typing pauses this long before the folder is checked again
MUTED_STYLE = "color: palette(mid);"


class InvoicePdfBox(QGroupBox):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__("Invoice PDFs from your accounting system", parent)
        self.ctx = ctx
        self._generation = 0  # a check's answer counts only if nothing changed since it began
        self.folder = QLineEdit(placeholderText="the folder it saves invoice PDFs in (optional)")
        self.choose_button = QPushButton("Choose…")
        self.choose_button.clicked.connect(self.choose_folder)
        self.pattern = QLineEdit(placeholderText="{number}.pdf")
        hint = QLabel(HINT)
        hint.setWordWrap(True)
        hint.setStyleSheet(MUTED_STYLE)
        self.coverage = QLabel()
        self.coverage.setWordWrap(True)
        self.save_button = QPushButton("Save invoice PDF settings")
        self.save_button.clicked.connect(self.save)
        self.save_button.setEnabled(not ctx.read_only)
        self.status = QLabel()
        self.status.setWordWrap(True)

        folder_row = QHBoxLayout()
        folder_row.setContentsMargins(0, 0, 0, 0)
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(self.choose_button)
        pattern_box = QVBoxLayout()
        pattern_box.setContentsMargins(0, 0, 0, 0)
        pattern_box.setSpacing(2)
        pattern_box.addWidget(self.pattern)
        pattern_box.addWidget(hint)
        form = QFormLayout()
        form.addRow("Folder", folder_row)
        form.addRow("File name", pattern_box)
        form.addRow("Found", self.coverage)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.status, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(buttons)

        self._timer = QTimer(self, singleShot=True, interval=CHECK_DELAY_MS)
        self._timer.timeout.connect(self.check)
        self.load(check=False)  # checked when shown
        self.folder.textEdited.connect(self._edited)
        self.pattern.textEdited.connect(self._edited)
        ctx.changed.connect(self._on_changed)

    def load(self, check: bool = True) -> None:
        with session_scope(self.ctx.db) as s:
            st = load_invoice_pdf_settings(s)
        self.folder.setText(st.folder)
        self.pattern.setText(st.pattern)
        if check:
            self.check()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        self.check()  # the invoices or the folder's files may have changed meanwhile

    def settings(self) -> InvoicePdfSettings:
        return InvoicePdfSettings(folder=self.folder.text().strip(),
                                  pattern=self.pattern.text().strip() or "{number}.pdf")

    def choose_folder(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "Folder of the invoice PDFs",
                                                  self.folder.text().strip())
        if chosen:
            self.folder.setText(chosen)
            self._edited()

    def save(self) -> bool:
        settings = self.settings()
        try:
            with session_scope(self.ctx.db) as s:
                save_invoice_pdf_settings(s, settings, user=self.ctx.user_name)
        except UserError as exc:
            if self.coverage.text() == str(exc):  # said once, next to Save, is enough
                self.coverage.clear()
            self._say(str(exc), error=True)
            return False
        self._say("Saved." if settings.folder else "Saved: reminders go without invoice PDFs.")
        self.ctx.broadcast(ChangeSet(settings=True))
        self.check()
        return True

    def _edited(self) -> None:
        self._generation += 1
        self._say("")
        self.coverage.setStyleSheet(MUTED_STYLE)
        self.coverage.setText("Checking…")
        self._timer.start()

    def check(self) -> None:
        """Count, in the background, the open invoices whose PDF is in the folder."""
        self._timer.stop()
        self._generation += 1
        generation, settings, as_of = self._generation, self.settings(), self.ctx.as_of
        if not settings.folder:
            self._show_coverage("No folder: reminders go without invoice PDFs.", False)
            return
        self.coverage.setStyleSheet(MUTED_STYLE)
        self.coverage.setText("Checking…")

        def work(jc: JobContext) -> tuple[str, bool]:
            try:
                with jc.session() as s:
                    coverage: PdfCoverage = check_invoice_pdfs(s, settings, as_of)
            except UserError as exc:  # a wrong folder or pattern: said on the line, no dialog
                return str(exc), True
            return coverage.describe() + ".", False

        def done(answer: tuple[str, bool]) -> None:
            if generation == self._generation:
                self._show_coverage(*answer)

        assert self.ctx.jobs is not None
        self.ctx.jobs.run("Check invoice PDFs", work, done, cancellable=False,
                          lane=PARALLEL_LANE, show_progress=False)

    def _show_coverage(self, text: str, error: bool) -> None:
        self.coverage.setStyleSheet(ERROR_STYLE if error else "")
        self.coverage.setText(text)

    def _on_changed(self, change: ChangeSet) -> None:
        # The copy of this box on the other page saved: show what is stored.
        if (change.settings or change.everything) and not self.isVisible():
            self.load(check=False)

    def _say(self, text: str, error: bool = False) -> None:
        self.status.setStyleSheet(ERROR_STYLE if error else "")
        self.status.setText(text)
