"""One debtor's page: header (contacts, balances, credit limit, the credit insurer's latest score
and limit; Edit… and the contact buttons correct them), then open items, payments and the
activity timeline in tabs; a note is added from the timeline tab."""

from __future__ import annotations

from decimal import Decimal
from html import escape
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QFont
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.errors import NotFoundError, UserError
from app.services import formatting
from app.services.changes import ChangeSet
from app.services.debtor_edit import EditableDebtor, edit_choices, editable_debtor
from app.services.debtors import DebtorDetail, OpenItem, add_note, debtor_detail
from app.services.risk.assessments import Assessment, latest_assessment
from app.views.cell_format import segment_label
from app.views.contacts_panel import ContactsPanel
from app.views.context import AppContext
from app.views.debtor_models import (
    DtoTableModel,
    OpenItemsTableModel,
    PaymentsTableModel,
    TimelineTableModel,
    proof_path,
)
from app.views.disputes_view import HoldsPanel
from app.views.jobs import JobContext
from app.views.table_style import style_table

OVER_LIMIT = "#b91c1c"


class DebtorView(QWidget):
    """Shows `debtor_id` as of ctx.as_of and follows changes; `title_changed` names its tab."""

    title_changed = Signal(str)

    def __init__(self, ctx: AppContext, debtor_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.debtor_id = debtor_id
        self.detail: DebtorDetail | None = None
        self.assessment: Assessment | None = None
        self.editable: EditableDebtor | None = None  # with the version edits must name
        self._explanations: dict[int, str] = {}
        self.items_model = OpenItemsTableModel(ctx.locale, self)
        self.payments_model = PaymentsTableModel(ctx.locale, self)
        self.timeline_model = TimelineTableModel(ctx.locale, self)
        self._build()
        ctx.changed.connect(self._on_changed)
        ctx.as_of_changed.connect(self._on_as_of_changed)  # methods: disconnected on deletion
        self.reload()

    def _build(self) -> None:
        self.name = QLabel()
        big = QFont(self.font())
        big.setPointSizeF(big.pointSizeF() * 1.5)
        big.setBold(True)
        self.name.setFont(big)
        self.identity = QLabel()
        self.identity.setStyleSheet("color: #5d6166;")
        self.balances = QLabel()
        self.credit = QLabel()
        self.insurer = QLabel()
        self.contacts = ContactsPanel(self.ctx, self.debtor_id)
        self.edit_button = QPushButton("Edit details…")
        self.edit_button.setToolTip("Account manager, language, segment, credit limit, tags")
        self.edit_button.clicked.connect(self.edit_details)
        for label in (self.balances, self.credit, self.insurer):
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        header = QFrame()
        header.setFrameShape(QFrame.Shape.StyledPanel)
        grid = QGridLayout(header)
        grid.setContentsMargins(12, 10, 12, 10)
        grid.setHorizontalSpacing(24)
        grid.addWidget(self.name, 0, 0, 1, 2)
        grid.addWidget(self.edit_button, 0, 1, Qt.AlignmentFlag.AlignRight)
        grid.addWidget(self.identity, 1, 0, 1, 2)
        grid.addWidget(_caption("Balances"), 2, 0)
        grid.addWidget(_caption("Contacts"), 2, 1)
        balances_box = QVBoxLayout()
        balances_box.addWidget(self.balances)
        balances_box.addWidget(self.credit)
        balances_box.addWidget(self.insurer)
        balances_box.addStretch(1)
        grid.addLayout(balances_box, 3, 0)
        grid.addWidget(self.contacts, 3, 1, Qt.AlignmentFlag.AlignTop)
        grid.setColumnStretch(1, 1)

        self.tabs = QTabWidget()
        # Default orders are the service's: items by due date, payments and timeline newest first.
        self.items_table = _table(self.items_model, 3, Qt.SortOrder.AscendingOrder)
        self.payments_table = _table(self.payments_model, 0, Qt.SortOrder.DescendingOrder)
        self.timeline_table = _table(self.timeline_model, 0, Qt.SortOrder.DescendingOrder)
        self.timeline_table.horizontalHeader().setStretchLastSection(True)
        self.timeline_table.doubleClicked.connect(self.open_proof)
        self.note_edit = QLineEdit(placeholderText="Write a note about this debtor…")
        self.note_button = QPushButton("Add note")
        self.note_button.setEnabled(False)
        self.note_edit.textChanged.connect(
            lambda text: self.note_button.setEnabled(bool(text.strip()) and not self.ctx.read_only))
        self.note_edit.returnPressed.connect(self.add_note)
        self.note_button.clicked.connect(self.add_note)
        timeline = QWidget()
        note_row = QHBoxLayout()
        note_row.addWidget(self.note_edit, 1)
        note_row.addWidget(self.note_button)
        tl_layout = QVBoxLayout(timeline)
        tl_layout.setContentsMargins(0, 6, 0, 0)
        tl_layout.addLayout(note_row)
        tl_layout.addWidget(self.timeline_table, 1)
        self.items_model.explainer = self._explain
        self.items_table.setSelectionMode(QTableView.SelectionMode.ExtendedSelection)
        items = QWidget()
        hold_row = QHBoxLayout()
        self.dispute_button = QPushButton("Open dispute…")
        self.promise_button = QPushButton("Record promise…")
        self.hold_button = QPushButton("Put on hold…")
        self.dispute_button.setToolTip("Dispute the selected invoices: their reminders stop")
        self.promise_button.setToolTip("The customer promises to pay the selected invoices")
        self.hold_button.setToolTip("Stop all reminders to this debtor until a date")
        self.dispute_button.clicked.connect(lambda: self._open_hold_dialog("dispute"))
        self.promise_button.clicked.connect(lambda: self._open_hold_dialog("promise"))
        self.hold_button.clicked.connect(lambda: self._open_hold_dialog("manual"))
        for button in (self.dispute_button, self.promise_button, self.hold_button):
            hold_row.addWidget(button)
        hold_row.addStretch(1)
        items_layout = QVBoxLayout(items)
        items_layout.setContentsMargins(0, 6, 0, 0)
        items_layout.addLayout(hold_row)
        items_layout.addWidget(self.items_table, 1)
        self.tabs.addTab(items, "Open items")
        self.tabs.addTab(self.payments_table, "Payments")
        self.tabs.addTab(timeline, "Timeline")
        self.holds_panel = HoldsPanel(self.ctx, self.debtor_id)
        self.tabs.addTab(self.holds_panel, "Holds")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 8)
        layout.addWidget(header)
        layout.addWidget(self.tabs, 1)

    def open_proof(self, index: QModelIndex) -> None:
        """Open the archived email or letter of a 'sent' entry with the system's viewer."""
        path = proof_path(self.timeline_model.rows()[index.row()])
        if path is None:
            return
        if not Path(path).is_file():
            if self.ctx.jobs is not None:
                self.ctx.jobs.show_error("Open the sent copy",
                                         NotFoundError(f"The archived copy {path} is missing"))
            return
        QDesktopServices.openUrl(QUrl.fromLocalFile(path))

    # --- holds and explanations ---------------------------------------------------------------
    def selected_invoice_ids(self) -> list[int]:
        rows = self.items_model.rows()
        picked = {i.row() for i in self.items_table.selectionModel().selectedRows()}
        return [rows[r].item_id for r in sorted(picked) if rows[r].item_type == "invoice"]

    def _open_hold_dialog(self, kind: str) -> None:
        from app.views.hold_dialogs import DisputeDialog, ManualHoldDialog, PromiseDialog

        invoice_ids = self.selected_invoice_ids()
        if kind == "manual":
            dialog: QWidget = ManualHoldDialog(self.ctx, self.debtor_id, [], self)
        elif not invoice_ids:
            if self.ctx.jobs is not None:
                self.ctx.jobs.show_error(
                    "Select invoices", UserError("Select one or more invoices in Open items first"))
            return
        elif kind == "dispute":
            dialog = DisputeDialog(self.ctx, self.debtor_id, invoice_ids, self)
        else:
            dialog = PromiseDialog(self.ctx, self.debtor_id, invoice_ids, self)
        dialog.open()  # type: ignore[attr-defined]
        self.hold_dialog = dialog

    def _explain(self, item: OpenItem) -> str:
        from app.services.collection.explain import explain_item

        cache = self._explanations
        if item.item_id not in cache:
            with self.ctx.db.sessions() as session:
                cache[item.item_id] = explain_item(session, item.item_id, self.ctx.as_of)
        return cache[item.item_id]

    # --- content -----------------------------------------------------------------------------
    def reload(self) -> None:
        """Read the debtor again (one short read on the GUI thread: a few hundred rows at most).

        Raises NotFoundError when the debtor is gone (the Debtors page then shows the error).
        """
        with self.ctx.db.sessions() as session:
            detail = debtor_detail(session, self.debtor_id, self.ctx.as_of)
            self.assessment = latest_assessment(session, self.debtor_id, self.ctx.as_of)
            self.editable = editable_debtor(session, self.debtor_id)
        self.show_detail(detail)
        self.contacts.show_debtor(self.editable)
        self.edit_button.setEnabled(not self.ctx.read_only)

    def _refresh(self) -> None:
        try:
            self.reload()
        except NotFoundError as exc:
            self.detail = self.editable = None
            self.name.setText(str(exc))
            self.contacts.show_debtor(None)
            self.edit_button.setEnabled(False)
            for model in (self.items_model, self.payments_model, self.timeline_model):
                model.set_rows([])
            self.note_edit.setEnabled(False)

    def _on_as_of_changed(self, _day: object) -> None:
        self._refresh()

    def show_detail(self, d: DebtorDetail) -> None:
        self.detail = d
        self._explanations.clear()
        loc = self.ctx.locale
        self.name.setText(d.name)
        where = "/".join(p for p in (d.country, d.language) if p)
        facts = [d.ref, segment_label(d.segment), d.manager and f"Manager: {d.manager}", where]
        self.identity.setText("   ·   ".join(f for f in facts if f))
        lines = []
        for cur, amount in d.balances.items():
            overdue = d.overdue.get(cur, Decimal("0.00"))
            lines.append(f"Open <b>{escape(formatting.money(amount, cur, loc))}</b>"
                         f" &nbsp;·&nbsp; overdue <b>{escape(formatting.money(overdue, cur, loc))}"
                         "</b>")
        self.balances.setText("<br>".join(lines) or "Nothing open as of "
                              + formatting.day(d.as_of, loc))
        self.credit.setText(_credit_text(d, loc))
        self.insurer.setText(_insurer_text(d, self.assessment, loc))
        self.items_model.set_rows(d.open_items)
        self.payments_model.set_rows(d.payments)
        self.timeline_model.set_rows(d.timeline)
        self.tabs.setTabText(0, f"Open items ({len(d.open_items)})")
        self.tabs.setTabText(1, f"Payments ({len(d.payments)})")
        self.tabs.setTabText(2, f"Timeline ({len(d.timeline)})")
        self.holds_panel.reload()
        self.tabs.setTabText(3, f"Holds ({self.holds_panel.active_count()} active)")
        for table in (self.items_table, self.payments_table, self.timeline_table):
            table.resizeColumnsToContents()
            header = table.horizontalHeader()
            for column in range(header.count() - 1):
                header.resizeSection(column, header.sectionSize(column) + 24)
        self.title_changed.emit(d.name)

    def _on_changed(self, change: ChangeSet) -> None:
        if change.touches_debtor(self.debtor_id) and not change.everything:
            self._refresh()

    # --- writing -----------------------------------------------------------------------------
    def edit_details(self) -> QWidget | None:
        """The collection fields' dialog, on the version this page shows."""
        from app.views.debtor_edit_dialog import DebtorEditDialog

        if self.editable is None or self.ctx.read_only:
            return None
        with self.ctx.db.sessions() as session:
            choices = edit_choices(session)
        dialog = DebtorEditDialog(self.ctx, self.editable, choices, self)
        dialog.open()
        self.edit_dialog = dialog
        return dialog

    def add_note(self) -> None:
        text = self.note_edit.text().strip()
        if not text or self.ctx.read_only:
            return
        assert self.ctx.jobs is not None
        debtor_id, author = self.debtor_id, self.ctx.user_name

        def work(job: JobContext) -> int:
            with job.session() as session:
                return add_note(session, debtor_id, author, text)

        self.note_button.setEnabled(False)
        self.ctx.jobs.run("Adding a note", work, self._note_added, cancellable=False,
                          show_progress=False)

    def _note_added(self, _activity_id: int) -> None:
        self.note_edit.clear()
        self.ctx.broadcast(ChangeSet(debtor_ids=frozenset({self.debtor_id})))


