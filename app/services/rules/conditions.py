"""The condition tree of a rule (DOMAIN.md §7): AND / OR groups of `fact operator value`, stored as
JSON, checked by `condition_problems` (problems as data, never exceptions) and evaluated over the
whole facts table at once by `evaluate` (one boolean per debtor; no eval, no per-debtor loop).

    {"all": [{"fact": "dso", "op": ">", "value": 60},
             {"any": [{"fact": "segment", "op": "in", "value": ["smb"]}, ...]}]}

Amount values are {"amount": "10000.00", "currency": "EUR"} and only match debtors whose facts are
in that currency. `between` takes [low, high], both inclusive.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import numpy as np
import pandas as pd

from app.services.rules.facts import FACT_BY_KEY

OPERATORS: dict[str, str] = {
    "=": "=", "!=": "≠", "<": "<", "<=": "≤", ">": ">", ">=": "≥", "in": "in",
    "not_in": "not in", "contains": "contains", "between": "between", "is_empty": "is empty",
}
_NUMERIC_OPS = ("=", "!=", "<", "<=", ">", ">=", "between", "is_empty")
OPS_BY_KIND: dict[str, tuple[str, ...]] = {
    "amount": _NUMERIC_OPS, "number": _NUMERIC_OPS, "days": _NUMERIC_OPS,
    "count": _NUMERIC_OPS, "percent": _NUMERIC_OPS,
    "choice": ("=", "!=", "in", "not_in", "is_empty"),
    "text": ("=", "!=", "in", "not_in", "contains", "is_empty"),
    "tags": ("contains", "in", "not_in", "is_empty"),
}


@dataclass(frozen=True, slots=True)
class Problem:
    where: str  # "condition 2 of group 1"
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


def _number(value: Any, kind: str) -> float | None:
    """The comparable number of a value: cents for amounts, else the number itself."""
    if kind == "amount":
        if not isinstance(value, dict) or set(value) != {"amount", "currency"}:
            return None
        try:
            return float(Decimal(str(value["amount"])) * 100)
        except InvalidOperation:
            return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        return float(value)
    except ValueError:
        return None


def _value_problem(kind: str, op: str, value: Any) -> str | None:
    if op == "is_empty":
        return None
    if op == "between":
        if not isinstance(value, list) or len(value) != 2:
            return "'between' needs two values, low and high"
        low, high = (_number(v, kind) for v in value)
        if low is None or high is None:
            return f"'between' needs two {kind} values"
        if kind == "amount" and value[0]["currency"] != value[1]["currency"]:
            return "'between' needs both amounts in the same currency"
        return "low is above high" if low > high else None
    if kind in ("amount", "number", "days", "count", "percent"):
        if _number(value, kind) is None:
            what = "an amount with a currency" if kind == "amount" else f"a number ({kind})"
            return f"needs {what}, got {value!r}"
        if kind == "amount" and not (isinstance(value["currency"], str)
                                     and len(value["currency"]) == 3):
            return f"currency {value['currency']!r} is not an ISO code like EUR"
        return None
    if op in ("in", "not_in"):
        ok = isinstance(value, list) and value and all(isinstance(v, str) for v in value)
        return None if ok else "needs a non-empty list of values"
    return None if isinstance(value, str) and value != "" else "needs a value"


def condition_problems(node: Any, where: str = "condition") -> list[Problem]:
    """Everything wrong with a condition tree: unknown fact, operator not valid for the fact's
    type, value of the wrong type, empty group."""
    if not isinstance(node, dict):
        return [Problem(where, "is not a condition or a group")]
    groups = [k for k in ("all", "any") if k in node]
    if groups:
        children = node[groups[0]]
        if not isinstance(children, list) or not children:
            return [Problem(where, "this group is empty: add a condition or delete the group")]
        out: list[Problem] = []
        for i, child in enumerate(children, start=1):
            label = "group" if isinstance(child, dict) and ("all" in child or "any" in child) \
                else "condition"
            out += condition_problems(child, f"{where} › {label} {i}")
        return out
    fact = FACT_BY_KEY.get(node.get("fact", ""))
    if fact is None:
        known = ", ".join(sorted(FACT_BY_KEY))
        return [Problem(where, f"unknown fact {node.get('fact')!r} (facts: {known})")]
    op = node.get("op")
    if op not in OPS_BY_KIND[fact.kind]:
        allowed = ", ".join(OPERATORS[o] for o in OPS_BY_KIND[fact.kind])
        return [Problem(where, f"operator {op!r} does not apply to {fact.label} "
                               f"({fact.kind}; use {allowed})")]
    message = _value_problem(fact.kind, op, node.get("value"))
    return [Problem(where, f"{fact.label} {OPERATORS[op]}: {message}")] if message else []


def _compare(series: pd.Series, op: str, target: float) -> np.ndarray:
    values = series.to_numpy(dtype=np.float64)
    with np.errstate(invalid="ignore"):
        result = {
            "=": values == target, "!=": values != target, "<": values < target,
            "<=": values <= target, ">": values > target, ">=": values >= target,
        }[op]
    return result & ~np.isnan(values)


_CACHES: dict[int, dict[Any, Any]] = {}


def _cache(facts: pd.DataFrame) -> dict[Any, Any]:
    """Per facts table, what the rules derive from it once (dropped with the table)."""
    key = id(facts)
    if key not in _CACHES:
        _CACHES[key] = {}
        weakref.finalize(facts, _CACHES.pop, key, None)
    return _CACHES[key]


def _codes(facts: pd.DataFrame, column: str) -> tuple[np.ndarray, dict[Any, int]]:
    """A text column as integer codes (−1 = empty), factorised once per facts table: 20 rules
    compare integers instead of strings."""
    cache = _cache(facts)
    if ("codes", column) not in cache:
        codes, uniques = pd.factorize(facts[column].to_numpy(dtype=object), use_na_sentinel=True)
        cache["codes", column] = (codes, {v: i for i, v in enumerate(uniques.tolist())})
    found: tuple[np.ndarray, dict[Any, int]] = cache["codes", column]
    return found


def _has_tags(facts: pd.DataFrame, tags: set[str]) -> np.ndarray:
    """Per row: does it carry any of `tags` (one pass over the tag lists per tag, cached)."""
    cache = _cache(facts)
    out = np.zeros(len(facts), dtype=bool)
    for tag in tags:
        if ("tag", tag) not in cache:
            cache["tag", tag] = np.fromiter((tag in t for t in facts["tags"].tolist()),
                                            dtype=bool, count=len(facts))
        out |= cache["tag", tag]
    return out


def _leaf(node: dict[str, Any], facts: pd.DataFrame) -> np.ndarray:
    kind = FACT_BY_KEY[node["fact"]].kind
    col = facts[node["fact"]]
    op: str = node["op"]
    value: Any = node.get("value")
    if kind == "tags":
        if op == "is_empty":
            return np.fromiter((not t for t in col.tolist()), dtype=bool, count=len(facts))
        hit = _has_tags(facts, {value} if op == "contains" else set(value))
        return ~hit if op == "not_in" else hit
    if kind in ("choice", "text") and op != "contains":
        codes, index = _codes(facts, node["fact"])
        if op == "is_empty":
            return (codes < 0) | (codes == index.get("", -2))
        wanted = [index[v] for v in ([value] if op in ("=", "!=") else value) if v in index]
        hit = np.isin(codes, np.array(wanted, dtype=codes.dtype))
        return ~hit if op in ("!=", "not_in") else hit
    if op == "is_empty":
        return col.isna().to_numpy()
    if kind in ("choice", "text"):  # contains: a case-insensitive part of the text
        return np.fromiter((isinstance(t, str) and value.lower() in t.lower()
                            for t in col.tolist()), dtype=bool, count=len(facts))
    same_cur = np.ones(len(facts), dtype=bool)
    first = value[0] if op == "between" else value
    if kind == "amount":  # compared in the fact's own currency, never converted
        column = FACT_BY_KEY[node["fact"]].currency_column
        same_cur = (facts[column] == first["currency"]).to_numpy()
    if op == "between":
        low, high = (_number(v, kind) for v in value)
        assert low is not None and high is not None
        return same_cur & _compare(col, ">=", low) & _compare(col, "<=", high)
    target = _number(value, kind)
    assert target is not None
    return same_cur & _compare(col, op, target)


def evaluate(node: dict[str, Any], facts: pd.DataFrame) -> np.ndarray:
    """One boolean per facts row: does the (valid) condition hold for that debtor."""
    if "all" in node:
        out = np.ones(len(facts), dtype=bool)
        for child in node["all"]:
            out &= evaluate(child, facts)
        return out
    if "any" in node:
        out = np.zeros(len(facts), dtype=bool)
        for child in node["any"]:
            out |= evaluate(child, facts)
        return out
    return _leaf(node, facts)


__all__ = ["OPERATORS", "OPS_BY_KIND", "Problem", "condition_problems", "evaluate"]
