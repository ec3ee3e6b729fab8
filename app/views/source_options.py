"""What a ledger source holds and how to read it, per kind: for a CSV / Excel file its content
and saved column mapping (the import wizard's profiles); for FEC the options of FecOptions; for
Sage 100 its table mapping file; payment terms and currency where the source may lack them."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from app.db import session_scope
from app.services.ledger.fec import FecOptions
from app.services.ledger.mapping import profile_names
from app.views import source_form as sf
from app.views.context import AppContext
from app.views.source_location import path_row, pick_file

OWN_COLUMNS = "Collecta's own column names (no mapping)"


class OptionsBox(QGroupBox):
    def __init__(self, ctx: AppContext, fields: sf.OptionFields) -> None:
        super().__init__("What it holds")
        self.ctx = ctx
        self.kept = fields.kept
        self.content = QComboBox()
        for key, label in sf.CONTENT_LABELS.items():
            self.content.addItem(label, key)
        self.content.setCurrentIndex(max(0, self.content.findData(fields.content)))
        self.mapping = QComboBox()
        self.mapping.setToolTip("Column mappings are saved from Import file… (the wizard)")
        self.snapshot = QCheckBox("The file lists every open item: close those it no longer lists")
        self.snapshot.setChecked(fields.snapshot)
        defaults = FecOptions()
        self.due_column = QComboBox()
        self.due_column.setEditable(True)
        self.due_column.addItem("")
        self.due_column.addItems(sf.FEC_DUE_COLUMNS)
        self.due_column.setCurrentText(fields.due_column)
        edit = self.due_column.lineEdit()
        if edit is not None:
            edit.setPlaceholderText("none: due dates from the payment terms")
        self.sales_journals = QLineEdit(fields.sales_journals)
        self.sales_journals.setPlaceholderText(
            f"default {', '.join(defaults.sales_journals)}")
        self.customer_prefixes = QLineEdit(fields.customer_prefixes)
        self.customer_prefixes.setPlaceholderText(
            f"default {', '.join(defaults.customer_prefixes)}")
        self.mapping_file = QLineEdit(fields.mapping_file)
        self.mapping_file.setPlaceholderText("optional: Collecta's standard Sage 100 tables")
        browse = QPushButton("Browse…")
        browse.clicked.connect(lambda: pick_file(self, "Choose the Sage 100 table mapping",
                                                 "Mapping files (*.json)", self.mapping_file))
        self.terms = QComboBox()
        self.terms.setEditable(True)
        self.terms.addItems(sf.TERMS)
        self.terms.setCurrentText(fields.terms)
        self.terms.setToolTip("net30: issue date + 30 days; eom30: end of month + 30 days")
        self.currency = QLineEdit(fields.currency)
        self.currency.setMaxLength(3)
        self.currency.setMaximumWidth(80)
        self.sql_note = QLabel("The config file holds the three SELECTs and whether they list "
                               "every open item.")
        self.sql_note.setWordWrap(True)
        self.form = QFormLayout(self)
        self.rows: dict[str, list[tuple[str, QWidget]]] = {
            "content": [("File contains", self.content)],
            "mapping": [("Column mapping", self.mapping)],
            "snapshot": [("", self.snapshot)],
            "fec": [("Due dates column", self.due_column),
                    ("Sales journals", self.sales_journals),
                    ("Customer accounts", self.customer_prefixes)],
            "sage_mapping": [("Table mapping", path_row(self.mapping_file, browse))],
            "terms": [("Payment terms", self.terms), ("Currency", self.currency)],
            "sql": [("", self.sql_note)],
        }
        for widgets in self.rows.values():
            for label, widget in widgets:
                self.form.addRow(label, widget)
        self._fill_mappings(fields.mapping)
        self.content.currentIndexChanged.connect(lambda _i: self._fill_mappings(""))

    def _fill_mappings(self, current: str) -> None:
        with session_scope(self.ctx.db) as s:
            names = profile_names(s, str(self.content.currentData()))
        self.mapping.clear()
        self.mapping.addItem(OWN_COLUMNS, "")
        for name in names:
            self.mapping.addItem(name, name)
        if current and self.mapping.findData(current) < 0:
            self.mapping.addItem(current, current)  # a mapping file, or a profile of another kind
        self.mapping.setCurrentIndex(max(0, self.mapping.findData(current)))

    def show_kind(self, kind: str) -> None:
        for key, widgets in self.rows.items():
            visible = kind == "sql" if key == "sql" else sf.shows(key, kind)
            for _label, widget in widgets:
                self.form.setRowVisible(widget, visible)

    def fields(self) -> sf.OptionFields:
        return sf.OptionFields(
            content=str(self.content.currentData()), mapping=str(self.mapping.currentData()),
            snapshot=self.snapshot.isChecked(), terms=self.terms.currentText(),
            currency=self.currency.text(), due_column=self.due_column.currentText(),
            sales_journals=self.sales_journals.text(),
            customer_prefixes=self.customer_prefixes.text(),
            mapping_file=self.mapping_file.text(), kept=self.kept)
