"""Settings → Users: who uses Collecta and their role (managers and admins approve campaigns,
admins manage users). Add…, Edit… and Deactivate/Activate call app/services/users.py; only an
admin may use them once an admin exists (the buttons say why otherwise). After each change the
table reloads, the Settings page's "Current user" list is refreshed (`on_change`) and the other
pages are told through ChangeSet(settings=True)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.db import session_scope
from app.errors import UserError
from app.services.changes import ChangeSet
from app.services.users import (
    UserChange,
    UserRow,
    add_user,
    list_users,
    manage_refusal,
    update_user,
)
from app.views.context import AppContext
from app.views.current_user import save_user_name
from app.views.table_style import style_table
from app.views.user_dialog import UserDialog

ERROR_STYLE = "color: #C62828;"
HEADERS = ("Name", "Role", "Email", "Active")
FIRST_USER_NOTE = ("There are no users yet: the first user you add becomes an admin, who can "
                   "then add the rest of the team.")


class UsersSettings(QWidget):
    def __init__(self, ctx: AppContext, on_change: Callable[[], None] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._on_change = on_change
        self.users: list[UserRow] = []
        self.refusal: str | None = None
        self.dialog: UserDialog | None = None
        intro = QLabel("<b>Users</b> — who uses Collecta. Controllers work the worklist and build "
                       "campaigns; managers also approve them; admins also manage users. A user "
                       "who leaves is deactivated: history keeps their name.")
        intro.setWordWrap(True)
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels(HEADERS)
        style_table(self.table)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.doubleClicked.connect(lambda _index: self.edit_button.click())
        self.add_button = QPushButton("Add…")
        self.add_button.clicked.connect(self.add)
        self.edit_button = QPushButton("Edit…")
        self.edit_button.clicked.connect(self.edit)
        self.active_button = QPushButton("Deactivate")
        self.active_button.clicked.connect(self.toggle_active)
        self.status = QLabel()
        self.status.setWordWrap(True)
        buttons = QHBoxLayout()
        for b in (self.add_button, self.edit_button, self.active_button):
            buttons.addWidget(b)
        buttons.addSpacing(12)
        buttons.addWidget(self.status, 1)
        panel = QWidget()
        panel.setMaximumWidth(900)  # four short columns: a wide table only spreads them apart
        inner = QVBoxLayout(panel)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.addWidget(intro)
        inner.addLayout(buttons)
        inner.addWidget(self.table, 1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 16)
        layout.addWidget(panel, 1)
        layout.addStretch(0)
        ctx.changed.connect(self._on_ctx_changed)
        self.reload()

    # --- showing ----------------------------------------------------------------------------

    def reload(self) -> None:
        selected = self.selected()
        with session_scope(self.ctx.db) as s:
            self.users = list_users(s, include_inactive=True)
            self.refusal = manage_refusal(s, self.ctx.user_name)
        if self.ctx.read_only:
            self.refusal = "This is a read-only snapshot: users cannot be changed"
        self.table.setSortingEnabled(False)
        self.table.setRowCount(len(self.users))
        for row, u in enumerate(self.users):
            you = " (you)" if u.name == self.ctx.user_name else ""
            cells = (u.name + you, u.role, u.email or "", "yes" if u.active else "no")
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, u.id)
                if not u.active:
                    item.setForeground(self.palette().placeholderText())
                self.table.setItem(row, col, item)
        self.table.setSortingEnabled(True)
        for col in (0, 1, 3):  # room to breathe: the text alone touches the next column
            self.table.resizeColumnToContents(col)
            self.table.setColumnWidth(col, self.table.columnWidth(col) + 24)
        self._select(selected.id if selected else None)
        if not self.users:
            self._say(FIRST_USER_NOTE)
        self._update_buttons()

    def selected(self) -> UserRow | None:
        items = self.table.selectedItems()
        if not items:
            return None
        user_id = items[0].data(Qt.ItemDataRole.UserRole)
        return next((u for u in self.users if u.id == user_id), None)

    def _select(self, user_id: int | None) -> None:
        self.table.clearSelection()
        for row in range(self.table.rowCount()):
            item = self.table.item(row, 0)
            if user_id is not None and item.data(Qt.ItemDataRole.UserRole) == user_id:
                self.table.selectRow(row)

    def _update_buttons(self) -> None:
        u = self.selected()
        allowed = self.refusal is None
        self.add_button.setEnabled(allowed)
        self.edit_button.setEnabled(allowed and u is not None)
        self.active_button.setEnabled(allowed and u is not None)
        self.active_button.setText("Activate" if u is not None and not u.active else "Deactivate")
        for b in (self.add_button, self.edit_button, self.active_button):
            b.setToolTip(self.refusal or "")
        if not allowed:
            self._say(self.refusal or "")

    def _say(self, text: str, error: bool = False) -> None:
        self.status.setStyleSheet(ERROR_STYLE if error else "")
        self.status.setText(text)

    def _on_ctx_changed(self, change: ChangeSet) -> None:
        if change.everything or change.settings:
            self.reload()

    # --- changing ---------------------------------------------------------------------------

    def add(self) -> None:
        def save(name: str, role: str, email: str) -> UserChange:
            with session_scope(self.ctx.db) as s:
                return add_user(s, name, role, email, author=self.ctx.user_name)

        note = "The first user is always an admin." if not self.users else ""
        self._open(UserDialog("Add user", save, role="admin" if not self.users else "controller",
                              note=note, parent=self))

    def edit(self) -> None:
        u = self.selected()
        if u is None:
            return

        def save(name: str, role: str, email: str) -> UserChange:
            with session_scope(self.ctx.db) as s:
                return update_user(s, u.name, new_name=name, role=role, email=email,
                                   author=self.ctx.user_name)

        self._open(UserDialog(f"Edit user {u.name}", save, name=u.name, role=u.role,
                              email=u.email or "", parent=self))

    def toggle_active(self) -> None:
        u = self.selected()
        if u is None:
            return
        try:
            with session_scope(self.ctx.db) as s:
                change = update_user(s, u.name, active=not u.active, author=self.ctx.user_name)
        except UserError as exc:
            self._say(str(exc), error=True)
            return
        self._changed(u.name, change)

    def _open(self, dialog: UserDialog) -> None:
        self.dialog = dialog
        old = {u.id: u.name for u in self.users}

        def saved() -> None:
            if dialog.change is not None:
                self._changed(old.get(dialog.change.user.id), dialog.change)

        dialog.accepted.connect(saved)
        dialog.open()

    def _changed(self, old_name: str | None, change: UserChange) -> None:
        if old_name == self.ctx.user_name and change.user.name != old_name:
            self.ctx.user_name = change.user.name  # renamed themselves: stay that user
            save_user_name(change.user.name)
        if self._on_change is not None:
            self._on_change()
        self.ctx.broadcast(ChangeSet(settings=True))  # reloads this table too
        self._select(change.user.id)
        self._say(change.message + (f". {self.refusal}" if self.refusal else ""))
