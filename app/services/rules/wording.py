"""Rules in words: a condition as a sentence ("DSO > 60 and Segment in smb") and, for one debtor,
the facts that made it hold ("DSO 74.2 > 60") — the reason every firing writes on the timeline."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from app.services.rules.conditions import OPERATORS
from app.services.rules.facts import FACT_BY_KEY

INSURER_FACTS = ("external_score", "external_limit", "insurer_exposure_ratio")


def value_text(kind: str, value: Any) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "(empty)"
    if kind == "amount":
        if isinstance(value, dict):
            return f"{Decimal(str(value['amount'])):,.2f} {value['currency']}"
        return f"{Decimal(int(round(float(value)))) / 100:,.2f}"
    if kind in ("number", "percent"):
        number = float(value)
        text = f"{number:.1f}".removesuffix(".0")
        return f"{text} %" if kind == "percent" else text
    if kind in ("days", "count"):
        return str(int(float(value)))
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value) or "(none)"
    return str(value)


def condition_text(node: dict[str, Any]) -> str:
    """The whole tree in words; groups inside groups get parentheses."""
    for key, joiner in (("all", " and "), ("any", " or ")):
        if key in node:
            parts = [condition_text(c) for c in node[key]]
            parts = [f"({p})" if ("all" in c or "any" in c) and len(c[next(iter(c))]) > 1
                     else p for p, c in zip(parts, node[key], strict=True)]
            return joiner.join(parts)
    spec = FACT_BY_KEY[node["fact"]]
    op = node["op"]
    if op == "is_empty":
        return f"{spec.label} is empty"
    value: Any = node.get("value")
    if op == "between":
        return f"{spec.label} between {value_text(spec.kind, value[0])} " \
               f"and {value_text(spec.kind, value[1])}"
    shown = value_text("choice", value) if op in ("in", "not_in") else value_text(
        spec.kind, value)
    return f"{spec.label} {OPERATORS[op]} {shown}"


def _leaves(node: dict[str, Any]) -> list[dict[str, Any]]:
    for key in ("all", "any"):
        if key in node:
            return [leaf for child in node[key] for leaf in _leaves(child)]
    return [node]


def _leaf_parts(node: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """(fact key, kind, label, rest) per distinct leaf: 'DSO', '> 60'."""
    out: list[tuple[str, str, str, str]] = []
    for leaf in _leaves(node):
        spec = FACT_BY_KEY[leaf["fact"]]
        rest = condition_text(leaf).removeprefix(spec.label).strip()
        part = (spec.key, spec.kind, "DSO" if spec.key == "dso" else spec.label, rest)
        if part not in out:
            out.append(part)
    return out


def _column_text(key: str, kind: str, frame: pd.DataFrame) -> list[str]:
    values = frame[key].tolist()
    if kind == "amount":
        column = FACT_BY_KEY[key].currency_column
        currencies = frame[column].tolist() if column in frame else [None] * len(frame)
        shown = [value_text(kind, v) + (f" {c}" if isinstance(c, str) else "")
                 for v, c in zip(values, currencies, strict=True)]
    else:
        shown = [value_text(kind, v) for v in values]
    if key in INSURER_FACTS and "insurer" in frame:  # say whose figure and of when
        shown = [f"{v} ({i}, {d.isoformat()})" if isinstance(i, str) and isinstance(d, date)
                 else v for v, i, d in zip(shown, frame["insurer"].tolist(),
                                           frame["insurer_assessed_on"].tolist(), strict=True)]
    return shown


def reason_texts(node: dict[str, Any], frame: pd.DataFrame, holding: bool = True) -> list[str]:
    """Per row of `frame` (facts), each fact of the condition with the debtor's value:
    'DSO 74.2 > 60'; when the condition stopped holding: 'DSO 41.3, no longer > 60'."""
    columns = []
    for key, kind, label, rest in _leaf_parts(node):
        shown = _column_text(key, kind, frame)
        columns.append([f"{label} {v} {rest}" if holding else f"{label} {v}, no longer {rest}"
                        for v in shown])
    return [", ".join(parts) for parts in zip(*columns, strict=True)]


def reason_text(node: dict[str, Any], row: dict[str, Any], holding: bool = True) -> str:
    """`reason_texts` for one debtor's facts given as a dict."""
    frame = pd.DataFrame([{k: (tuple(v) if isinstance(v, list) else v) for k, v in row.items()}])
    return reason_texts(node, frame, holding)[0]


__all__ = ["condition_text", "reason_text", "reason_texts", "value_text"]
