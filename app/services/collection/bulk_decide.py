"""DOMAIN.md §6 over every debtor at once: the builder's decisions from BulkFacts in numpy.

The rules themselves live in decide.py (`decide_debtor`, one debtor, also used by `explain`).
This module computes the same actions for the common case in bulk — as of a business day in the
debtor's country, plan offsets in step order, no broken promise to resume — and hands every other
debtor to `decide_debtor`. tests/services/collection/test_bulk_decide.py checks that both give
the same actions and explanations on random ledgers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import numpy as np

from app.services.analytics.ledger_read import day_date, day_number
from app.services.collection.bulk_facts import BulkFacts
from app.services.collection.calendar import is_business_day
from app.services.collection.decide import (
    DebtorFacts,
    ItemFacts,
    ProposedAction,
    days_text,
    decide_debtor,
    not_due_note,
    step_label,
)
from app.services.collection.plans import PlanInfo, StepInfo


@dataclass(frozen=True, slots=True)
class ActionRow:
    """One action as the writer stores it; money in cents."""

    debtor_id: int
    plan_id: int
    step: StepInfo
    currency: str
    total_cents: int
    explanation: str
    language: str
    due: tuple[tuple[int, int, int, int, tuple[int, ...]], ...]  # item, step, cents, late, skipped
    listed: tuple[tuple[int, int, int], ...]  # item, cents, days late


def _cents(value: Decimal) -> int:
    return int(value.scaleb(2))


def from_proposed(debtor_id: int, plan_id: int, action: ProposedAction, notes: dict[int, str],
                  language: str, as_of: date) -> ActionRow:
    """An action decided by decide_debtor, in the writer's form."""
    def late(d: date) -> int:
        return max(0, (as_of - d).days)

    why = "\n".join(f"{i.number}: {notes[i.invoice_id]}" for i in action.items)
    due = tuple((d.item.invoice_id, d.step.step_id, _cents(d.item.residual),
                 late(d.item.due_date), tuple(s.step_id for s in d.skipped)) for d in action.due)
    listed = tuple((i.invoice_id, _cents(i.residual), late(i.due_date)) for i in action.listed)
    return ActionRow(debtor_id, plan_id, action.step, action.currency, _cents(action.total), why,
                     language, due, listed)


def _fast_plans(plans: dict[int, PlanInfo]) -> set[int]:
    """Plans whose due steps for an item are a prefix of its remaining steps: offsets never
    decrease along the positions (the plan editor enforces it; older data might not)."""
    out = set()
    for pid, plan in plans.items():
        offsets = [s.offset_days for s in plan.steps]
        if all(a <= b for a, b in zip(offsets, offsets[1:], strict=False)):
            out.add(pid)
    return out


def _slow_debtors(f: BulkFacts) -> set[int]:
    """Debtors decided one by one: as_of is not a business day in their country (business-day
    shifts), a plan the bulk rule cannot read, or a broken promise to resume."""
    open_by_country: dict[str | None, bool] = {}
    fast_plans = _fast_plans(f.plans)
    slow = set(f.debtor[f.resume].tolist())
    for d in np.unique(f.debtor).tolist():
        c = f.country.get(d)
        if c not in open_by_country:
            open_by_country[c] = is_business_day(f.as_of, c)
        if not open_by_country[c] or f.plan_of[d] not in fast_plans:
            slow.add(d)
    return slow


