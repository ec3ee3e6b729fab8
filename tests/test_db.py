"""Opening the database: schema upgrades, refusals that leave the file alone, SQLite settings,
URL precedence and optimistic locking (ARCHITECTURE.md "Database", issue 2 item 3)."""

from __future__ import annotations

import socket
import sqlite3
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from app.config import resolve_db_url
from app.db import Database, alembic_config, make_engine, open_database, schema_head, session_scope
from app.errors import ConflictError, DatabaseError
from app.models import Contact, Debtor
from tests import factories as f

FUTURE_REVISION = "9999_from_the_future"


def _revision(db: Database) -> str:
    with db.engine.connect() as conn:
        return str(conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one())


def _snapshot(path: Path) -> tuple[bytes, int]:
    return path.read_bytes(), path.stat().st_mtime_ns


def _siblings(path: Path) -> set[str]:
    return {p.name for p in path.parent.iterdir()}


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --- upgrades ---------------------------------------------------------------------------------

def test_first_open_creates_every_table_at_the_head_revision(db):
    assert _revision(db) == schema_head()
    with session_scope(db) as s:
        assert s.scalars(select(Debtor)).all() == []


def test_first_open_of_a_new_sqlite_file_creates_its_folder(tmp_path):
    path = tmp_path / "new folder" / "collecta.db"
    db = open_database(f"sqlite:///{path}")
    try:
        assert path.is_file()
        assert _revision(db) == schema_head()
    finally:
        db.engine.dispose()


def test_reopening_an_up_to_date_database_changes_nothing(db):
    again = open_database(db.url)
    try:
        assert _revision(again) == schema_head()
    finally:
        again.engine.dispose()


def test_reopening_an_up_to_date_sqlite_file_takes_no_backup(sqlite_db):
    path = Path(sqlite_db.engine.url.database or "")
    before = _siblings(path)
    open_database(sqlite_db.url).engine.dispose()
    assert _siblings(path) == before


def test_sqlite_is_backed_up_with_the_online_api_before_a_migration(tmp_path):
    path = tmp_path / "collecta.db"
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0001")
    engine.dispose()

    db = open_database(url)
    db.engine.dispose()

    (backup,) = tmp_path.glob("collecta.before-*.bak*")
    assert backup.name.startswith(f"collecta.before-{schema_head()}-")
    with sqlite3.connect(backup) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert _revision(open_database(url)) == schema_head()


# --- refusals that leave everything as it was -------------------------------------------------

def test_a_database_from_a_newer_collecta_is_refused_and_left_as_it_was(db):
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": FUTURE_REVISION})
    try:
        with pytest.raises(DatabaseError, match="newer version of Collecta"):
            open_database(db.url)
        assert _revision(db) == FUTURE_REVISION
    finally:  # the PostgreSQL schema is shared by the whole test session
        with db.engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": schema_head()})


def test_a_newer_sqlite_file_keeps_its_bytes_and_gets_no_backup(sqlite_db):
    path = Path(sqlite_db.engine.url.database or "")
    with sqlite_db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": FUTURE_REVISION})
    sqlite_db.engine.dispose()
    before, names = _snapshot(path), _siblings(path)

    with pytest.raises(DatabaseError, match="newer version of Collecta"):
        open_database(f"sqlite:///{path}")

    assert _snapshot(path) == before
    assert _siblings(path) == names


def _garbage(path: Path) -> None:
    path.write_bytes(b"Bank statement export, not a database\n" * 40)


def _damaged_pages(path: Path) -> None:
    # A real Collecta file whose pages were overwritten (disk fault): the header still says SQLite.
    db = open_database(f"sqlite:///{path}")
    db.engine.dispose()
    data = bytearray(path.read_bytes())
    for i in range(100, len(data)):
        data[i] = (data[i] * 7 + 13) % 256
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("damage", [_garbage, _damaged_pages], ids=["not-sqlite", "damaged"])
def test_a_corrupt_file_is_refused_and_left_as_it_was(tmp_path, damage):
    path = tmp_path / "collecta.db"
    damage(path)
    before, names = _snapshot(path), _siblings(path)

    with pytest.raises(DatabaseError, match=r"not an SQLite file|damaged"):
        open_database(f"sqlite:///{path}")

    assert _snapshot(path) == before
    assert _siblings(path) == names