def _caption(text: str) -> QLabel:
    label = QLabel(text.upper())
    font = QFont(label.font())
    font.setPointSizeF(font.pointSizeF() * 0.85)
    font.setBold(True)
    label.setFont(font)
    label.setStyleSheet("color: #5d6166;")
    return label


def _table(model: DtoTableModel[Any], sort_column: int, order: Qt.SortOrder) -> QTableView:
    table = QTableView()
    table.setModel(model)
    style_table(table)
    table.horizontalHeader().setSortIndicator(sort_column, order)
    table.setSortingEnabled(True)
    return table


def _credit_text(d: DebtorDetail, loc: str) -> str:
    if d.credit_limit is None or not d.credit_limit_currency:
        return "No credit limit set"
    cur = d.credit_limit_currency
    exposure = d.balances.get(cur, Decimal("0.00"))
    limit = formatting.money(d.credit_limit, cur, loc)
    used = f"{exposure / d.credit_limit * 100:.0f} %" if d.credit_limit > 0 else "—"
    text = (f"Credit limit {escape(limit)} &nbsp;·&nbsp; exposure "
            f"{escape(formatting.money(exposure, cur, loc))} ({used})")
    if exposure > d.credit_limit:
        return f'<span style="color:{OVER_LIMIT}"><b>Over limit:</b> {text}</span>'
    return text


def _insurer_text(d: DebtorDetail, a: Assessment | None, loc: str) -> str:
    """The credit insurer's latest figures as of the page's date; red when the exposure in the
    limit's currency is above it."""
    if a is None:
        return '<span style="color:#5d6166">No credit-insurer assessment</span>'
    parts = []
    if a.score is not None:
        digits = min(2, max(0, -int(a.score.normalize().as_tuple().exponent)))
        parts.append(f"score <b>{escape(formatting.number(a.score, loc, digits))}</b>")
    over = False
    if a.limit_amount is not None and a.limit_currency:
        parts.append(f"limit <b>{escape(formatting.money(a.limit_amount, a.limit_currency, loc))}"
                     "</b>")
        over = d.balances.get(a.limit_currency, Decimal("0.00")) > a.limit_amount
    text = (f"Insurer {escape(a.insurer)}: {' &nbsp;·&nbsp; '.join(parts)} "
            f"<span style=\"color:#5d6166\">(assessed {escape(formatting.day(a.assessed_on, loc))}"
            ")</span>")
    if over:
        return f'<span style="color:{OVER_LIMIT}"><b>Above insurer limit:</b> {text}</span>'
    return text
