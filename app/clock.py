"""The wall clock, read only at the edges (GUI, CLI, activity timestamps).

Services take `as_of` dates explicitly (DOMAIN.md §2); only audit timestamps come from here.
"""

from __future__ import annotations

from datetime import UTC, date, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    """The user's calendar day: the default as_of the GUI and CLI pass to services."""
    return datetime.now().astimezone().date()
