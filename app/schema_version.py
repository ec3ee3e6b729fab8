"""Which schema revision the program ships and which one a database records, without importing
alembic: opening an up-to-date database (every start but the first after an update) compares the
alembic_version row with the head read from the migration files; alembic is imported only when
the schema must change (app/db.py `_upgrade`)."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, inspect, text

from app.config import migrations_dir
from app.errors import DatabaseError

if TYPE_CHECKING:
    from alembic.config import Config

_REVISION_LINE = re.compile(r"^(down_revision|revision)\b[^=]*=\s*(?:['\"]([^'\"]+)['\"]|None)",
                            re.MULTILINE)


def alembic_config(connection: Any) -> Config:
    """Alembic settings for the bundled migrations, running on `connection` (None: scripts only)."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    cfg.attributes["connection"] = connection
    return cfg


@lru_cache(maxsize=1)
def schema_head() -> str:
    """The newest revision of the bundled migrations (a chain: the one nothing revises)."""
    revisions: set[str] = set()
    revised: set[str] = set()
    for script in migrations_dir().joinpath("versions").glob("*.py"):
        for name, value in _REVISION_LINE.findall(script.read_text(encoding="utf-8")):
            if value:
                (revisions if name == "revision" else revised).add(value)
    heads = revisions - revised
    if len(heads) == 1:
        return heads.pop()
    return _alembic_head()  # not a plain chain: let alembic decide (and complain)


def _alembic_head() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config(None)).get_current_head()
    assert head is not None
    return head


def current_revision(conn: Connection) -> str | None:
    """The schema revision recorded in the database (None: not a Collecta schema yet)."""
    if not inspect(conn).has_table("alembic_version"):
        return None
    versions = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    if len(versions) > 1:
        raise DatabaseError(f"This database records several schema versions: {sorted(versions)}")
    return str(versions[0]) if versions else None
