"""File → New demo database…: generated through the job runner, then opened; Cancel leaves an
empty database and the current one in use."""

import pytest
from sqlalchemy import func, select

from app.db import open_database
from app.errors import UserError
from app.models import Debtor
from app.views.demo_dialog import DemoDatabaseDialog, run_demo_job


def test_new_demo_database_is_generated_and_opened(window, qtbot, tmp_path, monkeypatch):
    target = tmp_path / "demo-20.db"

    def fill_in(dialog: DemoDatabaseDialog) -> int:
        dialog.path.setText(str(target))
        dialog.debtors_spin.setValue(20)
        return DemoDatabaseDialog.DialogCode.Accepted

    monkeypatch.setattr(DemoDatabaseDialog, "exec", fill_in)
    window.new_demo_database()
    assert window.ctx.jobs.wait_idle(60_000)
    assert window.ctx.db.url == f"sqlite:///{target.as_posix()}"
    worklist = window.page("worklist")
    qtbot.waitUntil(lambda: not worklist.loading)
    with window.ctx.db.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Debtor)) == 20
    assert 0 < len({r.debtor_id for r in worklist.model.all_rows()}) <= 20
    assert window.status_db.text().endswith("demo-20.db")


def test_cancelling_the_generation_keeps_the_current_database(window, tmp_path):
    before = window.ctx.db
    dialog = DemoDatabaseDialog(window)
    dialog.path.setText(str(tmp_path / "cancelled.db"))
    db = dialog.prepare_database(before)
    job = run_demo_job(window.ctx, db, 2_000, 7, lambda _summary: window.switch_database(db))
    job.cancel()
    assert window.ctx.jobs.wait_idle(60_000)
    assert job.state == "cancelled"
    assert window.ctx.jobs.error_box() is None
    assert window.ctx.db is before
    check = open_database(f"sqlite:///{(tmp_path / 'cancelled.db').as_posix()}")
    with check.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Debtor)) == 0  # all or nothing
    check.engine.dispose()


def test_the_database_in_use_cannot_be_replaced(window):
    dialog = DemoDatabaseDialog(window)
    dialog.path.setText(window.ctx.db.engine.url.database)
    with pytest.raises(UserError, match="is the database in use"):
        dialog.prepare_database(window.ctx.db)
