"""The Logo box of Settings → Company: a preview of the logo as it will head letters, what the
file is (format, pixels, size), "Choose…" (a PNG or JPEG, checked at once so a wrong file is
refused with its name and the reason) and "Remove logo"."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import UserError
from app.services.company_checks import logo_format, logo_size
from app.services.company_profile import read_logo

PREVIEW_W, PREVIEW_H = 260, 90
NO_LOGO = "No logo: letters show the firm's name alone."


class CompanyLogoBox(QGroupBox):
    """Holds the logo bytes the form saves; `edited` when they change, `refused` with the
    message when a chosen file cannot be used."""

    edited = Signal()
    refused = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Logo", parent)
        self.data: bytes | None = None
        self.preview = QLabel()
        self.preview.setFixedSize(PREVIEW_W, PREVIEW_H)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setFrameShape(QFrame.Shape.StyledPanel)
        self.preview.setStyleSheet("background: white;")
        self.info = QLabel(NO_LOGO)
        self.info.setWordWrap(True)
        self.choose_button = QPushButton("Choose…")
        self.choose_button.setToolTip("A PNG or JPEG image of at most 1 MB")
        self.choose_button.clicked.connect(self.choose)
        self.remove_button = QPushButton("Remove logo")
        self.remove_button.clicked.connect(self.remove)
        buttons = QHBoxLayout()
        buttons.addWidget(self.choose_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.preview)
        layout.addWidget(self.info)
        layout.addLayout(buttons)
        self.show_logo(None)

    def show_logo(self, data: bytes | None) -> None:
        """Show `data` (the stored logo, or a new one) without counting it as an edit."""
        self.data = data or None
        self.remove_button.setEnabled(self.data is not None and self.choose_button.isEnabled())
        if self.data is None:
            self.preview.clear()
            self.preview.setText("no logo")
            self.info.setText(NO_LOGO)
            return
        pixmap = QPixmap()
        pixmap.loadFromData(self.data)
        self.preview.setPixmap(pixmap.scaled(
            PREVIEW_W - 8, PREVIEW_H - 8, Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation))
        width, height = logo_size(self.data)
        self.info.setText(f"{logo_format(self.data)}, {width} × {height} pixels, "
                          f"{len(self.data) / 1024:.1f} KB")

    def choose(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Choose the company logo", "",
                                              "Images (*.png *.jpg *.jpeg)")
        if name:
            self.use_file(Path(name))

    def use_file(self, path: Path) -> bool:
        try:
            data = read_logo(path)
        except UserError as exc:
            self.refused.emit(str(exc))
            return False
        self.show_logo(data)
        self.edited.emit()
        return True

    def remove(self) -> None:
        self.show_logo(None)
        self.edited.emit()

    def set_writable(self, writable: bool) -> None:
        self.choose_button.setEnabled(writable)
        self.remove_button.setEnabled(writable and self.data is not None)
