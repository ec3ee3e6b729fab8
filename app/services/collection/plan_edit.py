"""Editing a plan: validation on save (offsets ascending, a template for every language in use
and every channel of a step, unknown variables reported) and the save itself (one transaction)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import NotFoundError, UserError
from app.models import (
    CHANNELS,
    CampaignAction,
    Company,
    Debtor,
    MessageTemplate,
    PlanStep,
    ReminderPlan,
)
from app.services.activity import log_activity
from app.services.collection.templates import TemplateKey, unknown_variables


@dataclass(frozen=True, slots=True)
class StepDraft:
    step_id: int | None
    name: str
    offset_days: int
    channels: tuple[str, ...]
    template_key: str
    min_amount: Decimal | None = None
    fee: Decimal | None = None
    business_days: bool = False
    with_interest: bool = False


@dataclass(frozen=True, slots=True)
class TemplateDraft:
    subject: str | None
    body: str


def languages_in_use(session: Session) -> set[str]:
    """Every debtor language, plus the company's default language."""
    out = {lang for lang in session.scalars(select(Debtor.language).distinct()) if lang}
    default = session.scalar(select(Company.default_language).limit(1))
    return out | ({default} if default else set())


def validate_plan(steps: list[StepDraft], templates: dict[TemplateKey, TemplateDraft],
                  languages: set[str]) -> list[str]:
    """Problems as sentences; an empty list means the plan can be saved."""
    problems: list[str] = []
    if not steps:
        problems.append("A plan needs at least one step")
    for n, (a, b) in enumerate(zip(steps, steps[1:], strict=False), start=1):
        if b.offset_days <= a.offset_days:
            problems.append(f"Step {n + 1} '{b.name}' ({b.offset_days:+d} days) must come after "
                            f"step {n} '{a.name}' ({a.offset_days:+d} days): offsets ascending")
    checked: set[TemplateKey] = set()
    for n, s in enumerate(steps, start=1):
        if not s.name.strip():
            problems.append(f"Step {n} has no name")
        if not s.channels or any(c not in CHANNELS for c in s.channels):
            problems.append(f"Step {n} '{s.name}': channels must be among {', '.join(CHANNELS)}")
        for channel in s.channels:
            for lang in sorted(languages):
                key = (s.template_key, lang, channel)
                t = templates.get(key)
                if t is None:
                    problems.append(f"Step {n} '{s.name}': no {channel} template "
                                    f"'{s.template_key}' in language '{lang}'")
                    continue
                if key in checked:
                    continue
                checked.add(key)
                for part in (t.subject or "", t.body):
                    try:
                        unknown = unknown_variables(part)
                    except UserError as exc:
                        problems.append(f"Template '{s.template_key}' ({lang}, {channel}): {exc}")
                        continue
                    if unknown:
                        problems.append(f"Template '{s.template_key}' ({lang}, {channel}) uses "
                                        f"unknown variable(s): {', '.join(sorted(unknown))}")
    return problems


def load_templates_for_edit(session: Session) -> dict[TemplateKey, TemplateDraft]:
    return {(t.key, t.language, t.channel): TemplateDraft(t.subject, t.body)
            for t in session.scalars(select(MessageTemplate))}


def save_plan(session: Session, plan_id: int, steps: list[StepDraft],
              templates: dict[TemplateKey, TemplateDraft], *, author: str,
              min_gap_days: int | None = None) -> None:
    """Replace the plan's steps and upsert the templates, after validation (UserError lists all
    problems; nothing is written then)."""
    plan = session.get(ReminderPlan, plan_id)
    if plan is None:
        raise NotFoundError(f"Plan #{plan_id} no longer exists")
    problems = validate_plan(steps, templates, languages_in_use(session))
    if problems:
        raise UserError(f"Plan '{plan.name}' not saved: " + "; ".join(problems))
    keep = {s.step_id for s in steps if s.step_id is not None}
    for old in list(plan.steps):
        if old.id in keep:
            continue
        used = session.scalar(select(CampaignAction.id).where(CampaignAction.step_id == old.id)
                              .limit(1))
        if used is not None:
            raise UserError(f"Step '{old.name}' of plan '{plan.name}' was used by campaigns and "
                            "cannot be removed; create a new plan instead")
        plan.steps.remove(old)
    by_id = {s.id: s for s in plan.steps}
    for position, d in enumerate(steps, start=1):
        row = by_id.get(d.step_id) if d.step_id is not None else None
        if row is None:
            row = PlanStep()
            plan.steps.append(row)
        row.position, row.name, row.offset_days = position, d.name.strip(), d.offset_days
        row.channels, row.template_key = list(d.channels), d.template_key
        row.min_amount, row.fee = d.min_amount, d.fee
        row.business_days, row.with_interest = d.business_days, d.with_interest
    if min_gap_days is not None:
        plan.min_gap_days = min_gap_days
    existing = {(t.key, t.language, t.channel): t
                for t in session.scalars(select(MessageTemplate))}
    for (key, lang, channel), draft in templates.items():
        t = existing.get((key, lang, channel))
        if t is None:
            session.add(MessageTemplate(key=key, language=lang, channel=channel,
                                        subject=draft.subject, body=draft.body))
        elif (t.subject, t.body) != (draft.subject, draft.body):
            t.subject, t.body = draft.subject, draft.body
    log_activity(session, author=author, kind="plan_edited",
                 summary=f"Plan '{plan.name}' saved with {len(steps)} step(s)",
                 detail={"plan_id": plan.id})
    session.flush()
