"""The manager's validation dialog: actions grouped by plan, step and channel; the exact text of
the selected action; exclude a line with a reason; approve or reject. The service decides who may
approve (a controller gets the service's refusal, not only a disabled button)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QItemSelection, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from app.db import session_scope
from app.errors import UserError
from app.services import formatting
from app.services.changes import ChangeSet
from app.services.collection.approval import approve_campaign, exclude_action, reject_campaign
from app.services.collection.campaigns import CampaignDetail, action_preview, campaign_detail
from app.views.campaign_models import ActionTreeModel
from app.views.context import AppContext
from app.views.jobs import JobContext

CHANNEL_TITLES = {"email": "Email", "sms": "SMS", "letter": "Letter", "call": "Call script"}
EDITABLE = ("draft", "pending_approval")
BACKGROUND_APPROVAL = 500  # lines: above this, approval (which renders every text) is a job


def preview_text(preview: dict[str, dict[str, str | None]]) -> str:
    """The stored message(s) as the recipient will read them, one block per channel."""
    blocks = []
    for channel, message in preview.items():
        title = CHANNEL_TITLES.get(channel, channel)
        head = f"── {title} " + "─" * max(4, 60 - len(title))
        subject = message.get("subject")
        body = message.get("body") or ""
        blocks.append(head + "\n" + (f"Subject: {subject}\n\n" if subject else "\n") + body)
    return "\n\n".join(blocks)


class CampaignDialog(QDialog):
    def __init__(self, ctx: AppContext, campaign_id: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.campaign_id = campaign_id
        self.setWindowTitle(f"Campaign #{campaign_id}")
        self.resize(1280, 720)
        # Overridable in tests: how the dialog asks for a reason and reports a refusal.
        self.ask_reason: Callable[[str], str | None] = self._ask_reason
        self.show_error: Callable[[str], None] = self._show_error

        self.header = QLabel()
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.header.setWordWrap(True)
        self.tree = QTreeView()
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.preview = QPlainTextEdit()
        self.preview.setReadOnly(True)
        mono = QFont("DejaVu Sans Mono")
        mono.setStyleHint(QFont.StyleHint.Monospace)
        self.preview.setFont(mono)
        self.preview.setPlaceholderText("Select a line to read the exact message it will send.")
        self.explanation = QPlainTextEdit()  # why the line is there (same text as `explain`)
        self.explanation.setReadOnly(True)
        self.explanation.setFixedHeight(96)
        self.explanation.setPlaceholderText("Why this line is proposed")
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.explanation)
        rl.addWidget(self.preview, 1)
        split = QSplitter()
        split.addWidget(self.tree)
        split.addWidget(right)
        split.setSizes([920, 360])

        self.exclude_button = QPushButton("Exclude line…")
        self.approve_button = QPushButton("Approve")
        self.reject_button = QPushButton("Reject…")
        self.exclude_button.clicked.connect(self.exclude_selected)
        self.approve_button.clicked.connect(self.approve)
        self.reject_button.clicked.connect(self.reject_campaign)
        buttons = QHBoxLayout()
        buttons.addWidget(self.exclude_button)
        buttons.addStretch(1)
        buttons.addWidget(self.reject_button)
        buttons.addWidget(self.approve_button)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        buttons.addWidget(close)

        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(split, 1)
        layout.addLayout(buttons)
        self.model: ActionTreeModel | None = None
        self.detail: CampaignDetail | None = None
        self.reload()

    # data
    def reload(self) -> None:
        with session_scope(self.ctx.db) as session:
            self.detail = campaign_detail(session, self.campaign_id)
        self.model = ActionTreeModel(self.detail.actions, self.ctx.locale, self)
        self.tree.setModel(self.model)
        self.tree.selectionModel().selectionChanged.connect(self._selection_changed)
        header = self.tree.header()
        # Fixed widths: ResizeToContents would measure every one of thousands of rows.
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col, width in ((1, 60), (2, 390), (3, 70)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(col, width)
        header.setStretchLastSection(False)
        # Small campaigns open expanded; a large one opens on its groups (counts and totals per
        # plan, step and channel), which is what a manager reads first — and expanding
        # thousands of rows would only delay the dialog.
        if self.model.rowCount() <= 12 and len(self.detail.actions) <= 2000:
            self.tree.expandAll()
        self._show_header()
        self.preview.clear()
        self.explanation.clear()

    def _show_header(self) -> None:
        assert self.detail is not None
        c = self.detail.campaign
        loc = self.ctx.locale
        totals = " · ".join(formatting.money(v, cur, loc) for cur, v in c.totals.items())
        status = c.status.replace("_", " ")
        decided = f", {status} by {c.decided_by}" if c.decided_by else ""
        self.header.setText(
            f"<b>Campaign #{c.campaign_id} of {formatting.day(c.as_of, loc)}</b> — {status}"
            f"<br>Built by {c.built_by}{decided}. {c.actions} action(s) to send"
            + (f", {c.excluded} excluded" if c.excluded else "")
            + (f" — {totals}" if totals else "")
        )
        editable = c.status in EDITABLE and not self.ctx.read_only
        for b in (self.exclude_button, self.approve_button, self.reject_button):
            b.setEnabled(editable)

    def _selection_changed(self, selected: QItemSelection, _old: QItemSelection) -> None:
        assert self.model is not None
        indexes = selected.indexes()
        action = self.model.action_at(indexes[0]) if indexes else None
        if action is None:
            self.preview.clear()
            self.explanation.clear()
            return
        with session_scope(self.ctx.db) as session:
            preview = action_preview(session, action.action_id)
        self.preview.setPlainText(preview_text(preview))
        self.explanation.setPlainText(f"Why {action.debtor_name}:\n{action.explanation}")

    def selected_action_id(self) -> int | None:
        assert self.model is not None
        index = self.tree.currentIndex()
        action = self.model.action_at(index)
        return action.action_id if action else None

    # actions
    def _run(self, write: Callable[[], None]) -> bool:
        try:
            write()
        except UserError as exc:
            self.show_error(str(exc))
            return False
        self.ctx.broadcast(ChangeSet(campaigns=True))
        self.reload()
        return True

    def exclude_selected(self) -> None:
        action_id = self.selected_action_id()
        if action_id is None:
            self.show_error("Select a line (a debtor) to exclude")
            return
        reason = self.ask_reason("Why exclude this line?")
        if reason is None:
            return

        def write() -> None:
            with session_scope(self.ctx.db) as session:
                exclude_action(session, action_id, user=self.ctx.user_name, reason=reason)
        self._run(write)

    def approve(self) -> None:
        campaign_id, user = self.campaign_id, self.ctx.user_name
        if self.ctx.jobs is not None and self.detail is not None \
                and len(self.detail.actions) > BACKGROUND_APPROVAL:
            # Approval renders and stores every kept line's text: seconds for a big campaign.
            def work(job: JobContext) -> None:
                with job.session() as session:
                    approve_campaign(session, campaign_id, user=user)

            def done(_: None) -> None:
                self.ctx.broadcast(ChangeSet(campaigns=True))
                self.reload()

            self.ctx.jobs.run("Approving the campaign", work, done, cancellable=False)
            return

        def write() -> None:
            with session_scope(self.ctx.db) as session:
                approve_campaign(session, campaign_id, user=user)
        self._run(write)

    def reject_campaign(self) -> None:
        reason = self.ask_reason("Why reject this campaign?")
        if reason is None:
            return

        def write() -> None:
            with session_scope(self.ctx.db) as session:
                reject_campaign(session, self.campaign_id, user=self.ctx.user_name,
                                reason=reason)
        self._run(write)

    # default interaction
    def _ask_reason(self, question: str) -> str | None:
        text, ok = QInputDialog.getText(self, "Reason", question)
        return text if ok else None

    def _show_error(self, message: str) -> None:
        QMessageBox.warning(self, "Campaign", message)
