"""KPI tiles: a figure in large type and its change against the previous period, green when the
change is an improvement, red when it is not."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QSizePolicy, QVBoxLayout, QWidget

from app.services.analytics.dashboard_data import Kpi
from app.services.formatting import money, number

GOOD = "#2E7D4F"
BAD = "#B3261E"
NEUTRAL = "#5F6B7A"


def kpi_text(kpi: Kpi, currency: str, locale: str) -> str:
    value = kpi.value
    if value is None:
        return "n/a"
    if kpi.unit == "money":
        return money(Decimal(value), currency, locale)
    if kpi.unit == "days":
        return f"{number(float(value), locale, digits=1)} days"
    return f"{number(float(value), locale, digits=1)} %"


def change_text(kpi: Kpi, currency: str, locale: str) -> tuple[str, str]:
    """The change line and its colour."""
    if kpi.value is None or kpi.previous is None:
        return "no earlier figure\n", NEUTRAL
    delta = float(kpi.value) - float(kpi.previous)
    if abs(delta) < 0.005:
        return "unchanged\nvs previous period", NEUTRAL
    arrow = "▲" if delta > 0 else "▼"
    better = (delta < 0) == (kpi.better_when == "lower")
    if kpi.unit == "money":
        amount = money(abs(Decimal(kpi.value) - Decimal(kpi.previous)), currency, locale)
    elif kpi.unit == "days":
        amount = f"{number(abs(delta), locale, digits=1)} days"
    else:
        amount = f"{number(abs(delta), locale, digits=1)} pts"
    return f"{arrow} {amount}\nvs previous period", GOOD if better else BAD


class KpiTile(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("kpiTile")
        self.setStyleSheet(
            "#kpiTile { background: white; border: 1px solid #D8DEE8; border-radius: 6px; }")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.title = QLabel()
        self.title.setStyleSheet("color: #5F6B7A; font-size: 9pt;")
        self.value = QLabel()
        self.value.setStyleSheet("color: #1F2A37; font-size: 15pt; font-weight: 600;")
        self.change = QLabel()
        self.change.setStyleSheet("font-size: 8.5pt;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(2)
        for label in (self.title, self.value, self.change):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            layout.addWidget(label)

    def show_kpi(self, kpi: Kpi, currency: str, locale: str) -> None:
        self.title.setText(kpi.title)
        self.value.setText(kpi_text(kpi, currency, locale))
        text, colour = change_text(kpi, currency, locale)
        self.change.setText(text)
        self.change.setStyleSheet(f"font-size: 8.5pt; color: {colour};")
        self.setToolTip(kpi.note)
