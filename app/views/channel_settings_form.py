"""The frame the channel settings forms share (Settings → Email, Text messages; the Sending page
shows the same forms): a titled form of fields, Save, "Test to … Send test …", a status line,
and a reload when another copy of the form saved."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services.changes import ChangeSet
from app.views.context import AppContext

ERROR_STYLE = "color: #C62828;"


class ChannelSettingsForm(QWidget):
    """Subclasses create their field widgets, then call `_lay_out` with them and their own
    load, save and send_test."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.status = QLabel()
        self.status.setWordWrap(True)

    def _lay_out(self, title_html: str, rows: Sequence[tuple[str, QWidget]],
                 test_to: QLineEdit, test_text: str, *, load: Callable[[], None],
                 save: Callable[[], bool], send_test: Callable[[], None]) -> None:
        self.test_to = test_to
        self._reload = load
        form = QFormLayout()
        for label, widget in rows:
            form.addRow(label, widget)
        self.save_button = QPushButton("Save")
        self.save_button.clicked.connect(save)
        self.test_button = QPushButton(test_text)
        self.test_button.clicked.connect(send_test)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        buttons.addWidget(QLabel("Test to"))
        buttons.addWidget(test_to, 1)
        buttons.addWidget(self.test_button)
        panel = QWidget()
        panel.setMaximumWidth(720)  # a form, not a spreadsheet: keep the fields readable
        inner = QVBoxLayout(panel)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.addWidget(QLabel(title_html))
        inner.addLayout(form)
        inner.addLayout(buttons)
        inner.addWidget(self.status)
        outer = QVBoxLayout(self)
        outer.addWidget(panel)
        outer.addStretch(1)
        for button in (self.save_button, self.test_button):
            button.setEnabled(not self.ctx.read_only)
        self.ctx.changed.connect(self._on_changed)

    def _on_changed(self, change: ChangeSet) -> None:
        # Another copy of this form (Sending page / Settings page) saved: show what is stored.
        if (change.settings or change.everything) and not self.isVisible():
            self._reload()

    def _say(self, text: str, error: bool = False) -> None:
        self.status.setStyleSheet(ERROR_STYLE if error else "")
        self.status.setText(text)
