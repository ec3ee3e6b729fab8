"""Offline review in the GUI: menu items, the read-only banner, writes refused."""

from datetime import UTC, datetime

import pytest

from app.db import session_scope
from app.errors import ReadOnlyError
from app.models import Debtor
from app.services.debtors import add_note
from app.services.snapshot import export_snapshot, open_snapshot
from app.views.context import AppContext
from app.views.main_window import MainWindow
from app.views.snapshot_actions import export_snapshot_to, install_snapshot_support
from tests.views.conftest import AS_OF

TAKEN = datetime(2025, 7, 1, 9, 30, tzinfo=UTC)


def _window(qtbot, db):
    ctx = AppContext(db, "Alice Martin", AS_OF, locale="fr_FR")
    w = MainWindow(ctx)
    qtbot.addWidget(w)
    banner = install_snapshot_support(w)
    w.show()
    assert ctx.jobs is not None and ctx.jobs.wait_idle(10_000)
    return w, banner


def test_menu_items_and_no_banner_on_a_live_database(qtbot, ledger):
    w, banner = _window(qtbot, ledger)
    file_menu = next(a.menu() for a in w.menuBar().actions() if a.text() == "&File")
    texts = [a.text() for a in file_menu.actions()]
    assert "Export snapshot for offline review…" in texts
    assert "Open snapshot (read only)…" in texts
    assert not banner.isVisible()
    w.close()


def test_export_job_then_banner_on_the_snapshot_and_writes_refused(qtbot, ledger, tmp_path):
    w, banner = _window(qtbot, ledger)
    target = tmp_path / "review.collecta"
    done = []
    export_snapshot_to(w.ctx, target, done.append)
    qtbot.waitUntil(lambda: bool(done), timeout=20_000)
    assert target.exists() and done[0].rows > 0
    snap, _info = open_snapshot(target)
    w.switch_database(snap)
    assert banner.isVisible()
    assert banner.text().startswith("Snapshot of ") and "read only" in banner.text()
    with session_scope(snap) as s:
        c1 = s.query(Debtor).filter_by(external_ref="C1").one().id
    with pytest.raises(ReadOnlyError, match="read-only snapshot"), session_scope(snap) as s:
        add_note(s, c1, "Alice Martin", "not saved")
    w.close()


def test_banner_shows_the_snapshot_date(qtbot, ledger, tmp_path):
    target = tmp_path / "dated.collecta"
    export_snapshot(ledger, target, taken_at=TAKEN)
    snap, _ = open_snapshot(target)
    _w, banner = _window(qtbot, snap)
    assert banner.isVisible()
    assert banner.text().startswith("Snapshot of 2025-07-01 09:30")
