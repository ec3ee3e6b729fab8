"""Saving, listing, enabling and ordering rules. A rule is validated before every save; a rule
with a problem is refused with every problem named (the database is left unchanged)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import utcnow
from app.errors import NotFoundError, UserError
from app.models import RULE_TRIGGERS, Rule
from app.services.activity import log_activity
from app.services.rules.actions import Directory, action_problems
from app.services.rules.conditions import Problem, condition_problems
from app.services.rules.wording import condition_text

TRIGGER_LABELS = {"campaign_build": "on each campaign build", "sync": "after each sync",
                  "daily": "daily"}


class RuleInvalidError(UserError):
    """A rule that cannot be saved; `problems` lists each part at fault."""

    def __init__(self, name: str, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(f"Rule '{name}' cannot be saved: " + "; ".join(map(str, problems)))


@dataclass(frozen=True)
class RuleDraft:
    name: str
    condition: dict[str, Any]
    actions: list[dict[str, Any]]
    else_actions: list[dict[str, Any]] = field(default_factory=list)
    triggers: tuple[str, ...] = ("campaign_build", "daily")
    enabled: bool = False
    priority: int = 100
    description: str | None = None
    rule_id: int | None = None


@dataclass(frozen=True, slots=True)
class RuleRow:
    rule_id: int
    name: str
    enabled: bool
    priority: int
    triggers: tuple[str, ...]
    condition_text: str
    actions: tuple[str, ...]
    version: int


def rule_problems(session: Session, draft: RuleDraft,
                  directory: Directory | None = None) -> list[Problem]:
    """Everything that stops `draft` from being saved, as data."""
    d = directory or Directory.load(session)
    out: list[Problem] = []
    if not draft.name.strip():
        out.append(Problem("name", "a rule needs a name"))
    else:
        other = session.scalar(select(Rule.id).where(Rule.name == draft.name.strip()))
        if other is not None and other != draft.rule_id:
            out.append(Problem("name", f"another rule is already named '{draft.name.strip()}'"))
    bad = [t for t in draft.triggers if t not in RULE_TRIGGERS]
    if bad or not draft.triggers:
        out.append(Problem("when", f"choose among {', '.join(RULE_TRIGGERS)}"))
    out += condition_problems(draft.condition)
    if not draft.actions:
        out.append(Problem("actions", "a rule needs at least one action"))
    out += action_problems(draft.actions, d)
    out += action_problems(draft.else_actions, d, "action when it stops holding")
    return out


def save_rule(session: Session, draft: RuleDraft, author: str) -> int:
    """Create or update a rule after validation; one activity. Returns the rule id."""
    problems = rule_problems(session, draft)
    if problems:
        raise RuleInvalidError(draft.name or "(no name)", problems)
    rule = Rule() if draft.rule_id is None else session.get(Rule, draft.rule_id)
    if rule is None:
        raise NotFoundError(f"Rule #{draft.rule_id} no longer exists")
    rule.name, rule.description = draft.name.strip(), draft.description
    rule.enabled, rule.priority, rule.triggers = draft.enabled, draft.priority, list(draft.triggers)
    rule.condition, rule.actions = draft.condition, list(draft.actions)
    rule.else_actions = list(draft.else_actions)
    rule.updated_by, rule.updated_at = author, utcnow()
    session.add(rule)
    session.flush()
    verb = "created" if draft.rule_id is None else "changed"
    log_activity(session, author=author, kind="rule_saved",
                 summary=f"Rule '{rule.name}' {verb}: when {condition_text(rule.condition)}"
                 f" ({'enabled' if rule.enabled else 'disabled'})", detail={"rule_id": rule.id})
    return rule.id


def find_rule(session: Session, key: str | int) -> Rule:
    """A rule by id or by name."""
    rule = session.get(Rule, int(key)) if str(key).isdigit() else session.scalar(
        select(Rule).where(Rule.name == key))
    if rule is None:
        names = ", ".join(session.scalars(select(Rule.name).order_by(Rule.priority, Rule.id)))
        raise NotFoundError(f"No rule '{key}' (rules: {names or 'none'})")
    return rule


def draft_of(rule: Rule) -> RuleDraft:
    return RuleDraft(name=rule.name, condition=rule.condition, actions=list(rule.actions),
                     else_actions=list(rule.else_actions), triggers=tuple(rule.triggers),
                     enabled=rule.enabled, priority=rule.priority,
                     description=rule.description, rule_id=rule.id)


def set_enabled(session: Session, key: str | int, enabled: bool, author: str) -> None:
    rule = find_rule(session, key)
    rule.enabled = enabled
    rule.updated_by, rule.updated_at = author, utcnow()
    log_activity(session, author=author, kind="rule_saved", detail={"rule_id": rule.id},
                 summary=f"Rule '{rule.name}' {'enabled' if enabled else 'disabled'}")
    session.flush()


def reorder_rules(session: Session, rule_ids: list[int], author: str) -> None:
    """Priorities 10, 20, 30 … in the order given (first = wins conflicts)."""
    for n, rule_id in enumerate(rule_ids, start=1):
        rule = find_rule(session, rule_id)
        rule.priority = n * 10
    log_activity(session, author=author, kind="rule_saved", summary="Rules reordered",
                 detail={"order": rule_ids})
    session.flush()


def list_rules(session: Session) -> list[RuleRow]:
    from app.services.rules.actions import ACTION_TYPES

    rules = session.scalars(select(Rule).order_by(Rule.priority, Rule.id)).all()
    return [RuleRow(r.id, r.name, r.enabled, r.priority, tuple(r.triggers),
                    condition_text(r.condition),
                    tuple(ACTION_TYPES.get(str(a.get("type")), "?") for a in r.actions), r.version)
            for r in rules]


__all__ = ["TRIGGER_LABELS", "RuleDraft", "RuleInvalidError", "RuleRow", "draft_of", "find_rule",
           "list_rules", "reorder_rules", "rule_problems", "save_rule", "set_enabled"]
