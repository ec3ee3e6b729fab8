"""What a rule would do before it is saved or enabled: the debtors its condition matches now
(with the figures that make it hold) and the dry-run changes. Used by `collecta rules test` and
by the editor's live preview, which keeps one facts table and re-evaluates it on every edit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from app.services.analytics.engine import LedgerArrays
from app.services.rules.conditions import condition_problems, evaluate
from app.services.rules.engine import RunResult, run_rules
from app.services.rules.facts import debtor_facts
from app.services.rules.store import find_rule
from app.services.rules.wording import reason_texts

PREVIEW_ROWS = 200


@dataclass(frozen=True, slots=True)
class MatchRow:
    debtor_id: int
    name: str
    currency: str | None
    reason: str


@dataclass(frozen=True)
class Preview:
    count: int  # every matching debtor
    rows: tuple[MatchRow, ...]  # the first PREVIEW_ROWS of them, by name
    problems: tuple[str, ...]  # the condition is not valid yet: nothing matches


def preview_condition(facts: pd.DataFrame, condition: dict[str, Any],
                      limit: int = PREVIEW_ROWS) -> Preview:
    """The debtors matching `condition` in `facts` (an invalid condition matches nobody)."""
    problems = condition_problems(condition)
    if problems:
        return Preview(0, (), tuple(str(p) for p in problems))
    hit = np.flatnonzero(evaluate(condition, facts))
    chosen = facts.iloc[hit].sort_values("name").head(limit)
    reasons = reason_texts(condition, chosen)
    rows = tuple(
        MatchRow(int(debtor_id), str(name), currency if isinstance(currency, str) else None,
                 reason)
        for debtor_id, name, currency, reason in zip(
            chosen.index.tolist(), chosen["name"].tolist(), chosen["currency"].tolist(),
            reasons, strict=True))
    return Preview(int(hit.size), rows, ())


@dataclass(frozen=True)
class RuleTest:
    rule_name: str
    as_of: date
    preview: Preview
    dry_run: RunResult


def try_rule(session: Session, arrays: LedgerArrays, key: str | int, as_of: date,
              user: str) -> RuleTest:
    """Who a saved rule matches as of a date and what running it alone would change."""
    rule = find_rule(session, key)
    facts = debtor_facts(session, arrays, as_of)
    result = run_rules(session, arrays, as_of, user=user, rule_ids=[rule.id], dry_run=True,
                       facts=facts)
    return RuleTest(rule.name, as_of, preview_condition(facts, rule.condition, limit=10**9),
                    result)


__all__ = ["MatchRow", "PREVIEW_ROWS", "Preview", "RuleTest", "preview_condition", "try_rule"]
