""""Print letters…": after the approved campaign of 2025-06-30 is sent (no SMTP yet, so only the
letters go: C1's formal notice; C4 has no postal address), the campaign's letters are merged into
one PDF saved where the user chooses, in the background, then offered to open."""

from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from app.db import session_scope
from app.services.collection.approval import approve_campaign
from app.services.collection.builder import build_campaign
from app.views import print_letters
from tests import factories as f

AS_OF = date(2025, 6, 30)


def click(qtbot, button):
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


@pytest.fixture
def saved_to(monkeypatch, tmp_path):
    """The save dialog answers with the next path of the list; the paths it was offered."""
    answers: list[Path] = [tmp_path / "print" / "relances-juin", tmp_path / "again.pdf"]
    offered: list[str] = []

    def ask(_parent, _title, start, _filter):
        offered.append(start)
        return str(answers.pop(0)), "PDF document (*.pdf)"

    monkeypatch.setattr(print_letters.QFileDialog, "getSaveFileName", ask)
    return offered


@pytest.fixture
def opened(monkeypatch):
    urls: list[str] = []
    monkeypatch.setattr(print_letters.QDesktopServices, "openUrl",
                        lambda url: urls.append(url.toLocalFile()) or True)
    return urls


def test_print_the_letters_of_a_sent_campaign(window, ledger, qtbot, saved_to, opened, tmp_path):
    with session_scope(ledger) as s:
        f.company(s)
        f.default_plans(s)
    with session_scope(ledger) as s:
        campaign_id = build_campaign(s, AS_OF, user="Alice Martin").campaign_id
    page = window.show_page("campaigns")
    page.refresh()
    page.table.selectRow(0)
    assert not page.print_button.isEnabled()  # pending approval: nothing was sent yet
    with session_scope(ledger) as s:
        approve_campaign(s, campaign_id, user="Bruno Petit")

    sending = window.show_page("dispatch")
    click(qtbot, sending.outbox.send_button)
    qtbot.waitUntil(lambda: sending.outbox.summary.text().startswith("Done."), timeout=30_000)
    assert "letter: 1 failed, 1 sent" in sending.outbox.summary.text()

    window.show_page("campaigns")
    page.table.selectRow(0)
    assert page.print_button.isEnabled()
    window.resize(1280, 800)
    click(qtbot, page.print_button)
    assert saved_to[0].endswith(f"campaign-{campaign_id}-letters.pdf")
    qtbot.waitUntil(lambda: page.printer.box is not None and page.printer.box.isVisible(),
                    timeout=20_000)
    out = tmp_path / "print" / "relances-juin.pdf"  # the extension is added
    box = page.printer.box
    assert box.text() == f"1 letter of campaign #{campaign_id} is ready to print."
    assert box.informativeText() == str(out)
    assert page.status.text() == "1 letter saved to relances-juin.pdf"
    window.grab().save("/tmp/shots/h2_campaign_print.png")
    box.grab().save("/tmp/shots/h2_campaign_print_done.png")
    click(qtbot, next(b for b in box.buttons() if b.text() == "Open the PDF"))
    assert opened == [str(out)]
    assert len(PdfReader(out).pages) >= 1 and PdfReader(out).pages[0].extract_text()

    # The same from the Sending page: the letter's row prints its campaign's letters.
    outbox = sending.outbox
    window.show_page("dispatch")
    rows = outbox.model.rows
    outbox.table.selectRow(next(i for i, r in enumerate(rows)
                                if r.channel == "letter" and r.state == "sent"))
    assert outbox.print_button.isEnabled()
    click(qtbot, outbox.print_button)
    assert Path(saved_to[1]).parent == out.parent  # starts in the folder chosen last time
    qtbot.waitUntil(lambda: outbox.printer.box is not None and outbox.printer.box.isVisible(),
                    timeout=20_000)
    outbox.grab().save("/tmp/shots/h2_outbox_print.png")
    click(qtbot, outbox.printer.box.button(QMessageBox.StandardButton.Close))
    assert opened == [str(out)]  # Close does not open it
    again = tmp_path / "again.pdf"
    assert len(PdfReader(again).pages) == len(PdfReader(out).pages)


def test_a_campaign_without_sent_letters_says_so(window, ledger, qtbot, saved_to, tmp_path):
    with session_scope(ledger) as s:
        f.company(s)
        f.default_plans(s)
    with session_scope(ledger) as s:
        campaign_id = build_campaign(s, AS_OF, user="Alice Martin").campaign_id
        approve_campaign(s, campaign_id, user="Bruno Petit")
    page = window.show_page("campaigns")
    page.refresh()
    page.table.selectRow(0)
    click(qtbot, page.print_button)
    qtbot.waitUntil(lambda: window.ctx.jobs.error_box() is not None, timeout=20_000)
    assert window.ctx.jobs.error_box().text() == f"Campaign #{campaign_id} has no letter to print"
    assert not (tmp_path / "print" / "relances-juin.pdf").exists()
    assert page.printer.box is None
