"""Where a ledger source is, per kind: a file (FEC, CSV, Excel), a Sage 100 server (host /
database / user, kept in step with the URL they make), or a SQL config file; plus the database
password, which goes to the system keyring when the source is saved."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QWidget,
)

from app.views import source_form as sf


def pick_file(parent: QWidget, title: str, filters: str, into: QLineEdit) -> None:
    name, _ = QFileDialog.getOpenFileName(parent, title, into.text(), filters)
    if name:
        into.setText(name)


def path_row(edit: QLineEdit, browse: QPushButton) -> QWidget:
    row = QWidget()
    lay = QHBoxLayout(row)
    lay.setContentsMargins(0, 0, 0, 0)
    lay.addWidget(edit, 1)
    lay.addWidget(browse)
    return row


class LocationBox(QGroupBox):
    def __init__(self, parent: QWidget, kind: str, location: str, password_hint: str) -> None:
        super().__init__("Where")
        self.kind = kind
        self.file = QLineEdit()
        self.file_browse = QPushButton("Browse…")
        self.file_browse.clicked.connect(lambda: pick_file(
            parent, "Choose the file to sync", sf.FILE_FILTERS.get(self.kind, ""), self.file))
        self.host = QLineEdit(placeholderText="SERVER\\INSTANCE, e.g. SRV-COMPTA\\SAGE100")
        self.database = QLineEdit(placeholderText="the company's database, e.g. BIJOU")
        self.user = QLineEdit(placeholderText="a SQL login that may read the books")
        self.driver = QComboBox()
        self.driver.setEditable(True)
        self.driver.addItems(sf.ODBC_DRIVERS)
        self.url = QLineEdit()
        self.url.setToolTip("Built from the fields above; edit it for another driver or port")
        self.config = QLineEdit(placeholderText="JSON or TOML file: url and three SELECTs")
        config_browse = QPushButton("Browse…")
        config_browse.clicked.connect(lambda: pick_file(
            parent, "Choose the SQL source config", "Config files (*.json *.toml)", self.config))
        self.password = QLineEdit(placeholderText=password_hint)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.form = QFormLayout(self)
        self.rows: dict[str, list[QWidget]] = {
            "file": [path_row(self.file, self.file_browse)],
            "sage": [self.host, self.database, self.user, self.driver, self.url],
            "config": [path_row(self.config, config_browse)],
            "password": [self.password],
        }
        labels = {"file": ["File"], "sage": ["Server", "Database", "User", "ODBC driver",
                                             "Connection URL"],
                  "config": ["Config file"], "password": ["Password"]}
        for key, widgets in self.rows.items():
            for label, widget in zip(labels[key], widgets, strict=True):
                self.form.addRow(label, widget)
        self._syncing = False
        for w in (self.host, self.database, self.user):
            w.textEdited.connect(self._fields_edited)
        self.driver.currentTextChanged.connect(self._fields_edited)
        self.url.textEdited.connect(self._url_edited)
        if sf.shows("file", kind):
            self.file.setText(location)
        elif kind == "sql":
            self.config.setText(location)
        else:
            self.url.setText(location)
            self.url.setCursorPosition(0)
            self._url_edited(location)

    def show_kind(self, kind: str) -> None:
        self.kind = kind
        for key, widgets in self.rows.items():
            for w in widgets:
                self.form.setRowVisible(w, sf.shows(key, kind))
        self.file.setPlaceholderText(
            {"fec": "the FEC file your accounting software exports, e.g. 123456789FEC20241231"
                    ".txt",
             "csv": "a CSV file exported every night", "excel": "an .xlsx workbook"}.get(kind, ""))

    def text(self, kind: str) -> str:
        if sf.shows("file", kind):
            return self.file.text().strip()
        if kind == "sage100":
            return self.url.text().strip()
        return self.config.text().strip()

    def _fields_edited(self, *_args: object) -> None:
        if self._syncing:
            return
        self._syncing = True
        self.url.setText(sf.sage_url(sf.SageParts(self.host.text(), self.database.text(),
                                                  self.user.text(), self.driver.currentText())))
        self.url.setCursorPosition(0)  # the server and database, not the driver, in view
        self._syncing = False

    def _url_edited(self, text: str) -> None:
        parts = sf.sage_parts(text) if text.strip() else None
        if parts is None or self._syncing:
            return
        self._syncing = True
        self.host.setText(parts.host)
        self.database.setText(parts.database)
        self.user.setText(parts.user)
        if parts.driver:
            self.driver.setCurrentText(parts.driver)
        self._syncing = False
