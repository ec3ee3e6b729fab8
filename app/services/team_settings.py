"""Team-shared, non-secret settings kept as JSON in the `setting` table, read into dataclasses.

Unknown keys in a stored value are ignored and missing ones take the dataclass default, so a
newer or older Collecta reads what it understands. Secrets never go here (keyring).
"""

from __future__ import annotations

from dataclasses import asdict, fields, replace
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from app.models import Setting

T = TypeVar("T")


def load_settings(session: Session, key: str, default: T) -> T:
    """The stored value of `key` over the dataclass instance `default`."""
    row = session.get(Setting, key)
    if row is None or not isinstance(row.value, dict):
        return default
    names = {f.name for f in fields(default)}  # type: ignore[arg-type]
    known: dict[str, Any] = {k: v for k, v in row.value.items() if k in names}
    return replace(default, **known)  # type: ignore[type-var]


def store_settings(session: Session, key: str, value: object) -> None:
    """Write the dataclass `value` under `key` (insert or replace)."""
    data = asdict(value)  # type: ignore[call-overload]
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=data))
    else:
        row.value = data
