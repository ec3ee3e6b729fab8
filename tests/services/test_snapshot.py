"""Offline review: a snapshot copies everything, opens read-only and refuses every write."""

import hashlib
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.cli import main
from app.db import session_scope
from app.errors import ReadOnlyError, UserError
from app.models import Activity, Debtor, Invoice
from app.services.analytics.ageing import aged_balance
from app.services.analytics.engine import LedgerEngine
from app.services.debtors import add_note
from app.services.snapshot import banner_text, export_snapshot, open_snapshot, snapshot_info
from tests import factories as f
from tests.factories import D

TAKEN = datetime(2025, 7, 1, 9, 30, tzinfo=UTC)


def _ledger(db):
    with session_scope(db) as s:
        alice = f.user(s, "Alice Martin")
        d = f.debtor(s, "SNAP1", "Snapshot Client SA", account_manager_id=alice.id,
                     tags=["vip"])
        f.contact(s, d)
        inv = f.invoice(s, d, 1200, due=date(2025, 6, 1))
        f.payment(s, d, 200, on=date(2025, 6, 10), settles=inv)
        f.credit_note(s, d, 50, issued=date(2025, 6, 12))
        add_note(s, d.id, "Alice Martin", "Called, promised for Friday")
        return d.id


def test_snapshot_copies_every_row_and_is_marked(db, tmp_path):
    debtor_id = _ledger(db)
    target = tmp_path / "review.collecta"
    summary = export_snapshot(db, target, taken_at=TAKEN)
    assert summary.rows >= 7
    snap, info = open_snapshot(target)
    try:
        assert snap.read_only
        assert info.taken_at == TAKEN
        assert banner_text(info).startswith("Snapshot of 2025-07-01 09:30")
        assert banner_text(info).endswith("read only")
        with snap.sessions() as s:
            assert s.get(Debtor, debtor_id).tags == ["vip"]
            assert s.scalar(select(func.count()).select_from(Invoice)) == 2
            assert s.scalar(select(func.count()).select_from(Activity)) == 1
        as_of = date(2025, 6, 30)
        live = aged_balance(LedgerEngine(db.engine).arrays, as_of).totals["EUR"]
        copy = aged_balance(LedgerEngine(snap.engine).arrays, as_of).totals["EUR"]
        assert live == copy
        assert copy.total == D(950)
    finally:
        snap.engine.dispose()
    assert snapshot_info(db) is None
    assert not (tmp_path / "review.collecta-wal").exists()


def test_a_snapshot_refuses_writes_and_stays_unchanged(sqlite_db, tmp_path):
    debtor_id = _ledger(sqlite_db)
    target = tmp_path / "review.db"
    export_snapshot(sqlite_db, target, taken_at=TAKEN)
    before = hashlib.sha256(target.read_bytes()).hexdigest()
    snap, _ = open_snapshot(target)
    try:
        with pytest.raises(ReadOnlyError, match="read-only snapshot"), session_scope(snap) as s:
            add_note(s, debtor_id, "Bob", "should not be saved")
        with pytest.raises(ReadOnlyError), session_scope(snap) as s:
            s.get(Debtor, debtor_id).name = "Renamed"
    finally:
        snap.engine.dispose()
    assert hashlib.sha256(target.read_bytes()).hexdigest() == before


def test_refuses_to_overwrite_and_to_open_a_live_database_as_snapshot(sqlite_db, tmp_path):
    _ledger(sqlite_db)
    target = tmp_path / "exists.db"
    target.write_bytes(b"")
    with pytest.raises(UserError, match="already exists"):
        export_snapshot(sqlite_db, target, taken_at=TAKEN)
    live_path = sqlite_db.engine.url.database
    sqlite_db.engine.dispose()
    with pytest.raises(UserError, match="not a snapshot"):
        open_snapshot(Path(live_path))


def test_cancelled_export_leaves_no_file(sqlite_db, tmp_path):
    _ledger(sqlite_db)
    target = tmp_path / "cancelled.db"
    with pytest.raises(UserError, match="cancelled"):
        export_snapshot(sqlite_db, target, taken_at=TAKEN, cancelled=lambda: True)
    assert list(tmp_path.glob("cancelled*")) == []


def test_cli_export_and_info(db, tmp_path, capsys):
    _ledger(db)
    target = tmp_path / "cli.db"
    assert main(["--db", db.url, "snapshot", "export", str(target)]) == 0
    assert "Snapshot written" in capsys.readouterr().out
    assert main(["snapshot", "info", str(target)]) == 0
    assert "read only" in capsys.readouterr().out
    assert main(["--db", db.url, "snapshot", "export", str(target)]) == 2
    assert "already exists" in capsys.readouterr().err


def test_a_snapshot_opened_as_an_ordinary_database_is_still_read_only(sqlite_db, tmp_path,
                                                                      capsys):
    debtor_id = _ledger(sqlite_db)
    target = tmp_path / "review.db"
    export_snapshot(sqlite_db, target, taken_at=TAKEN)
    before = hashlib.sha256(target.read_bytes()).hexdigest()
    from app.db import open_database

    snap = open_database(f"sqlite:///{target}")  # as `--db` or File > Open database would
    try:
        assert snap.read_only
        with pytest.raises(ReadOnlyError), session_scope(snap) as s:
            add_note(s, debtor_id, "Bob", "should not be saved")
    finally:
        snap.engine.dispose()
    assert main(["--db", f"sqlite:///{target}", "debtors", "list", "--as-of", "2025-06-30"]) == 0
    assert "SNAP1" in capsys.readouterr().out
    assert hashlib.sha256(target.read_bytes()).hexdigest() == before