@pytest.mark.parametrize("where", ["under-a-file", "proc"])
def test_a_folder_that_cannot_be_written_is_refused(tmp_path, where):
    # Tests run as root, which ignores permission bits: use places no one can create a folder in.
    if where == "under-a-file":
        (tmp_path / "notes.txt").write_text("not a folder")
        path = tmp_path / "notes.txt" / "collecta" / "collecta.db"
    else:
        path = Path("/proc/collecta-test/collecta.db")
    names = _siblings(tmp_path / "notes.txt") if where == "under-a-file" else set()

    with pytest.raises(DatabaseError, match="Cannot create the folder"):
        open_database(f"sqlite:///{path}")

    assert not path.parent.exists()
    if where == "under-a-file":
        assert _siblings(tmp_path / "notes.txt") == names
        assert (tmp_path / "notes.txt").read_text() == "not a folder"


def test_a_folder_given_as_the_database_file_is_refused(tmp_path):
    with pytest.raises(DatabaseError, match="is a folder, not a database file"):
        open_database(f"sqlite:///{tmp_path}")


def test_an_unreachable_postgresql_server_is_a_database_error():
    url = f"postgresql://collecta@127.0.0.1:{_closed_port()}/collecta"
    with pytest.raises(DatabaseError, match=r"Cannot use database .*127\.0\.0\.1.*refused"):
        open_database(url)


@pytest.mark.parametrize(
    ("url", "reason"),
    [("collecta.db", "is not valid"), ("mysql://u@127.0.0.1/x", "names a driver")],
)
def test_a_url_collecta_cannot_use_is_a_database_error(url, reason):
    with pytest.raises(DatabaseError, match=reason):
        open_database(url)


def test_the_password_never_appears_in_an_error(tmp_path):
    url = f"postgresql://collecta:s3cret@127.0.0.1:{_closed_port()}/collecta"
    with pytest.raises(DatabaseError) as err:
        open_database(url)
    assert "s3cret" not in str(err.value)


# --- SQLite settings and constraints ----------------------------------------------------------

def test_sqlite_runs_in_wal_mode_with_foreign_keys_and_a_busy_timeout(sqlite_db):
    with sqlite_db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 30_000


def test_foreign_keys_are_enforced_on_every_engine(db):
    with pytest.raises(IntegrityError), session_scope(db) as s:
        s.add(Contact(debtor_id=424242, name="Nobody's contact"))
    with session_scope(db) as s:
        assert s.scalars(select(Contact)).all() == []


# --- which database -----------------------------------------------------------------------------

def test_db_option_wins_over_collecta_db_which_wins_over_the_data_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("COLLECTA_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("COLLECTA_DB", raising=False)
    assert resolve_db_url(None) == f"sqlite:///{(tmp_path / 'collecta.db').as_posix()}"
    monkeypatch.setenv("COLLECTA_DB", "postgresql://team@127.0.0.1/collecta")
    assert resolve_db_url(None) == "postgresql://team@127.0.0.1/collecta"
    assert resolve_db_url("sqlite:///D:/other.db") == "sqlite:///D:/other.db"


# --- optimistic locking -----------------------------------------------------------------------

def test_two_people_saving_the_same_debtor_the_second_gets_a_conflict(db):
    with session_scope(db) as s:
        debtor_id = f.debtor(s, "C1", "Boulangerie Martin").id

    conflict = pytest.raises(ConflictError, match="debtor was changed by someone else.*reload")
    with conflict, session_scope(db) as mine:
        my_copy = mine.get(Debtor, debtor_id)
        assert my_copy is not None
        with session_scope(db) as theirs:
            their_copy = theirs.get(Debtor, debtor_id)
            assert their_copy is not None
            their_copy.name = "Boulangerie Martin & Fils"
        my_copy.name = "Boulangerie Martin SARL"

    with session_scope(db) as s:
        saved = s.get(Debtor, debtor_id)
        assert saved is not None
        assert (saved.name, saved.version) == ("Boulangerie Martin & Fils", 2)


def test_schema_head_read_from_the_migration_files_is_alembics_head():
    from alembic.script import ScriptDirectory

    assert schema_head() == ScriptDirectory.from_config(alembic_config(None)).get_current_head()


def test_opening_an_up_to_date_database_does_not_import_alembic(tmp_path):
    # The app's start path: alembic (0.1 s of imports) is only needed to change the schema.
    import subprocess
    import sys

    url = f"sqlite:///{tmp_path / 'collecta.db'}"
    open_database(url).engine.dispose()  # created and upgraded: alembic ran here
    probe = ("import sys; from app.db import open_database; "
             f"open_database({url!r}).engine.dispose(); print('alembic' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parent.parent, check=True)
    assert done.stdout.strip() == "False"
