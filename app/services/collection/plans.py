"""Reminder plans: the shipped defaults, which plan each debtor follows, and plan read-outs.

A debtor follows its `debtor_plan` row if it has one, else the default plan of its segment
(setting `collection.default_plan_by_segment`, key "*" for any other segment).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import utcnow
from app.config import resources_dir
from app.db import Database
from app.errors import NotFoundError, UserError
from app.models import Debtor, DebtorPlan, MessageTemplate, PlanStep, ReminderPlan, Setting
from app.services.activity import log_activity
from app.services.collection.calendar import shift_to_business_day

DEFAULT_PLAN_SETTING = "collection.default_plan_by_segment"


@dataclass(frozen=True, slots=True)
class StepInfo:
    step_id: int
    position: int
    name: str
    offset_days: int
    channels: tuple[str, ...]
    template_key: str
    min_amount: Decimal  # the step's own minimum, else the plan's
    fee: Decimal | None
    business_days: bool
    with_interest: bool

    @property
    def channel_text(self) -> str:
        return " + ".join(self.channels)

    def due_on(self, due_date: date, country: str | None) -> date:
        """The day this step falls due for an item (DOMAIN.md §6.1)."""
        target = date.fromordinal(due_date.toordinal() + self.offset_days)
        return shift_to_business_day(target, country) if self.business_days else target


@dataclass(frozen=True, slots=True)
class PlanInfo:
    plan_id: int
    name: str
    description: str | None
    min_gap_days: int
    min_amount: Decimal
    promise_grace_days: int
    steps: tuple[StepInfo, ...]

    def step(self, step_id: int) -> StepInfo:
        for s in self.steps:
            if s.step_id == step_id:
                return s
        raise KeyError(step_id)


def default_plans_file() -> Path:
    return resources_dir() / "templates" / "default_plans.json"


def default_template_files() -> list[tuple[str, str, str, Path]]:
    """(key, language, channel, path) for every shipped template file."""
    out = []
    for path in sorted((resources_dir() / "templates").glob("*/*.j2")):
        key, channel = path.name.removesuffix(".j2").rsplit(".", 1)
        out.append((key, path.parent.name, channel, path))
    return out


def split_subject(text: str) -> tuple[str | None, str]:
    """A template file may start with `Subject: …`; the rest is the body."""
    first, _, rest = text.partition("\n")
    if first.startswith("Subject:"):
        return first.removeprefix("Subject:").strip(), rest.lstrip("\n")
    return None, text


def ensure_default_plans(session: Session) -> list[str]:
    """Install the shipped plans, templates and default plan per segment; idempotent.

    Returns the names of the plans it created (empty when everything was there already).
    """
    spec: dict[str, Any] = json.loads(default_plans_file().read_text(encoding="utf-8"))
    existing = set(session.scalars(select(ReminderPlan.name)))
    created: list[str] = []
    for p in spec["plans"]:
        if p["name"] in existing:
            continue
        plan = ReminderPlan(
            name=p["name"], description=p.get("description"), min_gap_days=p["min_gap_days"],
            min_amount=Decimal(p["min_amount"]), promise_grace_days=p["promise_grace_days"],
        )
        for i, s in enumerate(p["steps"], start=1):
            plan.steps.append(PlanStep(
                position=i, name=s["name"], offset_days=s["offset_days"],
                channels=list(s["channels"]), template_key=s["template"],
                min_amount=Decimal(s["min_amount"]) if "min_amount" in s else None,
                fee=Decimal(s["fee"]) if "fee" in s else None,
                business_days=bool(s.get("business_days", False)),
                with_interest=bool(s.get("with_interest", False)),
            ))
        session.add(plan)
        created.append(p["name"])
    have = set(session.execute(
        select(MessageTemplate.key, MessageTemplate.language, MessageTemplate.channel)
    ))
    for key, language, channel, path in default_template_files():
        if (key, language, channel) not in have:
            subject, body = split_subject(path.read_text(encoding="utf-8"))
            session.add(MessageTemplate(key=key, language=language, channel=channel,
                                        subject=subject, body=body))
    if session.get(Setting, DEFAULT_PLAN_SETTING) is None:
        session.add(Setting(key=DEFAULT_PLAN_SETTING, value=spec["default_plan_by_segment"]))
    session.flush()
    return created


def _step_info(plan: ReminderPlan, s: PlanStep) -> StepInfo:
    return StepInfo(
        step_id=s.id, position=s.position, name=s.name, offset_days=s.offset_days,
        channels=tuple(s.channels), template_key=s.template_key,
        min_amount=s.min_amount if s.min_amount is not None else plan.min_amount,
        fee=s.fee, business_days=s.business_days, with_interest=s.with_interest,
    )


def load_plans(session: Session) -> dict[int, PlanInfo]:
    """Every plan with its steps in order, keyed by plan id."""
    plans = session.scalars(select(ReminderPlan).order_by(ReminderPlan.name)).all()
    return {
        p.id: PlanInfo(
            plan_id=p.id, name=p.name, description=p.description, min_gap_days=p.min_gap_days,
            min_amount=p.min_amount, promise_grace_days=p.promise_grace_days,
            steps=tuple(_step_info(p, s) for s in sorted(p.steps, key=lambda s: s.position)),
        )
        for p in plans
    }


def plan_by_name(session: Session, name: str) -> ReminderPlan:
    plan = session.scalar(select(ReminderPlan).where(ReminderPlan.name == name))
    if plan is None:
        known = ", ".join(session.scalars(select(ReminderPlan.name).order_by(ReminderPlan.name)))
        raise NotFoundError(f"No reminder plan named '{name}' (plans: {known or 'none'})")
    return plan


def debtor_plan_ids(session: Session, debtor_ids: list[int] | None = None) -> dict[int, int]:
    """The plan id each debtor follows (explicit assignment, else its segment's default)."""
    names: dict[str, Any] = {}
    setting = session.get(Setting, DEFAULT_PLAN_SETTING)
    if setting is not None:
        names = dict(setting.value)
    by_name = dict(session.execute(select(ReminderPlan.name, ReminderPlan.id)).all())
    fallback = by_name.get(names.get("*", "Standard"))
    q = select(Debtor.id, Debtor.segment, DebtorPlan.plan_id).outerjoin(
        DebtorPlan, DebtorPlan.debtor_id == Debtor.id
    )
    if debtor_ids is not None:
        q = q.where(Debtor.id.in_(debtor_ids))
    out: dict[int, int] = {}
    for debtor_id, segment, plan_id in session.execute(q):
        chosen = plan_id or by_name.get(names.get(segment or "", ""), fallback)
        if chosen is not None:
            out[debtor_id] = chosen
    return out


def assign_plan(session: Session, debtor_id: int, plan_name: str, author: str) -> None:
    """Move a debtor to a plan (one write, one activity)."""
    debtor = session.get(Debtor, debtor_id)
    if debtor is None:
        raise NotFoundError(f"Debtor #{debtor_id} no longer exists")
    plan = plan_by_name(session, plan_name)
    if not plan.active:
        raise UserError(f"Plan '{plan_name}' is inactive; activate it before assigning debtors")
    row = session.get(DebtorPlan, debtor_id)
    if row is None:
        session.add(DebtorPlan(debtor_id=debtor_id, plan_id=plan.id, assigned_at=utcnow(),
                               assigned_by=author))
    else:
        row.plan_id, row.assigned_at, row.assigned_by = plan.id, utcnow(), author
    log_activity(session, author=author, kind="plan_changed", debtor_id=debtor_id,
                 summary=f"Moved to reminder plan '{plan.name}'")
    session.flush()


def install_default_plans(db: Database) -> list[str]:
    """ensure_default_plans in its own transaction (for `collecta init` and the demo)."""
    from app.db import session_scope

    with session_scope(db) as session:
        return ensure_default_plans(session)
