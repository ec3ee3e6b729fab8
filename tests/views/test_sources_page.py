"""Ledger sources page: Sync now through the job runner, automatic sync of due sources, and the
status-bar text."""

from __future__ import annotations

from datetime import UTC, date, datetime

from app.services.ledger.sources import add_source, list_sources
from app.views.context import AppContext
from app.views.jobs import JobRunner
from app.views.sources_page import SourcesPage, SyncScheduler, describe_last_sync, is_due
from tests.conftest import FEC_DIR

AS_OF = date(2023, 12, 31)


def test_sync_now_imports_every_source_and_refreshes(sqlite_db, qtbot):
    add_source(sqlite_db, "treso", "fec", str(FEC_DIR / "000000000FEC20231231.txt"),
               schedule_minutes=30)
    ctx = AppContext(sqlite_db, "Alice Martin", AS_OF)
    ctx.jobs = JobRunner(None, sqlite_db)
    page = SourcesPage(ctx)
    qtbot.addWidget(page)
    page.resize(900, 300)
    page.show()
    assert page.model.data(page.model.index(0, 4)) == "never"
    changes = []
    ctx.changed.connect(changes.append)
    page.sync_button.click()
    qtbot.waitUntil(lambda: page.model.data(page.model.index(0, 5)) == "ok", timeout=20_000)
    assert changes and changes[0].ledger and len(changes[0].debtor_ids) == 4
    assert page.status.text().startswith("Last sync treso ")
    page.grab().save("/tmp/shots/sources_page.png")


def test_only_due_sources_run_automatically(sqlite_db, qtbot):
    add_source(sqlite_db, "auto", "fec", str(FEC_DIR / "111111111FEC20221231.TXT"),
               schedule_minutes=5)
    add_source(sqlite_db, "manual", "fec", str(FEC_DIR / "000000000FEC20231231.txt"))
    ctx = AppContext(sqlite_db, "Alice Martin", AS_OF)
    ctx.jobs = JobRunner(None, sqlite_db)
    scheduler = SyncScheduler(ctx)
    statuses = []
    scheduler.status_changed.connect(statuses.append)
    scheduler.run_due()
    qtbot.waitUntil(lambda: not scheduler.running, timeout=20_000)
    synced = {s.name: s.last_outcome for s in list_sources(sqlite_db)}
    assert synced == {"auto": "ok", "manual": None}
    assert statuses[-1].startswith("Last sync auto ")


def test_due_rule_and_status_text():
    from app.services.ledger.sources import SourceRow

    now = datetime(2025, 6, 30, 12, 0, tzinfo=UTC)
    row = SourceRow("erp", "sql", "erp.json", {}, 30, True,
                    datetime(2025, 6, 30, 11, 40, tzinfo=UTC), "ok", "fine")
    assert not is_due(row, now)
    assert is_due(row, datetime(2025, 6, 30, 12, 10, tzinfo=UTC))
    assert is_due(SourceRow("x", "fec", "f", {}, 5, True, None, None, None), now)
    assert not is_due(SourceRow("x", "fec", "f", {}, None, True, None, None, None), now)
    failed = SourceRow("b", "fec", "f", {}, None, True, datetime(2025, 6, 30, 9, 0, tzinfo=UTC),
                       "failed", "no file")
    assert describe_last_sync([row, failed]).endswith("(ok) — failed: b")
    assert describe_last_sync([]) == ""
