"""Add or edit one user: name, role, email. The save runs while the dialog is open, so a refused
change (name taken, bad email, last admin) is explained in the dialog and nothing typed is lost."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.errors import UserError
from app.models import USER_ROLES
from app.services.users import UserChange

ERROR_STYLE = "color: #C62828;"
ROLE_HELP = {
    "controller": "Controller — works the worklist, builds campaigns",
    "manager": "Manager — also approves or rejects campaigns",
    "admin": "Admin — also manages users",
}

Save = Callable[[str, str, str], UserChange]  # name, role, email → what was done


class UserDialog(QDialog):
    def __init__(self, title: str, save: Save, *, name: str = "", role: str = "controller",
                 email: str = "", note: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self._save = save
        self.change: UserChange | None = None
        self.name = QLineEdit(name)
        self.name.setPlaceholderText("e.g. Claire Dubois")
        self.name.setMaxLength(120)
        self.role = QComboBox()
        for r in USER_ROLES:
            self.role.addItem(ROLE_HELP[r], r)
        self.role.setCurrentIndex(max(0, self.role.findData(role)))
        self.email = QLineEdit(email)
        self.email.setPlaceholderText("claire.dubois@example.com — notices for their debtors")
        form = QFormLayout()
        form.addRow("Name", self.name)
        form.addRow("Role", self.role)
        form.addRow("Email", self.email)
        self.note = QLabel(note)
        self.note.setWordWrap(True)
        self.note.setVisible(bool(note))
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.hide()
        for edit in (self.name, self.email):
            edit.textEdited.connect(self._clear_error)
        self.role.activated.connect(self._clear_error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._try_save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.note)
        layout.addWidget(self.error)
        layout.addSpacing(8)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(480)

    def _clear_error(self) -> None:
        if self.error.isVisible():
            self.error.hide()
            self.adjustSize()

    def _try_save(self) -> None:
        try:
            self.change = self._save(self.name.text(), str(self.role.currentData()),
                                     self.email.text())
        except UserError as exc:
            self.error.setText(str(exc))
            self.error.show()
            return
        self.accept()
