""""Print letters…": a campaign's sent letters merged into one print-ready PDF, saved where the
user chooses, built in the background, then offered to open (Campaigns and Sending pages)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from app.services.dispatch.letter_channel import print_campaign_letters
from app.views.context import AppContext
from app.views.jobs import Job, JobContext
from app.views.settings_store import app_settings, read_str

PRINT_LANE = "print"  # one merge at a time, without holding up database writes or the worklist
PRINTABLE_STATUSES = ("approved", "dispatched")


def letters(count: int) -> str:
    return f"{count} letter" if count == 1 else f"{count} letters"


def merge_work(campaign_id: int, out: Path) -> Callable[[JobContext], int]:
    def work(jc: JobContext) -> int:
        jc.progress(0, 0, f"Merging the letters of campaign #{campaign_id}…")
        with jc.session() as s:
            count = print_campaign_letters(s, campaign_id, out)
        jc.progress(1, 1, f"{letters(count)} merged")
        return count

    return work


class LetterPrinter(QObject):
    """Asks where to save, runs the merge as a job, then offers to open the PDF."""

    def __init__(self, ctx: AppContext, parent: QWidget,
                 on_saved: Callable[[int, Path], None] | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.parent_widget = parent
        self.on_saved = on_saved
        self.box: QMessageBox | None = None

    def default_path(self, campaign_id: int) -> Path:
        documents = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation) or str(Path.home())
        folder = Path(read_str(app_settings(), "letters/last_folder", documents))
        return folder / f"campaign-{campaign_id}-letters.pdf"

    def print_campaign(self, campaign_id: int) -> Job[int] | None:
        chosen, _ = QFileDialog.getSaveFileName(
            self.parent_widget, f"Save the letters of campaign #{campaign_id}",
            str(self.default_path(campaign_id)), "PDF document (*.pdf)")
        if not chosen:
            return None
        out = Path(chosen if chosen.lower().endswith(".pdf") else f"{chosen}.pdf")
        app_settings().setValue("letters/last_folder", str(out.parent))
        assert self.ctx.jobs is not None
        return self.ctx.jobs.run(f"Printing the letters of campaign #{campaign_id}",
                                 merge_work(campaign_id, out),
                                 lambda count: self._saved(campaign_id, count, out),
                                 cancellable=False, lane=PRINT_LANE)

    def _saved(self, campaign_id: int, count: int, out: Path) -> None:
        if self.on_saved is not None:
            self.on_saved(count, out)
        box = QMessageBox(self.parent_widget)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.setIcon(QMessageBox.Icon.Information)
        box.setWindowTitle("Collecta")
        box.setText(f"{letters(count)} of campaign #{campaign_id} "
                    f"{'is' if count == 1 else 'are'} ready to print.")
        box.setInformativeText(str(out))
        open_button = box.addButton("Open the PDF", QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Close)
        box.buttonClicked.connect(
            lambda button: button is open_button
            and QDesktopServices.openUrl(QUrl.fromLocalFile(str(out))))
        self.box = box
        box.open()
