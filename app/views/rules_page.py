"""The Rules section: every rule in priority order (the first wins a conflict), with New, Edit,
Enable / Disable, Move up / down and Run now. The debtor facts are computed once per as-of date
in a job and shared with the editor's live preview."""

from __future__ import annotations

from typing import Any

import pandas as pd
from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select

from app.db import session_scope
from app.models import AppUser, ReminderPlan
from app.services.analytics.engine import LedgerEngine
from app.services.changes import ChangeSet
from app.services.rules.actions import OVERLIMIT_TAG
from app.services.rules.engine import RunResult, run_rules
from app.services.rules.facts import debtor_facts
from app.services.rules.seeds import ensure_seed_rules
from app.services.rules.store import (
    TRIGGER_LABELS,
    RuleRow,
    draft_of,
    find_rule,
    list_rules,
    reorder_rules,
    set_enabled,
)
from app.views.context import AppContext
from app.views.jobs import JobContext
from app.views.row_table_model import RowTableModel
from app.views.rule_editor import RuleEditorDialog
from app.views.table_style import style_table

Index = QModelIndex | QPersistentModelIndex
COLUMNS = ("Priority", "Enabled", "Name", "Runs", "When", "Do")


class RuleTableModel(RowTableModel[RuleRow]):
    headers = COLUMNS

    def data(self, index: Index, role: int = int(Qt.ItemDataRole.DisplayRole)) -> Any:
        r = self.rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return (str(r.priority), "yes" if r.enabled else "no", r.name,
                    ", ".join(TRIGGER_LABELS[t] for t in r.triggers), r.condition_text,
                    ", ".join(r.actions))[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class RulesPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.facts: pd.DataFrame | None = None
        self.editor: RuleEditorDialog | None = None
        self.last_run: RunResult | None = None
        self.model = RuleTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        style_table(self.table)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)  # the condition
        header.setStretchLastSection(False)
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())
        self.buttons = {name: QPushButton(name) for name in (
            "New rule…", "Edit…", "Enable / disable", "Move up", "Move down", "Run now")}
        actions = (self.new_rule, self.edit_selected, self.toggle_selected,
                   lambda: self.move_selected(-1), lambda: self.move_selected(1), self.run_now)
        top = QHBoxLayout()
        for button, action in zip(self.buttons.values(), actions, strict=True):
            button.clicked.connect(lambda _c=False, a=action: a())
            button.setEnabled(not ctx.read_only)
            top.addWidget(button)
        top.addStretch(1)
        self.status = QLabel()
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        ctx.changed.connect(self._on_changed)
        ctx.as_of_changed.connect(lambda _d: self._forget_facts())
        self.refresh()

    def refresh(self) -> None:
        with session_scope(self.ctx.db) as s:
            if not self.ctx.read_only:
                ensure_seed_rules(s)  # the shipped rules appear, disabled, on first use
            self.model.set_rows(list_rules(s))

    def _on_changed(self, change: ChangeSet) -> None:
        if change.rules or change.everything:
            self.refresh()
        if change.ledger or change.everything or change.debtor_ids:
            self._forget_facts()

    def _forget_facts(self) -> None:
        self.facts = None

    def load_facts(self) -> None:
        """Compute the facts of every debtor in a job, then hand them to the open editor."""
        assert self.ctx.jobs is not None
        as_of = self.ctx.as_of

        def work(job: JobContext) -> pd.DataFrame:
            arrays = LedgerEngine(job.db.engine).arrays
            with session_scope(job.db) as s:
                return debtor_facts(s, arrays, as_of)

        self.ctx.jobs.run("Computing debtor facts", work, self._facts_loaded, cancellable=False)

    def _facts_loaded(self, facts: pd.DataFrame) -> None:
        self.facts = facts
        if self.editor is not None:
            self.editor.set_facts(facts)

    def choices(self) -> tuple[dict[str, list[str]], list[str]]:
        with session_scope(self.ctx.db) as s:
            plans = list(s.scalars(select(ReminderPlan.name).where(ReminderPlan.active)
                                   .order_by(ReminderPlan.name)))
            users = list(s.scalars(select(AppUser.name).where(AppUser.active)
                                   .order_by(AppUser.name)))
        f = self.facts
        def values(col: str) -> list[str]:
            return sorted({str(v) for v in f[col].dropna()}) if f is not None else []
        tags = sorted({t for ts in f["tags"] for t in ts} | {OVERLIMIT_TAG}) if f is not None \
            else [OVERLIMIT_TAG]
        currencies = sorted(set(values("currency")) | set(values("external_limit_currency"))
                            ) or ["EUR"]
        return ({"segment": values("segment"), "country": values("country"), "plan": plans,
                 "account_manager": users, "tags": tags}, currencies)

    def _open_editor(self, draft: Any) -> RuleEditorDialog:
        choices, currencies = self.choices()
        self.editor = RuleEditorDialog(self.ctx, choices, currencies, draft, self)
        self.editor.finished.connect(lambda _r: self.refresh())
        if self.facts is not None:
            self.editor.set_facts(self.facts)
        else:
            self.load_facts()
        self.editor.open()
        return self.editor

    def new_rule(self) -> RuleEditorDialog:
        return self._open_editor(None)

    def selected(self) -> RuleRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.rows[rows[0].row()] if rows else None

    def edit_selected(self) -> RuleEditorDialog | None:
        row = self.selected()
        if row is None:
            return None
        with session_scope(self.ctx.db) as s:
            draft = draft_of(find_rule(s, row.rule_id))
        return self._open_editor(draft)

    def toggle_selected(self) -> None:
        row = self.selected()
        if row is not None:
            with session_scope(self.ctx.db) as s:
                set_enabled(s, row.rule_id, not row.enabled, self.ctx.user_name)
            self.ctx.broadcast(ChangeSet(rules=True))
            self._select(row.rule_id)

    def move_selected(self, step: int) -> None:
        row = self.selected()
        if row is None:
            return
        ids = [r.rule_id for r in self.model.rows]
        i = ids.index(row.rule_id)
        j = min(max(i + step, 0), len(ids) - 1)
        ids[i], ids[j] = ids[j], ids[i]
        with session_scope(self.ctx.db) as s:
            reorder_rules(s, ids, self.ctx.user_name)
        self.ctx.broadcast(ChangeSet(rules=True))
        self._select(row.rule_id)

    def _select(self, rule_id: int) -> None:
        for n, r in enumerate(self.model.rows):
            if r.rule_id == rule_id:
                self.table.selectRow(n)

    def run_now(self) -> None:
        assert self.ctx.jobs is not None
        as_of, user = self.ctx.as_of, self.ctx.user_name

        def work(job: JobContext) -> RunResult:
            arrays = LedgerEngine(job.db.engine).arrays
            with session_scope(job.db) as s:
                return run_rules(s, arrays, as_of, user=user, progress=job.progress,
                                 cancelled=job.cancelled)

        self.ctx.jobs.run("Running the rules", work, self._ran)

    def _ran(self, result: RunResult) -> None:
        self.last_run = result
        emails = f", {len(result.notices)} email(s) queued" if result.notices else ""
        self.status.setText(
            f"Rules run for {result.as_of.isoformat()}: {len(result.changes)} change(s) on "
            f"{len(result.debtor_ids)} debtor(s), {len(result.conflicts)} conflict(s){emails}")
        self.ctx.broadcast(ChangeSet(rules=True, debtor_ids=result.debtor_ids))