def _targets(f: BulkFacts, late: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per item: index in its plan's steps of the step to propose (-1: none) and the number of
    steps already reached."""
    target = np.full(len(f.ids), -1, np.int64)
    reached = np.zeros(len(f.ids), np.int64)
    for pid, plan in f.plans.items():
        m = f.plan == pid
        if not m.any() or not plan.steps:
            continue
        positions = np.array([s.position for s in plan.steps], np.int64)
        offsets = np.array([s.offset_days for s in plan.steps], np.int64)
        nr = np.searchsorted(positions, f.received[m], side="right")
        no = np.searchsorted(offsets, late[m], side="right")
        target[m] = np.where(no > nr, no - 1, -1)
        reached[m] = nr
    return target, reached


def decide_bulk(f: BulkFacts) -> list[ActionRow]:
    """Every action of the build, ordered by debtor then currency (as decide_debtor's loop)."""
    today = day_number(f.as_of)
    late = today - f.due
    slow = _slow_debtors(f)
    held_debtor = np.isin(f.debtor, np.fromiter(f.debtor_hold, np.int64, len(f.debtor_hold)))
    held_item = np.isin(f.ids, np.fromiter(f.item_hold, np.int64, len(f.item_hold)))
    slow_item = np.isin(f.debtor, np.fromiter(slow, np.int64, len(slow)))
    target, reached = _targets(f, late)
    keep = np.flatnonzero(~held_debtor & ~held_item & ~slow_item)
    order = keep[np.lexsort((f.due[keep], f.cur[keep], f.debtor[keep]))]
    rows: list[ActionRow] = []
    if len(order):
        rows = _fast_rows(f, order, target, reached, late, today)
    slow_rows = decide_each(f, slow - set(f.debtor_hold))
    if slow_rows:
        rows = sorted(rows + slow_rows, key=lambda r: (r.debtor_id, r.currency))
    return rows


def _fast_rows(f: BulkFacts, order: np.ndarray, target: np.ndarray, reached: np.ndarray,
               late: np.ndarray, today: int) -> list[ActionRow]:
    due = target[order] >= 0
    group = f.debtor[order] * max(1, len(f.currencies)) + f.cur[order]
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    has_due = np.logical_or.reduceat(due, starts)
    step_ix = np.maximum.reduceat(np.where(due, target[order], -1), starts)
    listed = ~due & (f.due[order] < today)
    total = np.add.reduceat(np.where(due | listed, f.residual[order], 0), starts)
    ends = np.r_[starts[1:], len(order)]
    out: list[ActionRow] = []
    ids, numbers = f.ids.tolist(), f.numbers
    late_l, residual_l, received_l = late.tolist(), f.residual.tolist(), f.received.tolist()
    target_l, reached_l, due_days = target.tolist(), reached.tolist(), f.due.tolist()
    labels = {s.step_id: step_label(s) for p in f.plans.values() for s in p.steps}
    # The catch-up wording and skipped ids depend only on (plan, steps reached, target step).
    catch_up: dict[tuple[int, int, int], tuple[str, tuple[int, ...]]] = {}
    shifted: dict[tuple[int, int, str | None], int] = {}
    for g in np.flatnonzero(has_due).tolist():
        first = int(order[starts[g]])
        debtor_id = int(f.debtor[first])
        plan = f.plans[f.plan_of[debtor_id]]
        step = plan.steps[int(step_ix[g])]
        touched = f.last_touch.get(debtor_id)
        if touched is not None and (f.as_of - touched).days < plan.min_gap_days:
            continue
        if Decimal(int(total[g])) < step.min_amount.scaleb(2):
            continue
        country = f.country.get(debtor_id)
        tail = f": proposed with {labels[step.step_id]} by {step.channel_text}"
        members = order[starts[g]:ends[g]]
        due_rows, listed_rows, lines = [], [], []
        for k in members[due[starts[g]:ends[g]]].tolist():
            t, nr = target_l[k], reached_l[k]
            st = plan.steps[t]
            if st.business_days:  # days since its shifted day: one calendar look-up per day
                shift_key = (st.step_id, due_days[k], country)
                since = shifted.get(shift_key)
                if since is None:
                    since = shifted[shift_key] = (
                        f.as_of - st.due_on(day_date(due_days[k]), country)).days
            else:
                since = late_l[k] - st.offset_days
            key = (plan.plan_id, nr, t)
            if key not in catch_up:
                skipped = plan.steps[nr:t]
                catch_up[key] = (
                    f" (catch-up: {', '.join(labels[s.step_id] for s in skipped)} skipped)"
                    if skipped else "", tuple(s.step_id for s in skipped))
            text, skipped_ids = catch_up[key]
            lines.append(f"{numbers[k]}: {labels[st.step_id]} due since {days_text(since)}"
                         f"{text}{tail}")
            due_rows.append((ids[k], st.step_id, residual_l[k], max(0, late_l[k]), skipped_ids))
        for k in sorted(members[listed[starts[g]:ends[g]]].tolist()):
            note = not_due_note(plan, received_l[k], day_date(due_days[k]), country)
            lines.append(f"{numbers[k]}: listed in the {labels[step.step_id]} message; {note}")
            listed_rows.append((ids[k], residual_l[k], max(0, late_l[k])))
        out.append(ActionRow(debtor_id, plan.plan_id, step, f.currencies[int(f.cur[first])],
                             int(total[g]), "\n".join(lines), f.language[debtor_id],
                             tuple(due_rows), tuple(listed_rows)))
    return out


def decide_each(f: BulkFacts, debtors: set[int]) -> list[ActionRow]:
    """decide_debtor for each of `debtors`, one by one: the reference the bulk path must match."""
    if not debtors:
        return []
    items: dict[int, list[ItemFacts]] = {}
    for k in np.flatnonzero(np.isin(f.debtor, list(debtors))).tolist():
        item_id = int(f.ids[k])
        items.setdefault(int(f.debtor[k]), []).append(ItemFacts(
            invoice_id=item_id, number=f.numbers[k], issue_date=day_date(int(f.issue[k])),
            due_date=day_date(int(f.due[k])), currency=f.currencies[int(f.cur[k])],
            residual=Decimal(int(f.residual[k])).scaleb(-2),
            received_position=int(f.received[k]), hold=f.item_hold.get(item_id),
            resume_next=bool(f.resume[k])))
    out = []
    for debtor_id in sorted(items):
        plan = f.plans[f.plan_of[debtor_id]]
        facts = DebtorFacts(debtor_id, f.country.get(debtor_id), f.last_touch.get(debtor_id),
                            f.debtor_hold.get(debtor_id))
        decision = decide_debtor(plan, facts, items[debtor_id], f.as_of, all_notes=False)
        out += [from_proposed(debtor_id, plan.plan_id, a, decision.notes, f.language[debtor_id],
                              f.as_of) for a in decision.actions]
    return out
