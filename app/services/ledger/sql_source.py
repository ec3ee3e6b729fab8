"""Generic SQL connector: a URL and up to three SELECT statements returning canonical columns.

Config file (JSON or TOML): `url`, `debtors`, `invoices`, `payments` (SELECTs), optional
`snapshot` (true: items the source no longer lists are closed) and `source` (its name).
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import text

from app.errors import UserError
from app.services.ledger.connection import read_only
from app.services.ledger.records import CANONICAL, REQUIRED, LedgerBatch
from app.services.ledger.sage100 import _text


@dataclass(frozen=True)
class SqlConfig:
    url: str
    queries: dict[str, str]
    snapshot: bool = False
    source: str = "sql"


def load_sql_config(path: Path) -> SqlConfig:
    try:
        raw = path.read_bytes()
        data: dict[str, Any] = (tomllib.loads(raw.decode("utf-8")) if path.suffix == ".toml"
                                else json.loads(raw))
    except (OSError, ValueError) as exc:
        raise UserError(f"SQL source config {path} is not usable: {exc}") from None
    if not isinstance(data.get("url"), str):
        raise UserError(f"SQL source config {path} needs a 'url'")
    queries = {k: str(data[k]) for k in CANONICAL if data.get(k)}
    if not queries:
        raise UserError(f"SQL source config {path} has no debtors/invoices/payments query")
    for kind, q in queries.items():
        head = q.lstrip().split(None, 1)[0].lower() if q.strip() else ""
        if head not in ("select", "with"):
            raise UserError(f"The {kind} query in {path} must be a SELECT statement")
    return SqlConfig(data["url"], queries, bool(data.get("snapshot", False)),
                     str(data.get("source", "sql")))


def read_sql_source(cfg: SqlConfig, source_name: str | None = None) -> LedgerBatch:
    batch = LedgerBatch(snapshot=cfg.snapshot)
    with read_only(cfg.url, source_name) as conn:
        for kind, query in cfg.queries.items():
            result = conn.execute(text(query))
            names = result.keys()  # column names of the SELECT (not a dict)
            cols = [str(c).lower() for c in names]
            frame = pd.DataFrame(result.all(), columns=cols)
            missing = [c for c in REQUIRED[kind] if c not in cols]
            if missing:
                raise UserError(f"The {kind} query returns no column {', '.join(missing)} "
                                f"(it returns: {', '.join(cols)})")
            out = pd.DataFrame({c: _text(frame[c]) for c in cols if c in CANONICAL[kind]})
            out["_file"] = f"{kind} query"
            out["_line"] = np.arange(1, len(out) + 1)
            setattr(batch, kind, out)
    return batch
