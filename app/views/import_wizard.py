"""The import wizard: pick a file → preview its first 50 rows → map columns (pre-filled from the
headers) → see the rows that would be refused → import with a progress bar → the report.

Decisions live in services (read_table, suggest_mapping, dry_run, import_batch); this module
only lays out widgets and forwards events. The import runs through the job runner.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from app.errors import UserError
from app.services.changes import ChangeSet
from app.services.ledger.csv_excel import RawTable, read_table
from app.services.ledger.mapping import (
    ColumnMapping,
    apply_mapping,
    fields_of,
    load_profile,
    profile_names,
    save_profile,
    suggest_mapping,
)
from app.services.ledger.pipeline import ImportOptions, dry_run, import_batch
from app.services.ledger.records import REQUIRED, ImportReport, LedgerBatch
from app.views.context import AppContext
from app.views.import_models import RejectionTableModel, TextTableModel

PREVIEW_ROWS = 50
SEPARATOR_NAMES = {"\t": "tab", ";": "semicolon", ",": "comma", "|": "pipe"}
ENCODING_NAMES = {"utf-8-sig": "UTF-8", "cp1252": "Windows-1252", "iso8859_15": "ISO 8859-15",
                  "": "UTF-8"}
NOT_IN_FILE = "— not in the file —"
KIND_TITLES = {"invoices": "Invoices and credit notes", "debtors": "Customers (debtors)",
               "payments": "Payments"}
FIELD_TITLES = {
    "ref": "Reference", "name": "Name", "segment": "Segment", "country": "Country",
    "language": "Language", "email": "Email", "phone": "Phone", "credit_limit": "Credit limit",
    "currency": "Currency", "debtor_ref": "Customer number", "number": "Invoice number",
    "issue_date": "Invoice date", "due_date": "Due date", "amount": "Amount",
    "kind": "Invoice or credit note", "date": "Payment date", "invoice_ref": "Invoice paid",
    "debtor_name": "Customer name (creates new customers)",
}


class ImportWizard(QWizard):
    """Import a CSV or Excel file into the ledger of the open database."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.table: RawTable | None = None
        self.mapping: ColumnMapping | None = None
        self.report: ImportReport | None = None
        self.setWindowTitle("Import a ledger file")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.file_page = FilePage(self)
        self.preview_page = PreviewPage(self)
        self.mapping_page = MappingPage(self)
        self.check_page = CheckPage(self)
        self.import_page = ImportPage(self)
        for page in (self.file_page, self.preview_page, self.mapping_page, self.check_page,
                     self.import_page):
            self.addPage(page)
        self.resize(900, 620)

    @property
    def kind(self) -> str:
        return str(self.file_page.kind.currentData())

    @property
    def source(self) -> str:
        return self.file_page.source.text().strip() or "import"

    def batch(self) -> LedgerBatch:
        assert self.table is not None and self.mapping is not None
        batch = LedgerBatch(rejections=list(self.table.rejections))
        setattr(batch, self.kind, apply_mapping(self.table.frame, self.mapping))
        return batch

    def options(self, max_rejections: int = 0) -> ImportOptions:
        return ImportOptions(source=self.source, as_of=self.ctx.as_of, author=self.ctx.user_name,
                             max_rejections=max_rejections)


class FilePage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.wiz = wizard
        self.setTitle("1. Choose the file")
        self.setSubTitle("A CSV export or an Excel workbook (first sheet) from your accounts.")
        self.kind = QComboBox()
        for key, title in KIND_TITLES.items():
            self.kind.addItem(title, key)
        self.path = QLineEdit()
        self.path.setPlaceholderText("C:\\Exports\\balance.xlsx")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self.browse)
        self.source = QLineEdit("import")
        self.source.setMaxLength(32)
        self.error = QLabel()
        self.error.setStyleSheet("color: #b00020;")
        self.error.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        form = QFormLayout(self)
        form.addRow("What the file holds", self.kind)
        form.addRow("File", row)
        form.addRow("Source name", self.source)
        form.addRow(self.error)
        self.path.textChanged.connect(self.completeChanged)

    def browse(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Choose a file", "",
                                              "Ledger files (*.csv *.txt *.xlsx *.xlsm)")
        if name:
            self.path.setText(name)

    def isComplete(self) -> bool:  # noqa: N802
        return bool(self.path.text().strip())

    def validatePage(self) -> bool:  # noqa: N802
        path = Path(self.path.text().strip())
        try:
            if not path.is_file():
                raise UserError(f"File {path} not found")
            self.wiz.table = read_table(path)
        except UserError as exc:
            self.error.setText(str(exc))
            return False
        self.error.clear()
        return True


class PreviewPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.wiz = wizard
        self.setTitle("2. Check the file was read correctly")
        self.info = QLabel()
        self.view = QTableView()
        self.view.verticalHeader().setDefaultSectionSize(22)
        layout = QVBoxLayout(self)
        layout.addWidget(self.info)
        layout.addWidget(self.view, 1)

    def initializePage(self) -> None:  # noqa: N802
        t = self.wiz.table
        assert t is not None
        head = t.frame.head(PREVIEW_ROWS)
        rows = [[str(v) for v in r] for r in head[t.headers].itertuples(index=False)]
        self.view.setModel(TextTableModel(t.headers, rows, [int(n) for n in head["_line"]]))
        self.view.resizeColumnsToContents()
        sep = SEPARATOR_NAMES.get(t.separator, t.separator)
        how = ("Excel workbook" if t.encoding == "xlsx" else
               f"text in {ENCODING_NAMES.get(t.encoding, t.encoding)}, separator {sep}")
        self.info.setText(f"{len(t.frame)} rows, {len(t.headers)} columns ({how}). "
                          f"First {min(PREVIEW_ROWS, len(t.frame))} rows:")


class MappingPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.wiz = wizard
        self.setTitle("3. Match your columns")
        self.setSubTitle("Each Collecta field takes one column of your file. Fields in bold are "
                         "required. Suggestions come from your column names.")
        self.combos: dict[str, QComboBox] = {}
        self.form = QFormLayout()
        self.profiles = QComboBox()
        self.profiles.activated.connect(self.load_profile)
        self.profile_name = QLineEdit()
        self.profile_name.setPlaceholderText("e.g. Sage balance export")
        save = QPushButton("Save mapping")
        save.clicked.connect(self.save_profile)
        self.status = QLabel()
        self.status.setWordWrap(True)
        prof = QHBoxLayout()
        prof.addWidget(QLabel("Saved mappings"))
        prof.addWidget(self.profiles, 1)
        prof.addWidget(self.profile_name, 1)
        prof.addWidget(save)
        layout = QVBoxLayout(self)
        layout.addLayout(prof)
        layout.addLayout(self.form)
        layout.addWidget(self.status)
        layout.addStretch(1)

    def initializePage(self) -> None:  # noqa: N802
        t = self.wiz.table
        assert t is not None
        while self.form.rowCount():
            self.form.removeRow(0)
        self.combos.clear()
        guess = suggest_mapping(self.wiz.kind, t.headers)
        required = set(REQUIRED[self.wiz.kind]) - ({"ref"} if self.wiz.kind == "invoices" else
                                                   set())
        for field in fields_of(self.wiz.kind):
            combo = QComboBox()
            combo.addItem(NOT_IN_FILE, "")
            for h in t.headers:
                combo.addItem(h, h)
            combo.setCurrentIndex(max(0, combo.findData(guess.columns.get(field, ""))))
            combo.currentIndexChanged.connect(self.completeChanged)
            label = QLabel(FIELD_TITLES.get(field, field))
            if field in required:
                label.setText(f"<b>{label.text()}</b>")
            self.form.addRow(label, combo)
            self.combos[field] = combo
        with self.wiz.ctx.db.sessions() as s:
            names = profile_names(s, self.wiz.kind)
        self.profiles.clear()
        self.profiles.addItem("—", "")
        for n in names:
            self.profiles.addItem(n, n)

    def current(self) -> ColumnMapping:
        return ColumnMapping(self.wiz.kind, {f: str(c.currentData()) for f, c in
                                             self.combos.items() if c.currentData()})

    def isComplete(self) -> bool:  # noqa: N802
        missing = self.current().missing_required()
        self.status.setText("" if not missing else "Still to match: " + ", ".join(
            FIELD_TITLES.get(m, m) for m in missing))
        return not missing

    def load_profile(self) -> None:
        name = self.profiles.currentData()
        if not name:
            return
        with self.wiz.ctx.db.sessions() as s:
            mapping = load_profile(s, name)
        for field, combo in self.combos.items():
            combo.setCurrentIndex(max(0, combo.findData(mapping.columns.get(field, ""))))

    def save_profile(self) -> None:
        name = self.profile_name.text().strip()
        try:
            with self.wiz.ctx.db.sessions() as s, s.begin():
                save_profile(s, name, self.current())
        except UserError as exc:
            self.status.setText(str(exc))
            return
        self.status.setText(f"Mapping saved as “{name}”.")
        if self.profiles.findData(name) < 0:
            self.profiles.addItem(name, name)

    def validatePage(self) -> bool:  # noqa: N802
        self.wiz.mapping = self.current()
        return True


class CheckPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.wiz = wizard
        self.setTitle("4. Rows Collecta cannot take")
        self.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, "Import")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.model = RejectionTableModel()
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.skip = QCheckBox("Import the other rows and leave these out")
        self.skip.toggled.connect(self.completeChanged)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.skip)
        self.preview: ImportReport | None = None

    def initializePage(self) -> None:  # noqa: N802
        try:
            self.preview = dry_run(self.wiz.ctx.db, self.wiz.batch(), self.wiz.options())
        except UserError as exc:
            self.preview = None
            self.summary.setText(str(exc))
            self.model.set_rejections([])
            return
        p = self.preview
        mapping = self.wiz.mapping
        self.model.set_rejections(list(p.rejections), mapping.columns if mapping else None)
        self.view.resizeColumnsToContents()
        self.view.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        ready = (f"Ready: {p.created} new, {p.updated} changed, {p.unchanged} unchanged.")
        self.summary.setText(ready if not p.rejected else
                             f"{p.rejected} row(s) cannot be imported (below). {ready}")
        self.skip.setVisible(bool(p.rejected))
        self.skip.setChecked(False)

    def isComplete(self) -> bool:  # noqa: N802
        if self.preview is None:
            return False
        return not self.preview.rejected or self.skip.isChecked()


class ImportPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.wiz = wizard
        self.setTitle("5. Import")
        self.bar = QProgressBar()
        self.bar.setRange(0, 6)
        self.result = QLabel("Importing…")
        self.result.setWordWrap(True)
        self.result.setTextFormat(Qt.TextFormat.RichText)
        layout = QVBoxLayout(self)
        layout.addWidget(self.bar)
        layout.addWidget(self.result)
        layout.addStretch(1)
        self.done = False

    def initializePage(self) -> None:  # noqa: N802
        self.done = False
        self.bar.setValue(0)
        preview = self.wiz.check_page.preview
        allowed = preview.rejected if preview is not None else 0
        batch, opts = self.wiz.batch(), self.wiz.options(allowed)
        db = self.wiz.ctx.db
        if self.wiz.ctx.jobs is None:
            self.finished(import_batch(db, batch, opts, self.progress))
            return
        job = self.wiz.ctx.jobs.run(f"Importing {self.wiz.file_page.path.text()}",
                                    lambda jc: import_batch(jc.db, batch, opts, jc.progress,
                                                            jc.cancelled), self.finished)
        job.progressed.connect(self.progress)

    def progress(self, done: int, total: int, message: str) -> None:
        self.bar.setRange(0, total)
        self.bar.setValue(done)
        self.bar.setFormat(f"{message} (%p%)")

    def finished(self, report: ImportReport) -> None:
        self.wiz.report = report
        self.bar.setValue(self.bar.maximum())
        self.bar.setFormat("Done")
        rows = "".join(
            f"<tr><td>{name}</td><td align=right>{c.created}</td><td align=right>{c.updated}"
            f"</td><td align=right>{c.closed}</td><td align=right>{c.unchanged}</td></tr>"
            for name, c in (("Customers", report.debtors),
                            ("Invoices and credit notes", report.invoices),
                            ("Payments", report.payments)))
        self.result.setText(
            "<p><b>Import finished.</b></p><table cellspacing=6><tr><th></th><th>new</th>"
            f"<th>changed</th><th>closed</th><th>unchanged</th></tr>{rows}</table>"
            f"<p>{report.rejected} row(s) left out.</p>")
        self.done = True
        self.completeChanged.emit()
        self.wiz.ctx.broadcast(ChangeSet(debtor_ids=report.debtor_ids, ledger=True))

    def isComplete(self) -> bool:  # noqa: N802
        return self.done
