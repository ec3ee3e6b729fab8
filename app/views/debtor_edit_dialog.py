"""Edit a debtor's collection fields: account manager, language of reminders, segment, credit
limit and currency, tags. Fields a ledger sync writes back say so next to them.

`save_debtor_change` is the one write path of the debtor page's dialogs and contact buttons: one
transaction, the debtor broadcast as changed (worklist, debtor page and outbox refresh). When
someone else saved the customer meanwhile the page reloads and the ConflictError says so.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from app.db import session_scope
from app.errors import ConflictError, UserError
from app.services import formatting
from app.services.changes import ChangeSet
from app.services.company_checks import LANGUAGE_NAMES
from app.services.contact_checks import parse_amount
from app.services.debtor_edit import (
    DebtorChange,
    EditableDebtor,
    EditChoices,
    update_debtor,
)
from app.views.cell_format import segment_label
from app.views.context import AppContext

ERROR_STYLE = "color: #b91c1c;"
NOTE_STYLE = "color: #5d6166;"
LEDGER_NOTE = "from the ledger: the next sync replaces it"
LEDGER_TIP = ("This customer comes from the ledger '{source}'. When the ledger's customer list "
              "has this column, each sync writes the ledger's value back: change it in your "
              "accounting software to make it last.")
NO_ONE = "(no account manager)"


def save_debtor_change(ctx: AppContext, debtor_id: int,
                       work: Callable[[Session], DebtorChange]) -> DebtorChange:
    """Run `work` in one transaction and broadcast the debtor; on a conflict the page reloads
    (broadcast too) and the error says what to do."""
    try:
        with session_scope(ctx.db) as session:
            change = work(session)
    except ConflictError as exc:
        ctx.broadcast(ChangeSet(debtor_ids=frozenset({debtor_id})))
        text = str(exc).replace("reload it and make your change again",
                                "the page now shows the latest details: make your change again")
        raise ConflictError(text) from None
    if change.changed:
        ctx.broadcast(ChangeSet(debtor_ids=frozenset({debtor_id})))
    return change


class EditFormDialog(QDialog):
    """A form, an inline error line and OK/Cancel; a subclass connects OK to its save, which
    calls write(). A refused value keeps the dialog open with the message; a conflict closes it
    and shows the message over the page."""

    def __init__(self, ctx: AppContext, debtor: EditableDebtor, title: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.debtor = ctx, debtor
        self.change: DebtorChange | None = None
        self.setWindowTitle(title)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.error = QLabel()
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        head = QLabel(f"<b>{debtor.name}</b> &nbsp;·&nbsp; {debtor.ref}")
        head.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(head)
        layout.addSpacing(4)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addSpacing(6)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(560)

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()
        self.adjustSize()  # the message must not cover the form

    def write(self, work: Callable[[Session], DebtorChange]) -> bool:
        self.error.hide()
        try:
            self.change = save_debtor_change(self.ctx, self.debtor.debtor_id, work)
        except ConflictError as exc:
            self.reject()
            if self.ctx.jobs is not None:
                self.ctx.jobs.show_error(self.windowTitle(), exc)
            return False
        except UserError as exc:
            self.show_error(str(exc))
            return False
        self.accept()
        return True

    def ledger_row(self, label: str, field: QWidget) -> None:
        """A form row; for a debtor from a ledger, with the note that a sync replaces it."""
        if not self.debtor.from_ledger:
            self.form.addRow(label, field)
            return
        self.setMinimumWidth(720)  # the notes take room from the fields
        note = QLabel(LEDGER_NOTE)
        note.setStyleSheet(NOTE_STYLE)
        note.setToolTip(LEDGER_TIP.format(source=self.debtor.source))
        row = QHBoxLayout()
        row.addWidget(field, 1)
        row.addWidget(note)
        self.form.addRow(label, row)


class DebtorEditDialog(EditFormDialog):
    def __init__(self, ctx: AppContext, debtor: EditableDebtor, choices: EditChoices,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, debtor, "Edit collection details", parent)
        self.manager = QComboBox()
        self.manager.addItem(NO_ONE, "")
        for name in sorted({*choices.managers, *([debtor.account_manager]
                                                 if debtor.account_manager else [])}):
            self.manager.addItem(name, name)
        self.manager.setCurrentIndex(max(0, self.manager.findData(debtor.account_manager or "")))
        self.language = QComboBox()
        for code in sorted({*choices.languages, debtor.language}):
            self.language.addItem(f"{LANGUAGE_NAMES.get(code, code)} ({code})", code)
        self.language.setCurrentIndex(self.language.findData(debtor.language))
        self.segment = QComboBox()
        self.segment.setEditable(True)
        self.segment.addItem("", "")
        for code in choices.segments:
            self.segment.addItem(segment_label(code), code)
        found = self.segment.findData(debtor.segment or "")
        if found >= 0:
            self.segment.setCurrentIndex(found)
        else:
            self.segment.setEditText(debtor.segment or "")
        self.segment.setToolTip("Pick a segment or type a new one")
        self.limit = QLineEdit("" if debtor.credit_limit is None else
                               formatting.number(debtor.credit_limit, ctx.locale, 2))
        self.limit.setPlaceholderText("no limit")
        self.currency = QLineEdit(debtor.credit_limit_currency or "")
        self.currency.setPlaceholderText("EUR")
        self.currency.setMaxLength(3)
        self.currency.setFixedWidth(64)
        limit_row = QHBoxLayout()
        limit_row.addWidget(self.limit, 1)
        limit_row.addWidget(self.currency)
        limit_box = QWidget()
        limit_box.setLayout(limit_row)
        limit_row.setContentsMargins(0, 0, 0, 0)
        self.tags = QLineEdit(", ".join(debtor.tags))
        self.tags.setPlaceholderText("e.g. vip, export — separated by commas")
        self.form.addRow("Account manager", self.manager)
        self.ledger_row("Language of reminders", self.language)
        self.ledger_row("Segment", self.segment)
        self.ledger_row("Credit limit", limit_box)
        self.form.addRow("Tags", self.tags)
        for edit in (self.limit, self.currency, self.tags):
            edit.textEdited.connect(lambda _text: self.error.hide())
        self.buttons.accepted.connect(self.save)

    def segment_value(self) -> str:
        text = self.segment.currentText().strip()
        index = self.segment.findText(text)
        return str(self.segment.itemData(index)) if index >= 0 else text

    def save(self) -> None:
        d, where = self.debtor, f"Customer {self.debtor.ref} ({self.debtor.name})"
        try:
            limit = (parse_amount(where, self.limit.text(), self.ctx.locale)
                     if self.limit.text().strip() else None)
        except UserError as exc:
            self.show_error(str(exc))
            return
        author = self.ctx.user_name
        self.write(lambda s: update_debtor(
            s, d.debtor_id, expected_version=d.version, author=author,
            account_manager=str(self.manager.currentData()),
            language=str(self.language.currentData()), segment=self.segment_value(),
            credit_limit=limit, credit_limit_currency=self.currency.text(),
            tags=self.tags.text().split(",")))
