"""Settings: the database in use and its schema version, the current user (with a switcher),
the as-of date the figures are computed for, and where these per-user settings are kept; the
team's outgoing email (SMTP) and text message (SMS gateway) settings on their own tabs."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from alembic.runtime.migration import MigrationContext
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.engine import make_url

from app.clock import today
from app.db import Database, schema_head
from app.services import formatting
from app.services.changes import ChangeSet
from app.views.company_settings import CompanySettingsForm
from app.views.context import AppContext
from app.views.current_user import list_users, os_login, save_user_name
from app.views.settings_store import app_settings
from app.views.sms_settings import SmsSettingsForm
from app.views.smtp_settings import SmtpSettingsForm
from app.views.users_settings import UsersSettings


def schema_version(db: Database) -> str:
    with db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision() or "none"


def database_file(db: Database) -> str:
    url = make_url(db.url)
    if not url.drivername.startswith("sqlite"):
        return ""
    return url.database or ""


class SettingsPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.database = _value_label()
        self.file = _value_label()
        self.schema = _value_label()
        self.mode = _value_label()
        db_box = QGroupBox("Database")
        db_form = QFormLayout(db_box)
        db_form.addRow("In use", self.database)
        db_form.addRow("File", self.file)
        db_form.addRow("Schema version", self.schema)
        db_form.addRow("Access", self.mode)

        self.user = QComboBox()
        self.user.setMinimumContentsLength(24)
        self.user.activated.connect(self._user_chosen)
        self.as_of = QDateEdit()
        self.as_of.setCalendarPopup(True)
        self.as_of.setDisplayFormat("yyyy-MM-dd")
        self.as_of.dateChanged.connect(lambda d: ctx.set_as_of(d.toPython()))
        today_button = QPushButton("Today")
        today_button.clicked.connect(lambda: ctx.set_as_of(today()))
        as_of_row = QHBoxLayout()
        as_of_row.addWidget(self.as_of)
        as_of_row.addWidget(today_button)
        as_of_row.addStretch(1)
        self.formats = _value_label()
        self.settings_file = _value_label()
        you_box = QGroupBox("You")
        you_form = QFormLayout(you_box)
        user_row = QHBoxLayout()
        user_row.addWidget(self.user)
        user_row.addStretch(1)
        you_form.addRow("Current user", user_row)
        you_form.addRow("Figures as of", as_of_row)
        you_form.addRow("Number and date format", self.formats)
        you_form.addRow("Personal settings", self.settings_file)

        general = QWidget()
        general_layout = QVBoxLayout(general)
        general_layout.setContentsMargins(16, 16, 16, 16)
        general_layout.addWidget(db_box)
        general_layout.addWidget(you_box)
        general_layout.addStretch(1)
        # The team's sending channels: the same forms as on the Sending page.
        self.smtp = SmtpSettingsForm(ctx)
        self.sms = SmsSettingsForm(ctx)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(general, "General")
        self.tabs.addTab(self.smtp, "Email (SMTP)")
        self.tabs.addTab(self.sms, "Text messages (SMS)")
        self.tabs.addTab(CompanySettingsForm(ctx), "Company")
        self.tabs.addTab(UsersSettings(ctx, on_change=self.refresh), "Users")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        ctx.changed.connect(self._on_changed)
        ctx.as_of_changed.connect(self._show_as_of)
        self.refresh()

    def refresh(self) -> None:
        db = self.ctx.db
        self.database.setText(db.describe())
        self.file.setText(database_file(db) or "— (server database)")
        current, head = schema_version(db), schema_head()
        self.schema.setText(current if current == head else f"{current} (program: {head})")
        self.mode.setText("Read-only snapshot" if db.read_only else "Read and write")
        users = list_users(db)
        self.user.clear()
        names = [u.name for u in users]
        for u in users:
            self.user.addItem(f"{u.name} ({u.role})", u.name)
        if self.ctx.user_name not in names:
            self.user.addItem(f"{self.ctx.user_name} (not a user of this database)",
                              self.ctx.user_name)
        if os_login() not in names and os_login() != self.ctx.user_name:
            self.user.addItem(f"{os_login()} (login name)", os_login())
        self.user.setCurrentIndex(self.user.findData(self.ctx.user_name))
        sample = formatting.money(Decimal("1234.56"), "EUR", self.ctx.locale)
        self.formats.setText(f"{self.ctx.locale} — {sample}, "
                            f"{formatting.day(date(2025, 6, 30), self.ctx.locale)}")
        self.settings_file.setText(app_settings().fileName())
        self._show_as_of(self.ctx.as_of)

    def _on_changed(self, change: ChangeSet) -> None:
        if change.everything:
            self.refresh()

    def _show_as_of(self, value: date) -> None:
        self.as_of.blockSignals(True)
        self.as_of.setDate(QDate(value.year, value.month, value.day))
        self.as_of.blockSignals(False)

    def _user_chosen(self, index: int) -> None:
        name = self.user.itemData(index)
        if name and name != self.ctx.user_name:
            self.ctx.user_name = name
            save_user_name(name)
            self.ctx.broadcast(ChangeSet(settings=True))


def _value_label() -> QLabel:
    label = QLabel()
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setWordWrap(True)
    return label
