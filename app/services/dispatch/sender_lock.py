"""One sending run per computer and database.

A run starts by turning the rows its computer left in `sending` into `unknown` (a crash: they
may have left). That is only right if no other run on the same computer is sending at that
moment — the app's Send button and a scheduled `collecta dispatch` could overlap and the second
would flag the first's in-flight messages. A lock file per database in the data folder (held
by the operating system, so a crashed run never leaves it stuck) makes the second run stop
with a message instead. Runs on other computers are kept apart by the row claims.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from app.errors import UserError


class SendingElsewhere(UserError):
    """Another run on this computer is sending from the same database."""


def lock_path(folder: Path, db_url: str) -> Path:
    digest = hashlib.sha1(db_url.encode()).hexdigest()[:16]
    return folder / f"sending-{digest}.lock"


@contextmanager
def exclusive_sending(folder: Path, db_url: str) -> Iterator[None]:
    """Hold this computer's sending lock for the database; SendingElsewhere if taken."""
    folder.mkdir(parents=True, exist_ok=True)
    lock = FileLock(lock_path(folder, db_url))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise SendingElsewhere("Another Collecta on this computer is already sending from this "
                               "database (the app or a scheduled collecta dispatch); it sends "
                               "these messages too. Try again when it has finished.") from None
    try:
        yield
    finally:
        lock.release()
