"""The dashboard on the four-debtor ledger of tests/views/conftest.py (as of 2025-06-30)."""

from datetime import date
from decimal import Decimal

from openpyxl import load_workbook
from pypdf import PdfReader
from PySide6.QtCore import QDate, QPoint, Qt

from app.db import session_scope
from app.models import Debtor
from app.services.changes import ChangeSet
from app.services.formatting import money
from app.views.context import AppContext
from app.views.dashboard import DashboardView
from tests import factories as f
from tests.views.conftest import AS_OF


def _view(qtbot, ledger):
    ctx = AppContext(ledger, "Alice Martin", AS_OF, locale="fr_FR")
    view = DashboardView(ctx)
    qtbot.addWidget(view)
    view.resize(1400, 900)
    view.show()
    return ctx, view


def _tiles(view):
    return {t.title.text(): (t.value.text(), t.change.text()) for t in view.tiles}


def test_tiles_show_the_book_in_the_largest_currency(qtbot, ledger):
    _ctx, view = _view(qtbot, ledger)
    assert view.currency_box.currentText() == "EUR"
    tiles = _tiles(view)
    # C1 5,800 + C2 300 + C3 1,200 open; overdue: C1 4,800 + C2 300
    assert tiles["Open balance"][0] == money(Decimal("7300"), "EUR", "fr_FR")
    assert tiles["Overdue"][0] == money(Decimal("5100"), "EUR", "fr_FR")
    # item E (800) is 121 days late: 800 / 7,300 of the open invoices
    assert tiles["Over 90 days"][0] == "11,0 %"
    assert "vs previous period" in tiles["Open balance"][1]
    assert view.tiles[0].toolTip().startswith("Invoices minus unapplied credits")
    view.currency_box.setCurrentText("GBP")
    assert _tiles(view)["Open balance"][0] == money(Decimal("700"), "GBP", "fr_FR")


def test_as_of_picker_is_the_app_wide_date(qtbot, ledger):
    ctx, view = _view(qtbot, ledger)
    view.as_of_edit.setDate(QDate(2025, 5, 31))
    assert ctx.as_of == date(2025, 5, 31)
    assert view.data.as_of == date(2025, 5, 31)
    ctx.set_as_of(date(2025, 6, 15))
    assert view.as_of_edit.date() == QDate(2025, 6, 15)
    assert view.data.as_of == date(2025, 6, 15)


def test_clicking_a_bar_asks_for_the_filtered_worklist(qtbot, ledger):
    ctx, view = _view(qtbot, ledger)
    asked: list[dict] = []
    ctx.worklist_filter_requested.connect(asked.append)
    canvas = view.aged_chart
    smb = next(p for p in canvas.figure.axes[0].patches if p.get_gid() == "smb"
               and p.get_width() > 0)
    box = smb.get_window_extent()
    ratio = canvas.device_pixel_ratio or 1
    at = QPoint(int(box.x0 / ratio + box.width / ratio / 2),
                int(canvas.height() - (box.y0 / ratio + box.height / ratio / 2)))
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=at)
    assert asked == [{"segment": "smb"}]
    top = next(p for p in view.top_chart.figure.axes[0].patches)
    view.top_chart.on_pick(top.get_gid())
    assert asked[-1].keys() == {"debtor_id"}


def test_refreshes_from_a_changeset(qtbot, ledger):
    ctx, view = _view(qtbot, ledger)
    with session_scope(ledger) as s:
        c3 = s.query(Debtor).filter_by(external_ref="C3").one()
        f.invoice(s, c3, 700, due=date(2025, 6, 1))
        c3_id = c3.id
    ctx.broadcast(ChangeSet(debtor_ids=frozenset({c3_id}), ledger=True))
    assert _tiles(view)["Open balance"][0] == money(Decimal("8000"), "EUR", "fr_FR")
    assert view.ledger.partial_loads == 1


def test_exports_pdf_and_excel(qtbot, ledger, tmp_path):
    _ctx, view = _view(qtbot, ledger)
    pdf = view.export_pdf(tmp_path / "dashboard.pdf")
    text = PdfReader(pdf).pages[0].extract_text()
    assert "Receivables dashboard as of 30/06/2025 (EUR)" in text
    assert "Collection effectiveness" in text and "Page 1" in text
    workbook = load_workbook(view.export_excel(tmp_path / "dashboard.xlsx"))
    assert workbook.sheetnames[:3] == ["KPIs EUR", "Aged by segment", "Aged balance 2025-06-30"]
    aged = workbook["Aged balance 2025-06-30"]
    assert aged.freeze_panes == "A2" and aged.auto_filter.ref.startswith("A1:")
    assert [c.value for c in aged[2]][:3] == ["C1", "Boulangerie Martin", "EUR"]


def test_dashboard_section_of_the_main_window_loads_in_the_background(qtbot, window):
    page = window.show_page("dashboard")
    assert isinstance(page, DashboardView)
    qtbot.waitUntil(lambda: page.data is not None, timeout=20_000)
    assert page.data.currency == "EUR"
    assert page.tiles[0].value.text() == money(Decimal("7300"), "EUR", "fr_FR")


def test_two_debtors_with_the_same_name_get_two_bars(qtbot, ledger):
    with session_scope(ledger) as s:
        twin = f.debtor(s, "C9", "Boulangerie Martin", segment="smb")
        f.invoice(s, twin, 250, due=date(2025, 5, 1))
    _ctx, view = _view(qtbot, ledger)
    names = [t.name for t in view.data.top_debtors]
    assert names.count("Boulangerie Martin") == 2
    bars = view.top_chart.figure.axes[0].patches
    assert len({round(p.get_y(), 3) for p in bars}) == len(view.data.top_debtors)
