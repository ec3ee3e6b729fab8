"""One sending run per computer and database: a second run (the app's Send while a scheduled
`collecta dispatch` runs) stops with a message and does not flag the first's messages."""

from datetime import date

import pytest
from sqlalchemy import select

from app.cli import main
from app.db import session_scope
from app.models import OutboxMessage
from app.services.dispatch.outbox import claim_next
from app.services.dispatch.sender import default_worker
from app.services.dispatch.sender_lock import SendingElsewhere, exclusive_sending
from tests.services.dispatch.conftest import NOON, approved_campaign


def test_the_lock_is_per_database_and_free_again_after_use(tmp_path):
    with exclusive_sending(tmp_path, "sqlite:///a.db"):
        with pytest.raises(SendingElsewhere, match="already sending from this database"), \
                exclusive_sending(tmp_path, "sqlite:///a.db"):
            pass
        with exclusive_sending(tmp_path, "sqlite:///b.db"):  # another database: its own lock
            pass
    with exclusive_sending(tmp_path, "sqlite:///a.db"):
        pass


def test_a_second_run_on_this_computer_stops_and_leaves_the_first_ones_rows(
        sqlite_db, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("COLLECTA_DATA_DIR", str(tmp_path))
    approved_campaign(sqlite_db, ("F1", "1200", date(2025, 6, 2)), ("F2", "300", date(2025, 4, 1)),
                      mobile=None)
    with session_scope(sqlite_db) as s:  # the first run, on this computer, has one in flight
        in_flight = claim_next(s, channels=("email",), worker=default_worker(), now=NOON)
    with exclusive_sending(tmp_path, sqlite_db.url):
        code = main(["--db", sqlite_db.url, "dispatch", "--as-of", "2025-06-12"])
    _, err = capsys.readouterr()
    assert code == 2 and err.startswith("collecta: Another Collecta on this computer is "
                                        "already sending from this database")
    with session_scope(sqlite_db) as s:
        states = {m.id: m.state for m in s.scalars(select(OutboxMessage))}
    assert states.pop(in_flight) == "sending"  # not flagged unknown under the first run's feet
    assert set(states.values()) == {"queued"}
