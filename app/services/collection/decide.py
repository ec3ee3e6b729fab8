"""The campaign rules of DOMAIN.md §6 as a pure function over one debtor's open items.

`decide_debtor` is shared by the builder (all debtors) and `explain_item` (one item), so the
explanation is always the reason the builder acted on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from app.services.collection.calendar import is_business_day
from app.services.collection.plans import PlanInfo, StepInfo


@dataclass(frozen=True, slots=True)
class ItemFacts:
    invoice_id: int
    number: str
    issue_date: date
    due_date: date
    currency: str
    residual: Decimal
    received_position: int  # highest step position proposed, sent or skipped; 0 = none
    hold: str | None = None  # the hold's text when the item is held
    resume_next: bool = False  # its promise broke: resume at the next step, no catch-up jump


@dataclass(frozen=True, slots=True)
class DebtorFacts:
    debtor_id: int
    country: str | None
    last_touch: date | None
    hold: str | None = None  # manual hold or legal file: the whole debtor


@dataclass(frozen=True, slots=True)
class DueItem:
    item: ItemFacts
    step: StepInfo
    due_since: int
    skipped: tuple[StepInfo, ...]


@dataclass(frozen=True, slots=True)
class ProposedAction:
    currency: str
    step: StepInfo
    due: tuple[DueItem, ...]
    listed: tuple[ItemFacts, ...]  # other overdue items the message mentions
    total: Decimal

    @property
    def items(self) -> tuple[ItemFacts, ...]:
        return tuple(d.item for d in self.due) + self.listed


@dataclass
class DebtorDecision:
    actions: list[ProposedAction] = field(default_factory=list)
    notes: dict[int, str] = field(default_factory=dict)  # invoice id → explanation


NOTHING_LEFT = 10**9  # no step above the one reached


def step_label(step: StepInfo) -> str:
    return f"step {step.position} '{step.name}'"


def days_text(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def due_item(plan: PlanInfo, item: ItemFacts, country: str | None, as_of: date,
             *, open_today: bool = False) -> DueItem | None:
    """The step to propose for `item` (§6.1–6.2), with the lower due steps it skips.

    `open_today`: as_of is a business day in `country` — then a business-day step is due as soon
    as its unshifted day is (the shift lands on a business day ≤ as_of), no calendar needed."""
    late_by = as_of.toordinal() - item.due_date.toordinal()  # whole days, cheaper than dates
    due = [s for s in plan.steps
           if s.position > item.received_position
           and (s.offset_days <= late_by if open_today or not s.business_days
                else s.due_on(item.due_date, country) <= as_of)]
    if not due:
        return None
    if item.resume_next:
        # The next step; a "falls due soon" courtesy step makes no sense once the item is late.
        late = [s for s in due if s.offset_days > 0] if item.due_date < as_of else due
        nxt = (late or due)[0]
        return DueItem(item, nxt, (as_of - nxt.due_on(item.due_date, country)).days, ())
    target = due[-1]
    return DueItem(item, target, (as_of - target.due_on(item.due_date, country)).days,
                   tuple(due[:-1]))


def not_due_note(plan: PlanInfo, received_position: int, due_date: date,
                 country: str | None) -> str:
    later = [s for s in plan.steps if s.position > received_position]
    if not later:
        return f"all steps of plan '{plan.name}' received; next: the controller's decision"
    nxt = later[0]
    return f"next: {step_label(nxt)} on {nxt.due_on(due_date, country).isoformat()}"


def _not_due_note(plan: PlanInfo, item: ItemFacts, country: str | None) -> str:
    return not_due_note(plan, item.received_position, item.due_date, country)


def decide_debtor(plan: PlanInfo, debtor: DebtorFacts, items: list[ItemFacts], as_of: date,
                  *, all_notes: bool = True) -> DebtorDecision:
    """The debtor's actions and, per item, why. With all_notes=False (the builder) only the
    items of an action get their note: the others' are what `explain` computes on demand."""
    out = DebtorDecision()
    if debtor.hold:
        out.notes = {i.invoice_id: debtor.hold for i in items}
        return out
    gap_left = None
    if debtor.last_touch is not None:
        since = (as_of - debtor.last_touch).days
        if since < plan.min_gap_days:
            gap_left = f"touched {days_text(since)} ago, gap {plan.min_gap_days}"
    # Per step reached: the smallest offset left. An item less late than that has nothing due
    # (a business-day shift only moves a step later), without looking at each step.
    floors: dict[int, int] = {}
    today = as_of.toordinal()
    open_today = is_business_day(as_of, debtor.country)
    for currency in sorted({i.currency for i in items}):
        mine = [i for i in items if i.currency == currency]
        due: list[DueItem] = []
        for item in mine:
            if item.hold:
                out.notes[item.invoice_id] = item.hold
                continue
            floor = floors.get(item.received_position)
            if floor is None:
                floor = floors[item.received_position] = min(
                    (st.offset_days for st in plan.steps
                     if st.position > item.received_position), default=NOTHING_LEFT)
            if today - item.due_date.toordinal() < floor:
                d = None
            else:
                d = due_item(plan, item, debtor.country, as_of, open_today=open_today)
            if d is None:
                if all_notes:
                    out.notes[item.invoice_id] = _not_due_note(plan, item, debtor.country)
            else:
                due.append(d)
        if not due:
            continue
        step = max((d.step for d in due), key=lambda s: s.position)
        due_ids = {d.item.invoice_id for d in due}
        listed = tuple(i for i in mine if not i.hold and i.invoice_id not in due_ids
                       and i.due_date < as_of)
        total = sum((i.residual for i in listed), sum((d.item.residual for d in due),
                                                      Decimal("0")))
        for d in due:
            why = f"{step_label(d.step)} due since {days_text(d.due_since)}"
            if d.skipped:
                why += f" (catch-up: {', '.join(step_label(s) for s in d.skipped)} skipped)"
            out.notes[d.item.invoice_id] = why
        if gap_left is not None:
            for d in due:
                out.notes[d.item.invoice_id] += f", but {gap_left}"
            continue
        if total < step.min_amount:
            for d in due:
                out.notes[d.item.invoice_id] += (
                    f", but below tolerance {step.min_amount:.2f} {currency} "
                    f"(overdue {total:.2f} {currency})")
            continue
        action = ProposedAction(currency, step, tuple(sorted(due, key=lambda d: d.item.due_date)),
                                listed, total)
        out.actions.append(action)
        for d in due:
            out.notes[d.item.invoice_id] += f": proposed with {step_label(step)} by " \
                                           f"{step.channel_text}"
        for i in listed:
            out.notes[i.invoice_id] = (f"listed in the {step_label(step)} message; "
                                       + _not_due_note(plan, i, debtor.country))
    return out
