"""Run the enabled rules over every debtor at once (issue 7, DOMAIN.md §7).

Each rule's condition is evaluated over the whole facts table (one boolean array per rule). A rule
fires on the transition only: `rule_match` remembers which debtors matched at the last run, so a
debtor moved to High risk is not moved again while its DSO stays above 60; when the condition
stops holding, the rule's `else_actions` fire once. Two rules setting the same thing (plan,
manager, hold, one tag) on one debtor in one run conflict: the lower priority number wins and the
conflict is reported. A notify action asked to email someone queues one notice per firing (the
same transitions). A dry run returns exactly the changes and notices a real run would write, and
writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from app.clock import utcnow
from app.errors import UserError
from app.models import Activity, Debtor, DebtorPlan, Rule, RuleMatch
from app.services.activity import log_activity
from app.services.analytics.engine import LedgerArrays, LedgerEngine
from app.services.analytics.ledger_read import _int_matrix  # raw integer read, no Row objects
from app.services.dispatch.notices import Notice, NoticeRequest, compose_notices, queue_notices
from app.services.rules.actions import Change, Directory, Loaded, apply_change, plan_action
from app.services.rules.conditions import evaluate
from app.services.rules.facts import debtor_facts
from app.services.rules.store import RuleDraft, draft_of, rule_problems
from app.services.rules.wording import reason_texts

EXCLUSIVE_SLOTS = ("plan", "manager", "hold")  # and every "tag:X"
_CHUNK = 500

Progress = Callable[[int, int, str], None]
Cancelled = Callable[[], bool]


@dataclass(frozen=True, slots=True)
class RuleOutcome:
    rule_id: int
    name: str
    priority: int
    matching: int  # debtors for which the condition holds now
    entering: int  # … and did not at the last run (the rule fires)
    leaving: int  # held at the last run, no longer (the else-actions fire)
    skipped: str | None = None  # why the rule did not run (it became invalid)


@dataclass(frozen=True, slots=True)
class Conflict:
    debtor_id: int
    debtor_name: str
    slot: str
    winner: str
    loser: str
    lost: str  # what the losing rule wanted, in words


@dataclass(frozen=True)
class RunResult:
    as_of: date
    dry_run: bool
    rules: tuple[RuleOutcome, ...]
    changes: tuple[Change, ...]
    conflicts: tuple[Conflict, ...]
    notices: tuple[Notice, ...] = ()  # the emails queued (or, dry, that would be)

    @property
    def debtor_ids(self) -> frozenset[int]:
        return frozenset(c.debtor_id for c in self.changes)


def _exclusive(slot: str) -> bool:
    return slot in EXCLUSIVE_SLOTS or slot.startswith("tag:")


def _previous(session: Session, rule_ids: list[int]) -> dict[int, np.ndarray]:
    """Per rule, the debtor ids that matched at its last run (one integer read for all)."""
    if not rule_ids:
        return {}
    rows = _int_matrix(session.connection(), select(RuleMatch.rule_id, RuleMatch.debtor_id)
                       .where(RuleMatch.rule_id.in_(rule_ids)), 2)
    order = np.argsort(rows[:, 0], kind="stable")
    rows = rows[order]
    out: dict[int, np.ndarray] = {}
    for rule_id in rule_ids:
        lo = np.searchsorted(rows[:, 0], rule_id, side="left")
        hi = np.searchsorted(rows[:, 0], rule_id, side="right")
        out[rule_id] = rows[lo:hi, 1]
    return out


def _changes_for(rule: Rule, actions: list[dict[str, Any]], positions: np.ndarray,
                 facts: pd.DataFrame, directory: Directory, as_of: date,
                 leaving: bool) -> list[Change]:
    if not actions or positions.size == 0:
        return []
    sub = facts.iloc[positions]
    reasons = reason_texts(rule.condition, sub, holding=not leaving)
    columns = zip(sub.index.tolist(), sub["plan"].tolist(), sub["account_manager"].tolist(),
                  sub["tags"].tolist(), reasons, strict=True)
    out: list[Change] = []
    for debtor_id, plan, manager, tags, reason in columns:
        row = {"plan": plan, "account_manager": manager, "tags": tags}
        base = dict(rule_id=rule.id, rule_name=rule.name, priority=rule.priority,
                    debtor_id=int(debtor_id), reason=reason, leaving=leaving)
        for a in actions:
            change = plan_action(a, row, directory, as_of, base)
            if change is not None:
                out.append(change)
    return out


def _resolve(changes: list[Change], names: pd.Series) -> tuple[list[Change], list[Conflict]]:
    """Keep the first change per (debtor, exclusive slot) in priority order; report the rest."""
    taken: dict[tuple[int, str], Change] = {}
    kept: list[Change] = []
    conflicts: list[Conflict] = []
    for c in sorted(changes, key=lambda c: (c.priority, c.rule_id)):
        key = (c.debtor_id, c.slot)
        winner = taken.get(key) if _exclusive(c.slot) else None
        if winner is not None and winner.rule_id != c.rule_id:
            conflicts.append(Conflict(c.debtor_id, str(names.get(c.debtor_id, "")), c.slot,
                                      winner.rule_name, c.rule_name, c.words))
            continue
        taken.setdefault(key, c)
        kept.append(c)
    return kept, conflicts


def notice_requests(changes: list[Change]) -> list[NoticeRequest]:
    """One email per kept notify change that has an address, telling what its rule did to the
    debtor in this run (its other changes) and why."""
    done: dict[tuple[int, int, bool], list[str]] = {}
    for c in changes:
        if c.action != "notify":
            done.setdefault((c.rule_id, c.debtor_id, c.leaving), []).append(c.words)
    out: list[NoticeRequest] = []
    for c in changes:
        p = dict(c.params)
        if c.action == "notify" and p.get("email"):
            out.append(NoticeRequest(c.rule_id, c.rule_name, c.debtor_id, p["email_user"],
                                     p["email"], c.reason,
                                     tuple(done.get((c.rule_id, c.debtor_id, c.leaving), ())),
                                     p.get("message"), c.leaving))
    return out


def _prefetch(session: Session, debtor_ids: list[int]) -> Loaded:
    """Load the debtors (and plan rows) a run changes in a few queries, not one per change."""
    loaded = Loaded()
    for i in range(0, len(debtor_ids), _CHUNK):
        chunk = debtor_ids[i:i + _CHUNK]
        loaded.debtors.update(
            (d.id, d) for d in session.scalars(select(Debtor).where(Debtor.id.in_(chunk))))
        loaded.plans.update((p.debtor_id, p) for p in session.scalars(
            select(DebtorPlan).where(DebtorPlan.debtor_id.in_(chunk))))
    return loaded


def _save_state(session: Session, rule_id: int, entering: list[int], leaving: list[int],
                as_of: date) -> None:
    for i in range(0, len(leaving), _CHUNK):
        session.execute(delete(RuleMatch).where(RuleMatch.rule_id == rule_id,
                                                RuleMatch.debtor_id.in_(leaving[i:i + _CHUNK])))
    if entering:
        session.execute(insert(RuleMatch), [
            {"rule_id": rule_id, "debtor_id": d, "matched": True, "since": as_of}
            for d in entering])


def _evaluate(session: Session, rules: list[Rule], facts: pd.DataFrame, directory: Directory,
              as_of: date, progress: Progress | None = None, cancelled: Cancelled | None = None
              ) -> tuple[list[RuleOutcome], list[Change], dict[int, tuple[list[int], list[int]]]]:
    """Per rule: who matches now, who enters and leaves since the last run, and the changes."""
    index = facts.index.to_numpy()
    previous = _previous(session, [r.id for r in rules if r.id is not None and r.id > 0])
    outcomes: list[RuleOutcome] = []
    proposed: list[Change] = []
    transitions: dict[int, tuple[list[int], list[int]]] = {}
    for n, rule in enumerate(rules):
        if cancelled is not None and cancelled():
            raise UserError(f"Rules run for {as_of.isoformat()} cancelled; nothing was changed")
        if progress is not None:
            progress(n, len(rules), f"Rule '{rule.name}'")
        problems = rule_problems(session, draft_of(rule), directory)
        if problems:
            outcomes.append(RuleOutcome(rule.id, rule.name, rule.priority, 0, 0, 0,
                                        skipped="; ".join(map(str, problems))))
            continue
        now = evaluate(rule.condition, facts)
        before = np.isin(index, previous.get(rule.id, np.zeros(0, dtype=np.int64)))
        entering, leaving = np.flatnonzero(now & ~before), np.flatnonzero(before & ~now)
        transitions[rule.id] = (index[entering].tolist(), index[leaving].tolist())
        outcomes.append(RuleOutcome(rule.id, rule.name, rule.priority, int(now.sum()),
                                    int(entering.size), int(leaving.size)))
        proposed += _changes_for(rule, rule.actions, entering, facts, directory, as_of, False)
        proposed += _changes_for(rule, rule.else_actions, leaving, facts, directory, as_of, True)
    return outcomes, proposed, transitions


def run_rules(session: Session, arrays: LedgerArrays, as_of: date, *, user: str,
              trigger: str | None = None, rule_ids: list[int] | None = None,
              dry_run: bool = False, facts: pd.DataFrame | None = None,
              progress: Progress | None = None, cancelled: Cancelled | None = None
              ) -> RunResult:
    """Evaluate the enabled rules (or `rule_ids`, enabled or not) and fire the transitions."""
    q = select(Rule).order_by(Rule.priority, Rule.id)
    q = q.where(Rule.id.in_(rule_ids)) if rule_ids is not None else q.where(Rule.enabled)
    rules = [r for r in session.scalars(q) if trigger is None or trigger in r.triggers]
    directory = Directory.load(session)
    if facts is None:
        facts = debtor_facts(session, arrays, as_of)
    outcomes, proposed, transitions = _evaluate(session, rules, facts, directory, as_of,
                                                progress, cancelled)
    changes, conflicts = _resolve(proposed, facts["name"])
    notices = compose_notices(session, notice_requests(changes), as_of)
    result = RunResult(as_of, dry_run, tuple(outcomes), tuple(changes), tuple(conflicts),
                       tuple(notices))
    if dry_run:
        return result
    loaded = _prefetch(session, sorted({c.debtor_id for c in changes}))
    with session.no_autoflush:
        for change in changes:
            apply_change(session, change, directory, as_of, user, loaded)
    at = utcnow()
    if changes:  # one bulk insert: a first run on a large book fires thousands of times
        session.flush()
        session.execute(insert(Activity), [
            {"at": at, "author": user, "kind": "rule_fired", "debtor_id": c.debtor_id,
             "summary": c.summary(), "detail": {"rule_id": c.rule_id, "action": c.action,
                                                "leaving": c.leaving}}
            for c in changes])
    queue_notices(session, notices, author=user, at=at)
    for rule_id, (entering_ids, leaving_ids) in transitions.items():
        _save_state(session, rule_id, entering_ids, leaving_ids, as_of)
    log_activity(session, author=user, kind="rules_run",
                 summary=f"Rules run for {as_of.isoformat()}: {len(changes)} change(s) on "
                 f"{len(result.debtor_ids)} debtor(s), {len(conflicts)} conflict(s)",
                 detail={"rules": [o.rule_id for o in outcomes], "trigger": trigger})
    session.flush()
    if progress is not None:
        progress(len(rules), len(rules), "Rules run")
    return result


def dry_run_draft(session: Session, facts: pd.DataFrame, draft: RuleDraft,
                  as_of: date) -> RunResult:
    """What an edited (unsaved) rule would change if it ran alone now: the editor's diff."""
    rule = Rule(id=draft.rule_id if draft.rule_id is not None else -1, name=draft.name or
                "(new rule)", priority=draft.priority, condition=draft.condition,
                actions=list(draft.actions), else_actions=list(draft.else_actions),
                triggers=list(draft.triggers), enabled=True)
    directory = Directory.load(session)
    with session.no_autoflush:
        outcomes, proposed, _ = _evaluate(session, [rule], facts, directory, as_of)
        changes, conflicts = _resolve(proposed, facts["name"])
        notices = compose_notices(session, notice_requests(changes), as_of)
    return RunResult(as_of, True, tuple(outcomes), tuple(changes), tuple(conflicts),
                     tuple(notices))


def run_triggered(session: Session, as_of: date, trigger: str, *, user: str) -> RunResult | None:
    """The hook for campaign builds, syncs and the daily run: does nothing (and loads nothing)
    when no enabled rule has this trigger."""
    wanted = [r for r in session.scalars(select(Rule).where(Rule.enabled))
              if trigger in r.triggers]
    if not wanted:
        return None
    arrays = LedgerEngine(session.get_bind().engine).arrays
    return run_rules(session, arrays, as_of, user=user, trigger=trigger)


__all__ = ["Conflict", "RuleOutcome", "RunResult", "dry_run_draft", "run_rules", "run_triggered"]
