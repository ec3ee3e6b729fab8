"""The PostgreSQL server of the `db` fixture (tests/conftest.py `pg_base_url`: 127.0.0.1:5432,
database "test", the user from the environment) as the Connect dialog's fields, and a scratch
database on it for tests that create Collecta's tables from the dialog."""

from __future__ import annotations

import getpass
import os
import uuid
from collections.abc import Iterator

import psycopg
import pytest
from psycopg import sql
from sqlalchemy.engine import make_url

from app.services.team_database import TeamDatabase
from tests.conftest import pg_base_url

PG_URL = pg_base_url()
# Like the `db` fixture's PostgreSQL runs, these tests exist only with COLLECTA_TEST_PG (CI sets
# it and fails when PostgreSQL does not answer): tests/conftest.py deselects `pg` tests without it.
requires_pg = [pytest.mark.pg]


def pg_team(database: str | None = None) -> TeamDatabase:
    """The test server as the dialog would be filled in."""
    assert PG_URL is not None
    url = make_url(PG_URL)
    user = url.username or os.environ.get("PGUSER") or getpass.getuser()
    return TeamDatabase(url.host or "127.0.0.1", url.port or 5432, database or url.database
                        or "test", user)


def _admin_dsn() -> str:
    team = pg_team()
    return f"host={team.host} port={team.port} dbname={team.database} user={team.user}"


@pytest.fixture
def scratch_pg_database() -> Iterator[TeamDatabase]:
    """A new, empty database on the test server, dropped after the test."""
    name = f"collecta_t_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(_admin_dsn(), autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield pg_team(name)
    finally:
        with psycopg.connect(_admin_dsn(), autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)))
