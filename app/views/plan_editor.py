"""The plan editor: plans and their steps (add, reorder, remove; channel and template pickers),
the step's template per language and channel with a live preview for a chosen debtor, and
validation on save (offsets ascending, every language in use, unknown variables)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select

from app.db import session_scope
from app.errors import UserError
from app.models import Debtor
from app.services.changes import ChangeSet
from app.services.collection.plan_edit import (
    StepDraft,
    TemplateDraft,
    languages_in_use,
    load_templates_for_edit,
    save_plan,
)
from app.services.collection.plans import PlanInfo, load_plans
from app.services.collection.previews import debtor_sample_context
from app.services.collection.templates import render_text, unknown_variables
from app.views.context import AppContext

CHANNEL_CHOICES = ("email", "sms", "letter", "call", "email + sms")
COLUMNS = ("Name", "Offset (days)", "Channels", "Template", "Business days", "Interest")
STEP_ID_ROLE = int(Qt.ItemDataRole.UserRole) + 1


class PlanEditor(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.plans: dict[int, PlanInfo] = {}
        self.templates: dict[tuple[str, str, str], TemplateDraft] = {}
        self.languages: list[str] = []
        self._contexts: dict[tuple[int, str, bool, str], dict[str, Any]] = {}
        self._loading = False

        self.plan_list = QListWidget()
        self.plan_list.currentItemChanged.connect(lambda *_: self._show_plan())
        self.steps = QTableWidget(0, len(COLUMNS))
        self.steps.setHorizontalHeaderLabels(COLUMNS)
        self.steps.verticalHeader().setDefaultSectionSize(30)
        self.steps.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in range(1, len(COLUMNS)):
            self.steps.horizontalHeader().setSectionResizeMode(
                col, QHeaderView.ResizeMode.ResizeToContents)
        self.steps.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.steps.currentCellChanged.connect(lambda *_: self._show_template())
        self.gap = QSpinBox()
        self.gap.setRange(0, 90)
        self.gap.setSuffix(" days between two touches")
        buttons = QHBoxLayout()
        for text, slot in (("Add step", self.add_step), ("Remove", self.remove_step),
                           ("Move up", lambda: self.move_step(-1)),
                           ("Move down", lambda: self.move_step(1))):
            b = QPushButton(text)
            b.clicked.connect(slot)
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(QLabel("Minimum gap"))
        buttons.addWidget(self.gap)
        steps_box = QWidget()
        sl = QVBoxLayout(steps_box)
        sl.setContentsMargins(0, 0, 0, 0)
        sl.addWidget(self.steps, 1)
        sl.addLayout(buttons)

        self.language = QComboBox()
        self.channel = QComboBox()
        self.debtor = QComboBox()
        for combo in (self.language, self.channel, self.debtor):
            combo.currentIndexChanged.connect(lambda *_: self._show_template())
        self.subject = QLineEdit()
        self.body = QPlainTextEdit()
        self.subject.textChanged.connect(self._template_edited)
        self.body.textChanged.connect(self._template_edited)
        self.preview = QPlainTextEdit()
        self.preview.setReadOnly(True)
        pick = QHBoxLayout()
        pick.addWidget(QLabel("Language"))
        pick.addWidget(self.language)
        pick.addWidget(QLabel("Channel"))
        pick.addWidget(self.channel)
        pick.addStretch(1)
        form = QFormLayout()
        form.addRow("Subject", self.subject)
        template_box = QGroupBox("Template")
        tl = QVBoxLayout(template_box)
        tl.addLayout(pick)
        tl.addLayout(form)
        tl.addWidget(self.body, 1)
        preview_box = QGroupBox("Live preview")
        pl = QVBoxLayout(preview_box)
        row = QHBoxLayout()
        row.addWidget(QLabel("For debtor"))
        row.addWidget(self.debtor, 1)
        pl.addLayout(row)
        pl.addWidget(self.preview, 1)

        self.problems = QLabel()
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet("color: #b91c1c;")
        self.save_button = QPushButton("Save plan")
        self.save_button.clicked.connect(self.save)
        self.save_button.setEnabled(not ctx.read_only)

        upper = QSplitter()
        upper.addWidget(self.plan_list)
        upper.addWidget(steps_box)
        upper.setSizes([180, 820])
        lower = QSplitter()
        lower.addWidget(template_box)
        lower.addWidget(preview_box)
        vertical = QSplitter(Qt.Orientation.Vertical)
        vertical.addWidget(upper)
        vertical.addWidget(lower)
        vertical.setSizes([260, 440])
        bottom = QHBoxLayout()
        bottom.addWidget(self.problems, 1)
        bottom.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(vertical, 1)
        layout.addLayout(bottom)
        self.reload()

    # loading
    def reload(self) -> None:
        with session_scope(self.ctx.db) as s:
            self.plans = load_plans(s)
            self.templates = load_templates_for_edit(s)
            self.languages = sorted(languages_in_use(s) | {"en", "fr"})
            debtors = s.execute(select(Debtor.id, Debtor.name, Debtor.external_ref)
                                .order_by(Debtor.name).limit(500)).all()
        self._loading = True
        self.language.clear()
        self.language.addItems(self.languages)
        self.debtor.clear()
        for debtor_id, name, ref in debtors:
            self.debtor.addItem(f"{name} ({ref})", debtor_id)
        self.plan_list.clear()
        for plan in self.plans.values():
            item = QListWidgetItem(plan.name)
            item.setData(STEP_ID_ROLE, plan.plan_id)
            self.plan_list.addItem(item)
        self._loading = False
        if self.plan_list.count():
            self.plan_list.setCurrentRow(0)

    def current_plan(self) -> PlanInfo | None:
        item = self.plan_list.currentItem()
        return self.plans.get(int(item.data(STEP_ID_ROLE))) if item else None

    def _show_plan(self) -> None:
        plan = self.current_plan()
        if plan is None:
            return
        self._loading = True
        self.steps.setRowCount(0)
        for st in plan.steps:
            self._insert_row(self.steps.rowCount(), StepDraft(
                st.step_id, st.name, st.offset_days, st.channels, st.template_key, None, st.fee,
                st.business_days, st.with_interest))
        self.gap.setValue(plan.min_gap_days)
        self._loading = False
        self.problems.clear()
        if self.steps.rowCount():
            self.steps.setCurrentCell(0, 0)

    def _insert_row(self, row: int, d: StepDraft) -> None:
        was_loading, self._loading = self._loading, True
        try:
            self._fill_row(row, d)
        finally:
            self._loading = was_loading

    def _fill_row(self, row: int, d: StepDraft) -> None:
        self.steps.insertRow(row)
        name = QTableWidgetItem(d.name)
        name.setData(STEP_ID_ROLE, d.step_id)
        self.steps.setItem(row, 0, name)
        self.steps.setItem(row, 1, QTableWidgetItem(str(d.offset_days)))
        channels = QComboBox()
        channels.addItems(CHANNEL_CHOICES)
        channels.setCurrentText(" + ".join(d.channels))
        channels.currentIndexChanged.connect(lambda *_: self._show_template())
        self.steps.setCellWidget(row, 2, channels)
        template = QComboBox()
        template.setEditable(True)
        template.addItems(sorted({k for k, _, _ in self.templates}))
        template.setCurrentText(d.template_key)
        template.currentTextChanged.connect(lambda *_: self._show_template())
        self.steps.setCellWidget(row, 3, template)
        for col, on in ((4, d.business_days), (5, d.with_interest)):
            box = QTableWidgetItem()
            box.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled
                         | Qt.ItemFlag.ItemIsSelectable)
            box.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
            self.steps.setItem(row, col, box)

    def step_drafts(self) -> list[StepDraft]:
        return [self._row_draft(r) for r in range(self.steps.rowCount())]

    def _row_draft(self, r: int) -> StepDraft:
        name, offset = self.steps.item(r, 0), self.steps.item(r, 1)
        offset_text = offset.text() if offset is not None else "0"
        try:
            days = int(offset_text)
        except ValueError:
            raise UserError(f"Step {r + 1}: offset '{offset_text}' is not a whole number "
                            "of days") from None
        channels = self.steps.cellWidget(r, 2)
        template = self.steps.cellWidget(r, 3)
        assert isinstance(channels, QComboBox) and isinstance(template, QComboBox)
        return StepDraft(
            name.data(STEP_ID_ROLE) if name else None, name.text() if name else "", days,
            tuple(c.strip() for c in channels.currentText().split("+")),
            template.currentText().strip(),
            business_days=self._checked(r, 4), with_interest=self._checked(r, 5))

    def _checked(self, row: int, col: int) -> bool:
        item = self.steps.item(row, col)
        return item is not None and item.checkState() == Qt.CheckState.Checked

    # step list editing
    def add_step(self) -> None:
        last = self.step_drafts()[-1].offset_days if self.steps.rowCount() else 0
        row = self.steps.rowCount()
        self._insert_row(row, StepDraft(None, "New step", last + 7, ("email",), "reminder_1"))
        self.steps.setCurrentCell(row, 0)

    def remove_step(self) -> None:
        row = self.steps.currentRow()
        if row >= 0:
            self.steps.removeRow(row)

    def move_step(self, delta: int) -> None:
        row = self.steps.currentRow()
        target = row + delta
        if row < 0 or not 0 <= target < self.steps.rowCount():
            return
        drafts = self.step_drafts()
        moved = drafts.pop(row)
        self.steps.removeRow(row)
        self._insert_row(target, moved)
        self.steps.setCurrentCell(target, 0)

    # template editing and live preview
    def _template_key(self) -> tuple[str, str, str] | None:
        row = self.steps.currentRow()
        if row < 0 or not self.language.currentText():
            return None
        template = self.steps.cellWidget(row, 3)
        assert isinstance(template, QComboBox)
        return (template.currentText().strip(), self.language.currentText(),
                self.channel.currentText())

    def _show_template(self) -> None:
        if self._loading:
            return
        row = self.steps.currentRow()
        if row >= 0:
            channels = self.steps.cellWidget(row, 2)
            assert isinstance(channels, QComboBox)
            wanted = [c.strip() for c in channels.currentText().split("+")]
            if [self.channel.itemText(i) for i in range(self.channel.count())] != wanted:
                self._loading = True
                self.channel.clear()
                self.channel.addItems(wanted)
                self._loading = False
        key = self._template_key()
        draft = self.templates.get(key) if key else None
        self._loading = True
        self.subject.setText(draft.subject or "" if draft else "")
        self.subject.setEnabled(key is not None and key[2] != "sms")
        self.body.setPlainText(draft.body if draft else "")
        self._loading = False
        self._render_preview()

    def _template_edited(self) -> None:
        if self._loading:
            return
        key = self._template_key()
        if key is not None:
            self.templates[key] = TemplateDraft(self.subject.text() or None,
                                                self.body.toPlainText())
        self._render_preview()

    def _render_preview(self) -> None:
        key = self._template_key()
        debtor_id = self.debtor.currentData()
        if key is None or debtor_id is None:
            self.preview.setPlainText("")
            return
        try:
            step = self._row_draft(self.steps.currentRow())
        except UserError as exc:
            self.preview.setPlainText(str(exc))
            return
        unknown = unknown_variables(self.body.toPlainText()) | unknown_variables(
            self.subject.text())
        if unknown:
            self.preview.setPlainText(f"Unknown variable(s): {', '.join(sorted(unknown))}")
            return
        ckey = (int(debtor_id), step.name, step.with_interest, key[1])
        if ckey not in self._contexts:
            with session_scope(self.ctx.db) as s:
                self._contexts[ckey] = debtor_sample_context(
                    s, int(debtor_id), self.ctx.as_of, step_name=step.name,
                    with_interest=step.with_interest, user=self.ctx.user_name, language=key[1])
        context = self._contexts[ckey]
        try:
            subject = render_text(self.subject.text(), context).strip()
            body = render_text(self.body.toPlainText(), context)
        except UserError as exc:
            self.preview.setPlainText(str(exc))
            return
        self.preview.setPlainText((f"Subject: {subject}\n\n" if subject else "") + body)

    # saving
    def save(self) -> bool:
        plan = self.current_plan()
        if plan is None:
            return False
        try:
            steps = self.step_drafts()
            with session_scope(self.ctx.db) as s:
                save_plan(s, plan.plan_id, steps, self.templates, author=self.ctx.user_name,
                          min_gap_days=self.gap.value())
        except UserError as exc:
            self.problems.setText(str(exc))
            return False
        self.problems.setText("")
        self.ctx.broadcast(ChangeSet(campaigns=True))
        current = self.plan_list.currentRow()
        self.reload()
        self.plan_list.setCurrentRow(current)
        return True
