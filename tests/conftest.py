"""Per-test databases: every `db` test runs on SQLite and, when COLLECTA_TEST_PG is set, on
PostgreSQL too (CI sets it and fails if PostgreSQL does not answer).

The schema is migrated once per session (a template SQLite file copied per test; one PostgreSQL
schema truncated after each test), so the migrations themselves are exercised on both engines.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from sqlalchemy import text

from app.db import Database, open_database

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parent.parent
FEC_DIR = REPO.parent / "shared" / "fixtures" / "fec"


def pg_base_url() -> str | None:
    value = os.environ.get("COLLECTA_TEST_PG")
    if not value:
        return None
    return value if "://" in value else "postgresql://127.0.0.1:5432/test"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked `pg` need the server: without COLLECTA_TEST_PG they are not run at all, as
    the `db` fixture then has no PostgreSQL variant (deselected, not skipped)."""
    if pg_base_url():
        return
    dropped = [item for item in items if item.get_closest_marker("pg") is not None]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = [item for item in items if item.get_closest_marker("pg") is None]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "db" in metafunc.fixturenames:
        engines = ["sqlite"] + (["pg"] if pg_base_url() else [])
        metafunc.parametrize("db", engines, indirect=True)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    db = open_database(f"sqlite:///{path}")
    db.engine.dispose()
    return path


@pytest.fixture(scope="session")
def pg_session_db() -> Iterator[Database]:
    base = pg_base_url()
    assert base, "pg fixture requested without COLLECTA_TEST_PG"
    schema = f"t_{uuid.uuid4().hex[:12]}"
    from sqlalchemy import create_engine

    raw = create_engine(base.replace("postgresql://", "postgresql+psycopg://", 1))
    with raw.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in base else "?"
    url = f"{base}{sep}options=-csearch_path%3D{schema}"
    db = open_database(url)
    try:
        yield db
    finally:
        db.engine.dispose()
        with raw.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        raw.dispose()


def _truncate_all(db: Database) -> None:
    from app.models import Base

    names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with db.engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture
def db(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> Iterator[Database]:
    """A fresh, migrated, empty database: SQLite file or PostgreSQL schema."""
    if request.param == "sqlite":
        path = tmp_path / "collecta.db"
        shutil.copyfile(sqlite_template, path)
        database = open_database(f"sqlite:///{path}")
        yield database
        database.engine.dispose()
    else:
        database = request.getfixturevalue("pg_session_db")
        _truncate_all(database)
        yield database
        _truncate_all(database)


@pytest.fixture
def sqlite_db(tmp_path: Path, sqlite_template: Path) -> Iterator[Database]:
    """SQLite only, for tests about the file itself (backups, snapshots, GUI)."""
    path = tmp_path / "collecta.db"
    shutil.copyfile(sqlite_template, path)
    database = open_database(f"sqlite:///{path}")
    yield database
    database.engine.dispose()


class MemoryKeyring(KeyringBackend):
    """Secrets in a dict for the test: no OS keyring is touched (there is none in CI)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.secrets.pop((service, username), None)


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    yield ring
    keyring.set_keyring(previous)
