"""Matplotlib charts embedded in Qt (QtAgg): the dashboard's four charts.

Each `draw_*` function draws one chart on a Figure from plain DashboardData values, so the same
drawing serves the screen and the PDF export; clickable bars carry a payload and a click calls
`on_pick(payload)`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import matplotlib
from babel.numbers import format_decimal, get_currency_symbol

matplotlib.use("QtAgg")

from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402
from PySide6.QtWidgets import QSizePolicy, QWidget  # noqa: E402

from app.services.analytics.ageing import BUCKET_LABELS, BUCKETS  # noqa: E402
from app.services.analytics.dashboard_data import (  # noqa: E402
    AgedBar,
    CashMonth,
    TopDebtor,
    TrendPoint,
)

BUCKET_COLOURS = ("#4C9F70", "#F2C14E", "#F29E4C", "#E4572E", "#A4161A")
INK = "#1F2A37"
GRID = "#E5E9F0"
ACCENT = "#1F3A5F"
ACCENT_2 = "#D1495B"


def compact_money(cents: float, currency: str, locale: str) -> str:
    """Axis labels: €1.2M / 350k € rather than a long number."""
    value = cents / 100
    symbol = get_currency_symbol(currency, locale=locale)
    text = format_decimal(round(value), format="#,##0", locale=locale)
    for limit, suffix in ((1e6, "M"), (1e3, "k")):
        if abs(value) >= limit:
            text = format_decimal(value / limit, format="#,##0.#", locale=locale) + suffix
            break
    return f"{symbol}{text}" if locale.startswith("en") else f"{text} {symbol}"


def _style(ax: Any, title: str) -> None:
    ax.set_title(title, loc="left", fontsize=10.5, fontweight="bold", color=INK, pad=8)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color("#C4CCD8")
    ax.tick_params(colors=INK, labelsize=8.5)
    ax.grid(axis="x", color=GRID, linewidth=0.8)
    ax.set_axisbelow(True)


def _margins(fig: Figure, labels: Sequence[str] = (), *, bottom: float = 0.2,
             left_px: float = 62) -> None:
    """Fixed margins sized from the longest label (cheaper than a constrained layout on every
    redraw, which the as-of redraw target cannot afford)."""
    width_px = fig.get_figwidth() * fig.dpi
    height_px = fig.get_figheight() * fig.dpi
    longest = max((len(x) for x in labels), default=0)
    left = (max(left_px, longest * 7.2 + 16)) / width_px
    fig.subplots_adjust(left=min(left, 0.45), right=1 - 24 / width_px, top=1 - 34 / height_px,
                        bottom=bottom)


def _short(label: str, width: int = 22) -> str:
    return label if len(label) <= width else label[: width - 1] + "…"


def draw_aged_bars(fig: Figure, bars: Sequence[AgedBar], currency: str, locale: str,
                   group_title: str) -> None:
    ax = fig.add_subplot(111)
    _style(ax, f"Aged balance by {group_title} ({currency})")
    labels = [_short(b.label.replace("_", " ")) for b in bars][::-1]
    _margins(fig, labels, bottom=0.22)
    left = [0.0] * len(bars)
    for i, bucket in enumerate(BUCKETS):
        widths = [b.cents[i] for b in bars][::-1]
        patches = ax.barh(list(range(len(bars))), widths, left=left, color=BUCKET_COLOURS[i],
                          height=0.62, label=BUCKET_LABELS[bucket])
        for patch, bar in zip(patches, list(bars)[::-1], strict=True):
            patch.set_picker(True)
            patch.set_gid(bar.label)
        left = [a + w for a, w in zip(left, widths, strict=True)]
    ax.set_yticks(list(range(len(bars))), labels)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: compact_money(v, currency, locale)))
    ax.legend(ncols=5, fontsize=8, frameon=False, loc="upper center",
              bbox_to_anchor=(0.5, -0.12))
    if not bars:
        ax.text(0.5, 0.5, "Nothing open", ha="center", va="center", transform=ax.transAxes)


def draw_trend(fig: Figure, trend: Sequence[TrendPoint], locale: str) -> None:
    ax = fig.add_subplot(111)
    _style(ax, "DSO (countback) and ADD, last 12 month ends")
    ax.grid(axis="y", color=GRID, linewidth=0.8)
    ax.grid(axis="x", visible=False)
    months = [p.month_end.strftime("%b %y") for p in trend]
    _margins(fig, bottom=0.2, left_px=58)
    dso = [p.dso_countback if p.dso_countback is not None else float("nan") for p in trend]
    add = [p.add if p.add is not None else float("nan") for p in trend]
    ax.plot(months, dso, color=ACCENT, marker="o", markersize=3.5, linewidth=2,
            label="DSO countback")
    ax.plot(months, add, color=ACCENT_2, marker="o", markersize=3.5, linewidth=2,
            label="ADD")
    ax.set_ylabel("days", fontsize=8.5, color=INK)
    finite = [v for v in dso + add if v == v]
    ax.set_ylim(min(0.0, *finite) if finite else 0.0, (max(finite) * 1.3) if finite else 1.0)
    ax.tick_params(axis="x", labelrotation=45)
    for lab in ax.get_xticklabels():
        lab.set_horizontalalignment("right")
    ax.legend(fontsize=8, frameon=False, loc="upper left", ncols=2)


def draw_top_debtors(fig: Figure, top: Sequence[TopDebtor], currency: str, locale: str) -> None:
    ax = fig.add_subplot(111)
    _style(ax, f"Top {len(top)} overdue debtors ({currency})")
    labels = [_short(t.name, 26) for t in top][::-1]
    _margins(fig, labels, bottom=0.12)
    # numeric positions: two debtors may share a (shortened) name and must not share a bar
    rows = list(range(len(top)))
    patches = ax.barh(rows, [t.overdue_cents for t in top][::-1], color=ACCENT_2, height=0.62)
    ax.set_yticks(rows, labels)
    for patch, t in zip(patches, list(top)[::-1], strict=True):
        patch.set_picker(True)
        patch.set_gid(f"debtor:{t.debtor_id}")
        ax.annotate(compact_money(t.overdue_cents, currency, locale),
                    (patch.get_width(), patch.get_y() + patch.get_height() / 2),
                    xytext=(3, 0), textcoords="offset points", va="center", fontsize=7.5,
                    color=INK)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: compact_money(v, currency, locale)))
    ax.margins(x=0.18)
    if not top:
        ax.text(0.5, 0.5, "Nothing overdue", ha="center", va="center", transform=ax.transAxes)


def draw_cash(fig: Figure, cash: Sequence[CashMonth], currency: str, locale: str) -> None:
    ax = fig.add_subplot(111)
    _style(ax, f"Cash collected per month ({currency})")
    ax.grid(axis="y", color=GRID, linewidth=0.8)
    ax.grid(axis="x", visible=False)
    months = [c.month_end.strftime("%b %y") for c in cash]
    _margins(fig, bottom=0.2, left_px=64)
    ax.bar(months, [c.cents for c in cash], color=ACCENT, width=0.65)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: compact_money(v, currency, locale)))
    ax.tick_params(axis="x", labelrotation=45)
    for lab in ax.get_xticklabels():
        lab.set_horizontalalignment("right")


class ChartCanvas(FigureCanvasQTAgg):
    """One figure in a widget; `redraw(draw)` clears and draws, clicks on bars call on_pick."""

    def __init__(self, parent: QWidget | None = None,
                 on_pick: Callable[[str], None] | None = None) -> None:
        self.figure = Figure(figsize=(5.6, 3.3), dpi=100)
        super().__init__(self.figure)
        self.setParent(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumHeight(260)
        self.on_pick = on_pick
        self.mpl_connect("pick_event", self._picked)

    def redraw(self, draw: Callable[[Figure], None]) -> None:
        self.figure.clear()
        draw(self.figure)
        self.draw()

    def _picked(self, event: Any) -> None:
        gid = event.artist.get_gid()
        if gid and self.on_pick is not None:
            self.on_pick(str(gid))
