"""The rule editor: name, when it runs, the condition tree, the actions, and on the right a live
count and list of the debtors the condition matches now (re-evaluated on every edit over the facts
table the page computed once), a dry-run diff of what saving and running would change, and Save
(refused with every problem named when the rule is malformed)."""

from __future__ import annotations

import time
from typing import Any

import pandas as pd
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.db import session_scope
from app.services.changes import ChangeSet
from app.services.dispatch.notices import Notice
from app.services.rules.engine import dry_run_draft
from app.services.rules.preview import MatchRow, preview_condition
from app.services.rules.store import TRIGGER_LABELS, RuleDraft, RuleInvalidError, save_rule
from app.views.context import AppContext
from app.views.rule_actions_list import ActionsList
from app.views.rule_condition_tree import ConditionTree
from app.views.table_style import style_table

Index = QModelIndex | QPersistentModelIndex
MATCH_COLUMNS = ("Debtor", "Currency", "Why it matches")


class MatchTableModel(QAbstractTableModel):
    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self.rows: tuple[MatchRow, ...] = ()

    def set_rows(self, rows: tuple[MatchRow, ...]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return len(MATCH_COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = int(Qt.ItemDataRole.DisplayRole)) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return MATCH_COLUMNS[section]
        return None

    def data(self, index: Index, role: int = int(Qt.ItemDataRole.DisplayRole)) -> Any:
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        r = self.rows[index.row()]
        return (r.name, r.currency or "", r.reason)[index.column()]


class RuleEditorDialog(QDialog):
    def __init__(self, ctx: AppContext, choices: dict[str, list[str]], currencies: list[str],
                 draft: RuleDraft | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.draft_in = ctx, draft
        self.facts: pd.DataFrame | None = None
        self.saved_id: int | None = None
        self.last_preview_ms = 0.0
        self.last_notices: tuple[Notice, ...] = ()
        self.setWindowTitle("Edit rule" if draft and draft.rule_id else "New rule")
        self.resize(1240, 720)
        self.name = QLineEdit()
        self.name.setPlaceholderText("e.g. Over credit limit")
        self.enabled = QCheckBox("Enabled (runs automatically)")
        self.triggers = {k: QCheckBox(label.capitalize()) for k, label in TRIGGER_LABELS.items()}
        when = QHBoxLayout()
        for box in self.triggers.values():
            when.addWidget(box)
        when.addStretch(1)
        self.tree = ConditionTree(choices, currencies)
        self.actions = ActionsList(choices, "+ Action")
        self.else_actions = ActionsList(choices, "+ Action when the condition stops holding")
        form = QFormLayout()
        form.addRow("Name", self.name)
        form.addRow("Runs", when)
        form.addRow("", self.enabled)
        cond_box = QGroupBox("When")
        QVBoxLayout(cond_box).addWidget(self.tree)
        act_box = QGroupBox("Do")
        act_layout = QVBoxLayout(act_box)
        act_layout.addWidget(self.actions)
        act_layout.addWidget(self.else_actions)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.addLayout(form)
        left_layout.addWidget(cond_box, 3)
        left_layout.addWidget(act_box, 1)
        self.count = QLabel()
        self.count.setStyleSheet("font-size: 15pt; font-weight: bold;")
        self.problems = QLabel()
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet("color: #b00020;")
        self.model = MatchTableModel(self)
        self.matches = QTableView()
        self.matches.setModel(self.model)
        style_table(self.matches)
        self.matches.horizontalHeader().setStretchLastSection(True)
        self.diff = QPlainTextEdit()
        self.diff.setReadOnly(True)
        self.diff.setPlaceholderText("Dry run: what saving and running this rule now would "
                                     "change, debtor by debtor.")
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.addWidget(self.count)
        right_layout.addWidget(self.problems)
        right_layout.addWidget(self.matches, 3)
        right_layout.addWidget(self.diff, 1)
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(right)
        split.setSizes([640, 600])
        self.dry_run_button = QPushButton("Dry run")
        self.save_button = QPushButton("Save")
        self.save_button.setDefault(True)
        cancel = QPushButton("Cancel")
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for b in (self.dry_run_button, self.save_button, cancel):
            buttons.addWidget(b)
        layout = QVBoxLayout(self)
        layout.addWidget(split, 1)
        layout.addLayout(buttons)
        self.dry_run_button.clicked.connect(self.dry_run)
        self.save_button.clicked.connect(self.save)
        cancel.clicked.connect(self.reject)
        self._load(draft)
        for signal in (self.tree.edited, self.actions.edited, self.else_actions.edited):
            signal.connect(self._edited)
        self.refresh_preview()

    def _load(self, draft: RuleDraft | None) -> None:
        if draft is None:
            self.triggers["campaign_build"].setChecked(True)
            self.triggers["daily"].setChecked(True)
            self.tree.add_condition()
            self.actions.add_action()
            return
        self.name.setText(draft.name)
        self.enabled.setChecked(draft.enabled)
        for key, box in self.triggers.items():
            box.setChecked(key in draft.triggers)
        self.tree.set_condition(draft.condition)
        self.actions.set_actions(draft.actions)
        self.else_actions.set_actions(draft.else_actions)

    def current_draft(self) -> RuleDraft:
        d = self.draft_in
        return RuleDraft(
            name=self.name.text().strip(), condition=self.tree.condition(),
            actions=self.actions.actions(), else_actions=self.else_actions.actions(),
            triggers=tuple(k for k, b in self.triggers.items() if b.isChecked()),
            enabled=self.enabled.isChecked(), priority=d.priority if d else 100,
            description=d.description if d else None, rule_id=d.rule_id if d else None)

    def set_facts(self, facts: pd.DataFrame) -> None:
        self.facts = facts
        self.refresh_preview()

    def _edited(self) -> None:
        self.diff.clear()
        self.refresh_preview()

    def refresh_preview(self) -> None:
        """Re-evaluate the condition over the facts table (milliseconds; no database read)."""
        if not hasattr(self, "model"):
            return
        if self.facts is None:
            self.count.setText("Computing debtor facts…")
            return
        started = time.perf_counter()
        preview = preview_condition(self.facts, self.tree.condition())
        self.model.set_rows(preview.rows)
        self.matches.resizeColumnsToContents()
        shown = f" (first {len(preview.rows)} listed)" if len(preview.rows) < preview.count else ""
        self.count.setText(f"{preview.count} debtor{'s' if preview.count != 1 else ''} match "
                           f"as of {self.ctx.as_of.isoformat()}{shown}")
        self.problems.setText("\n".join(preview.problems))
        self.last_preview_ms = (time.perf_counter() - started) * 1000

    def dry_run(self) -> None:
        if self.facts is None:
            return
        draft = self.current_draft()
        with self.ctx.db.sessions() as s:
            result = dry_run_draft(s, self.facts, draft, self.ctx.as_of)
        names = self.facts["name"].to_dict()
        lines = [f"{names.get(c.debtor_id, c.debtor_id)}: {c.words} ({c.reason})"
                 for c in result.changes]
        skipped = [o.skipped for o in result.rules if o.skipped]
        head = (f"Would change {len(result.changes)} thing(s) on {len(result.debtor_ids)} "
                f"debtor(s):" if not skipped else f"Cannot run: {skipped[0]}")
        emails = [f"{names.get(n.debtor_id, n.debtor_id)}: would email {n.user} "
                  f"<{n.recipient}>: {n.subject}" for n in result.notices]
        if emails:
            lines += [f"Would queue {len(emails)} email(s):", *emails]
        self.diff.setPlainText("\n".join([head, *lines]))
        self.last_notices = result.notices

    def save(self) -> None:
        draft = self.current_draft()
        try:
            with session_scope(self.ctx.db) as s:
                self.saved_id = save_rule(s, draft, self.ctx.user_name)
        except RuleInvalidError as exc:
            self.problems.setText("Cannot save:\n" + "\n".join(f"• {p}" for p in exc.problems))
            return
        self.ctx.broadcast(ChangeSet(rules=True))
        self.accept()
