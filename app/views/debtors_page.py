"""The Debtors section: the directory of every debtor (settled ones too) and one closable tab per
opened debtor, so a credit controller can keep a morning's worth of accounts open. "Import
insurer data…" (beside the tabs) brings in a credit insurer's scores and limits."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QTabWidget, QVBoxLayout, QWidget

from app.errors import UserError
from app.services.changes import ChangeSet
from app.views.context import AppContext
from app.views.debtor_view import DebtorView
from app.views.worklist_view import WorklistView


class DebtorsPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.setTabsClosable(True)
        self.tabs.setMovable(True)
        self.tabs.tabCloseRequested.connect(self.close_tab)
        self.directory = WorklistView(ctx, include_settled=True, settings_prefix="debtors")
        self.tabs.addTab(self.directory, "All debtors")
        self.insurer_button = QPushButton("Import insurer data…")
        self.insurer_button.setToolTip("Credit insurer's scores and limits per debtor, from a "
                                       "CSV or Excel file")
        self.insurer_button.setEnabled(not ctx.read_only)
        self.insurer_button.clicked.connect(lambda: self.import_insurer_data())
        self.tabs.setCornerWidget(self.insurer_button, Qt.Corner.TopRightCorner)
        bar = self.tabs.tabBar()
        bar.setTabButton(0, bar.ButtonPosition.RightSide, None)
        bar.setTabButton(0, bar.ButtonPosition.LeftSide, None)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        ctx.changed.connect(self._on_changed)

    def import_insurer_data(self) -> QWidget:
        from app.views.insurer_import_dialog import InsurerImportDialog

        dialog = InsurerImportDialog(self.ctx, self)
        dialog.open()
        self.insurer_dialog = dialog
        return dialog

    def debtor_views(self) -> list[DebtorView]:
        views = (self.tabs.widget(i) for i in range(self.tabs.count()))
        return [v for v in views if isinstance(v, DebtorView)]

    def open_debtor(self, debtor_id: int) -> DebtorView | None:
        """Show the debtor's tab, opening it if needed; None if it cannot be read."""
        for view in self.debtor_views():
            if view.debtor_id == debtor_id:
                self.tabs.setCurrentWidget(view)
                return view
        try:
            view = DebtorView(self.ctx, debtor_id)
        except UserError as exc:
            if self.ctx.jobs is not None:
                self.ctx.jobs.show_error("Opening a debtor", exc)
            return None
        index = self.tabs.addTab(view, _tab_title(view))
        self.tabs.setTabToolTip(index, view.detail.name if view.detail else "")
        view.title_changed.connect(lambda title, v=view: self._retitle(v, title))
        self.tabs.setCurrentIndex(index)
        return view

    def close_tab(self, index: int) -> None:
        view = self.tabs.widget(index)
        if isinstance(view, DebtorView):
            self.tabs.removeTab(index)
            view.deleteLater()

    def _retitle(self, view: DebtorView, title: str) -> None:
        index = self.tabs.indexOf(view)
        if index >= 0:
            self.tabs.setTabText(index, _tab_title(view))
            self.tabs.setTabToolTip(index, title)

    def _on_changed(self, change: ChangeSet) -> None:
        if change.everything:  # another database: its debtors are other people
            for view in self.debtor_views():
                self.close_tab(self.tabs.indexOf(view))


def _tab_title(view: DebtorView) -> str:
    name = view.detail.name if view.detail else f"#{view.debtor_id}"
    return name if len(name) <= 28 else name[:27] + "…"
