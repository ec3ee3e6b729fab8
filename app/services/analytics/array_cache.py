"""A copy of the ledger columns on disk (.npz), reused on the next start while the ledger
fingerprint still matches: a large ledger then loads in seconds instead of a minute."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, cast

import numpy as np
from sqlalchemy import Engine

from app.services.analytics.ledger_read import RawLedger


class ArrayCache:
    """The arrays of one database in an .npz file, valid for one ledger fingerprint."""

    def __init__(self, folder: Path, engine: Engine) -> None:
        key = hashlib.sha256(engine.url.render_as_string(hide_password=True).encode())
        self.path = folder / f"ledger-{key.hexdigest()[:16]}.npz"

    def exists(self) -> bool:
        return self.path.is_file()

    def load(self, fingerprint: tuple[int, ...]) -> RawLedger | None:
        try:
            with np.load(self.path, allow_pickle=False) as data:
                if tuple(int(v) for v in data["fingerprint"]) != fingerprint:
                    return None
                currencies = tuple(str(c) for c in data["currencies"])
                parts: dict[str, dict[str, np.ndarray]] = {"items": {}, "allocs": {},
                                                           "closures": {}}
                for name in data.files:
                    group, _, column = name.partition(".")
                    if group in parts:
                        parts[group][column] = data[name]
        except (OSError, KeyError, ValueError):
            return None
        return RawLedger(currencies, parts["items"], parts["allocs"], parts["closures"])

    def save(self, raw: RawLedger, fingerprint: tuple[int, ...]) -> None:
        columns = {f"{group}.{k}": v for group, cols in
                   (("items", raw.items), ("allocs", raw.allocs), ("closures", raw.closures))
                   for k, v in cols.items()}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            partial = self.path.with_suffix(".partial.npz")
            payload: dict[str, Any] = {
                "fingerprint": np.array(fingerprint, dtype=np.int64),
                "currencies": np.array(raw.currencies, dtype=str), **columns}
            cast(Any, np.savez)(partial, **payload)
            partial.replace(self.path)
        except OSError:
            pass  # a cache that cannot be written only costs the next start some time
