"""The navigation registry: one PageSpec per section of the main window, in menu order.

To plug a page in, replace the factory on its own line (factories import lazily so that a page
module is loaded only when its section is first opened). A section without its page yet shows an
honest placeholder, never sample data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app.views.context import AppContext


@dataclass(frozen=True)
class PageSpec:
    key: str
    title: str
    factory: Callable[[AppContext], QWidget]


def page_specs() -> list[PageSpec]:
    return [
        PageSpec("worklist", "Worklist", _worklist),
        PageSpec("debtors", "Debtors", _debtors),
        PageSpec("campaigns", "Campaigns", _campaigns),
        PageSpec("dispatch", "Sending", _dispatch),
        PageSpec("rules", "Rules", _rules),
        PageSpec("dashboard", "Dashboard", _dashboard),
        PageSpec("sources", "Ledger sources", _sources),
        PageSpec("settings", "Settings", _settings),
    ]


def _worklist(ctx: AppContext) -> QWidget:
    from app.views.worklist_view import WorklistView

    return WorklistView(ctx)


def _debtors(ctx: AppContext) -> QWidget:
    from app.views.debtors_page import DebtorsPage

    return DebtorsPage(ctx)


def _campaigns(ctx: AppContext) -> QWidget:
    from app.views.campaign_page import CampaignPage

    return CampaignPage(ctx)


def _dispatch(ctx: AppContext) -> QWidget:
    from app.views.dispatch_page import DispatchPage

    return DispatchPage(ctx)


def _rules(ctx: AppContext) -> QWidget:
    from app.views.rules_page import RulesPage

    return RulesPage(ctx)


def _dashboard(ctx: AppContext) -> QWidget:
    from app.views.dashboard import DashboardView

    return DashboardView(ctx)


def _sources(ctx: AppContext) -> QWidget:
    from app.views.sources_page import SourcesPage

    return SourcesPage(ctx, ctx.sync_scheduler)


def _settings(ctx: AppContext) -> QWidget:
    from app.views.settings_page import SettingsPage

    return SettingsPage(ctx)


class PlaceholderPage(QWidget):
    """A section whose screen is not part of this version yet."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel(f"<h2>{title}</h2><p>This section is not available yet.</p>")
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setStyleSheet("color: palette(mid);")
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)


def not_available(title: str) -> Callable[[AppContext], QWidget]:
    return lambda _ctx: PlaceholderPage(title)
