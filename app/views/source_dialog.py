"""Add or edit a ledger source: name, kind, where it is (file, Sage 100 server, SQL config),
the options its kind takes, the schedule. "Test" reads it in the background without importing
and says what it found; Save goes through the service, whose refusal is shown here while the
dialog stays open and nothing is saved. The decisions live in source_form (no Qt)."""

from __future__ import annotations

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.errors import UserError
from app.services.ledger.source_checks import check_config, check_name, imported_rows
from app.services.ledger.source_list import SourceRow
from app.services.ledger.source_probe import SourceCounts, probe_source
from app.services.ledger.sources import add_source, source_password, update_source
from app.views import source_form as sf
from app.views.context import AppContext
from app.views.jobs import PARALLEL_LANE, JobContext
from app.views.source_location import LocationBox
from app.views.source_options import OptionsBox

OK_STYLE = "color: #166534;"
ERROR_STYLE = "color: #b00020;"


class SourceDialog(QDialog):
    """`source` None adds a source; `saved` holds the row once Save succeeded."""

    def __init__(self, ctx: AppContext, source: SourceRow | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.source = source
        self.saved: SourceRow | None = None
        self.counts: SourceCounts | None = None
        self.setWindowTitle(f"Ledger source {source.name}" if source else "Add a ledger source")
        self.setMinimumWidth(640)
        rows = imported_rows(ctx.db, source.name) if source else 0
        self.name = QLineEdit(source.name if source else "")
        self.name.setMaxLength(32)
        self.name.setPlaceholderText("e.g. compta, sage, erp")
        self.name.setReadOnly(rows > 0)
        self.name.setStyleSheet("QLineEdit:read-only { background: palette(window); }")
        self.name_note = QLabel(self._name_note(rows))
        self.name_note.setWordWrap(True)
        self.name_note.setStyleSheet("color: palette(mid);")
        self.kind = QComboBox()
        for key, label in sf.KIND_LABELS.items():
            self.kind.addItem(label, key)
        self.kind.setCurrentIndex(max(0, self.kind.findData(source.kind if source else "fec")))
        self.kind.setEnabled(rows == 0)
        name_box = QWidget()
        name_lay = QVBoxLayout(name_box)
        name_lay.setContentsMargins(0, 0, 0, 0)
        name_lay.setSpacing(2)
        name_lay.addWidget(self.name)
        name_lay.addWidget(self.name_note)
        head = QGroupBox("Source")
        head_form = QFormLayout(head)
        head_form.addRow("Name", name_box)
        head_form.addRow("Kind", self.kind)
        self.location = LocationBox(self, source.kind if source else "fec",
                                    source.location if source else "", self._password_hint())
        self.options = OptionsBox(ctx, sf.fields_from(source.options if source else {}))
        self.manual = QRadioButton("Manual only (Sync now)")
        self.every = QRadioButton("Every")
        self.minutes = QSpinBox(minimum=1, maximum=10_080, value=60, suffix=" minutes")
        self.minutes.setToolTip("1440 minutes = once a day")
        group = QButtonGroup(self)
        group.addButton(self.manual)
        group.addButton(self.every)
        scheduled = bool(source and source.schedule_minutes)
        if source and source.schedule_minutes:
            self.minutes.setValue(source.schedule_minutes)
        (self.every if scheduled or source is None else self.manual).setChecked(True)
        self.manual.toggled.connect(lambda on: self.minutes.setEnabled(not on))
        self.minutes.setEnabled(not self.manual.isChecked())
        when_row = QHBoxLayout()
        for w in (self.manual, self.every, self.minutes):
            when_row.addWidget(w)
        when_row.addStretch(1)
        self.enabled = QCheckBox("Enabled: included in Sync now and the automatic sync")
        self.enabled.setChecked(source.enabled if source else True)
        when = QGroupBox("When")
        when_form = QFormLayout(when)
        when_form.addRow("Sync", when_row)
        when_form.addRow("", self.enabled)
        self.test_button = QPushButton("Test")
        self.test_button.setToolTip("Read the source now, without importing anything")
        self.test_button.clicked.connect(self.run_test)
        self.test_result = QLabel()
        self.test_result.setWordWrap(True)
        test_row = QHBoxLayout()
        test_row.addWidget(self.test_button)
        test_row.addWidget(self.test_result, 1)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setEnabled(not ctx.read_only)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(head)
        layout.addWidget(self.location)
        layout.addWidget(self.options)
        layout.addWidget(when)
        layout.addLayout(test_row)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()

    def _name_note(self, rows: int) -> str:
        if rows:
            return (f"{rows:,} ledger rows were imported under this name, so it (and the kind) "
                    "can no longer change. For another name, add a new source.")
        return ("Stamped on every row this source imports; it cannot change once rows were "
                "imported. 1 to 32 characters, no ':'.")

    def _password_hint(self) -> str:
        saved = self.source is not None and source_password(self.source.name)
        return ("saved in the system keyring — type to replace it" if saved
                else "stored in the system keyring, never in the database")

    def kind_key(self) -> str:
        return str(self.kind.currentData())

    def _kind_changed(self) -> None:
        kind = self.kind_key()
        self.location.show_kind(kind)
        self.options.show_kind(kind)
        self.test_result.clear()
        self._fit()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        self._fit()

    def _fit(self) -> None:
        """As tall as the rows this kind shows: the form shrinks and grows with the kind."""
        layout = self.layout()
        if layout is not None:
            layout.activate()
        self.resize(max(self.width(), self.minimumWidth()), self.sizeHint().height())

    def draft(self) -> SourceRow:
        """The source as the form describes it now (not saved)."""
        kind = self.kind_key()
        last = self.source
        return SourceRow(self.name.text().strip(), kind, self.location.text(kind),
                         sf.options_for(kind, self.options.fields()),
                         None if self.manual.isChecked() else self.minutes.value(),
                         self.enabled.isChecked(), last.last_sync_at if last else None,
                         last.last_outcome if last else None, last.last_message if last else None)

    def run_test(self) -> None:
        assert self.ctx.jobs is not None
        src, password = self.draft(), self.location.password.text() or None
        db = self.ctx.db

        def work(_jc: JobContext) -> SourceCounts | UserError:
            try:
                name = check_name(src.name or "test")
                check_config(db, name, src.kind, src.location, src.options,
                             src.schedule_minutes, check_location=True)
                return probe_source(db, src, password)
            except UserError as exc:
                return exc

        self.test_button.setEnabled(False)
        self._say(self.test_result, f"Reading {src.name or 'the source'}…", "")
        job = self.ctx.jobs.run(f"Testing source {src.name}", work, self._tested,
                                cancellable=False, lane=PARALLEL_LANE, show_progress=False)
        job.finished.connect(lambda _job: self.test_button.setEnabled(True))

    def _tested(self, outcome: SourceCounts | UserError) -> None:
        if isinstance(outcome, UserError):
            self.counts = None
            self._say(self.test_result, str(outcome), ERROR_STYLE)
            return
        self.counts = outcome
        self._say(self.test_result, f"Found {outcome.describe(self.ctx.locale)}.", OK_STYLE)

    def _say(self, label: QLabel, text: str, style: str) -> None:
        label.setStyleSheet(style)
        label.setText(text)

    def accept(self) -> None:
        d, password = self.draft(), self.location.password.text() or None
        try:
            if self.source is None:
                self.saved = add_source(self.ctx.db, d.name, d.kind, d.location,
                                        options=d.options, schedule_minutes=d.schedule_minutes,
                                        author=self.ctx.user_name, check_location=True,
                                        password=password, enabled=d.enabled)
            else:
                self.saved = update_source(
                    self.ctx.db, self.source.name, new_name=d.name, kind=d.kind,
                    location=d.location, options=d.options, schedule_minutes=d.schedule_minutes,
                    enabled=d.enabled, password=password, author=self.ctx.user_name)
        except UserError as exc:
            self.error.setText(str(exc))
            self.error.show()
            return
        super().accept()

