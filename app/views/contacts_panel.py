"""The contacts of the debtor page: a small table (primary first, starred) and Add / Edit /
Remove / Make primary. Writes go through save_debtor_change (debtor_edit_dialog.py)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.errors import UserError
from app.services.contact_edit import remove_contact, set_primary_contact
from app.services.debtor_edit import ContactRow, EditableDebtor
from app.views.context import AppContext
from app.views.debtor_edit_dialog import save_debtor_change
from app.views.row_table_model import Index, RowTableModel
from app.views.table_style import style_table

PRIMARY_TIP = "Primary contact: reminders are sent to it"
VISIBLE_ROWS = 3


class ContactsTableModel(RowTableModel[ContactRow]):
    """Narrow enough for the page's header: the role goes with the name, the mobile with the
    phone; tooltips give the whole value."""

    headers = ("", "Name", "Email", "Phone", "Address")

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        c = self.rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if index.column() == 0:
                return ("★" if c.is_primary else "") if role == Qt.ItemDataRole.DisplayRole \
                    else (PRIMARY_TIP if c.is_primary else None)
            phones = " · ".join(p for p in (c.phone, c.mobile and f"mobile {c.mobile}") if p)
            return ((c.name or "") + (f" ({c.role})" if c.role else ""), c.email or "", phones,
                    c.address)[index.column() - 1]
        if role == Qt.ItemDataRole.FontRole and c.is_primary:
            font = QFont()
            font.setBold(True)
            return font
        return None


class ContactsPanel(QWidget):
    def __init__(self, ctx: AppContext, debtor_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.debtor_id = ctx, debtor_id
        self.debtor: EditableDebtor | None = None
        self.model = ContactsTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        style_table(self.table)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSortIndicatorShown(False)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.doubleClicked.connect(lambda _index: self.edit_contact())
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.empty = QLabel("<i>No contact on file</i> — add one so that reminders can be sent")
        self.add_button = QPushButton("Add…")
        self.edit_button = QPushButton("Edit…")
        self.remove_button = QPushButton("Remove")
        self.primary_button = QPushButton("Make primary")
        self.primary_button.setToolTip("Reminders are sent to the primary contact")
        self.add_button.clicked.connect(lambda: self.open_dialog(None))
        self.edit_button.clicked.connect(self.edit_contact)
        self.remove_button.clicked.connect(self.remove_selected)
        self.primary_button.clicked.connect(self.make_primary)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.edit_button, self.remove_button,
                       self.primary_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addWidget(self.empty)
        layout.addLayout(buttons)
        self.dialog: QWidget | None = None

    def show_debtor(self, debtor: EditableDebtor | None) -> None:
        """The contacts of `debtor` (None: it is gone), with the version writes will name."""
        self.debtor = debtor
        self.model.set_rows(debtor.contacts if debtor else [])
        has_rows = bool(self.model.rows)
        self.table.setVisible(has_rows)
        self.empty.setVisible(debtor is not None and not has_rows)
        if has_rows:
            self.table.resizeColumnsToContents()
            header = self.table.horizontalHeader()
            header.resizeSection(0, 24)
            for column in range(1, header.count() - 1):
                header.resizeSection(column, min(header.sectionSize(column) + 12, 240))
            rows = min(len(self.model.rows), VISIBLE_ROWS)
            self.table.setFixedHeight(header.sizeHint().height()
                                      + rows * self.table.verticalHeader().defaultSectionSize()
                                      + 2 * self.table.frameWidth())
        self._update_buttons()

    def selected(self) -> ContactRow | None:
        picked = self.table.selectionModel().selectedRows()
        return self.model.rows[picked[0].row()] if picked else None

    def _update_buttons(self, *_: object) -> None:
        writable = self.debtor is not None and not self.ctx.read_only
        c = self.selected()
        self.add_button.setEnabled(writable)
        self.edit_button.setEnabled(writable and c is not None)
        self.remove_button.setEnabled(writable and c is not None)
        self.primary_button.setEnabled(writable and c is not None and not c.is_primary)

    def open_dialog(self, contact: ContactRow | None) -> QWidget | None:
        from app.views.contact_dialog import ContactDialog

        if self.debtor is None or self.ctx.read_only:
            return None
        dialog = ContactDialog(self.ctx, self.debtor, contact, self)
        dialog.open()
        self.dialog = dialog
        return dialog

    def edit_contact(self) -> QWidget | None:
        c = self.selected()
        return self.open_dialog(c) if c is not None else None

    def remove_selected(self) -> None:
        c, d = self.selected(), self.debtor
        if c is None or d is None or self.ctx.read_only:
            return
        answer = QMessageBox.question(
            self, "Remove contact", f"Remove {c.name or 'this contact'} from {d.name}?"
            + ("\nThe next contact becomes the primary one." if c.is_primary else ""))
        if answer != QMessageBox.StandardButton.Yes:
            return
        self._write(lambda s: remove_contact(s, d.debtor_id, c.contact_id,
                                             expected_version=d.version,
                                             author=self.ctx.user_name))

    def make_primary(self) -> None:
        c, d = self.selected(), self.debtor
        if c is None or d is None or self.ctx.read_only:
            return
        self._write(lambda s: set_primary_contact(s, d.debtor_id, c.contact_id,
                                                  expected_version=d.version,
                                                  author=self.ctx.user_name))

    def _write(self, work: Any) -> None:
        try:
            save_debtor_change(self.ctx, self.debtor_id, work)
        except UserError as exc:
            if self.ctx.jobs is not None:
                self.ctx.jobs.show_error("Contacts", exc)
