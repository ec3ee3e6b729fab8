"""Campaign read-outs for the CLI and the validation dialog: plain rows, no ORM objects."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.errors import NotFoundError
from app.models import (
    Campaign,
    CampaignAction,
    CampaignActionItem,
    Debtor,
    Invoice,
    PlanStep,
    ReminderPlan,
)
from app.services.collection.previews import render_stored_actions
from app.services.ledger.open_items import cents
from app.services.money import totals_by_currency
from app.services.raw_rows import json_value, raw_rows, timestamp


@dataclass(frozen=True, slots=True)
class CampaignRow:
    campaign_id: int
    as_of: date
    status: str
    built_by: str
    built_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    reject_reason: str | None
    actions: int
    excluded: int
    totals: dict[str, Decimal]


@dataclass(frozen=True, slots=True)
class ActionRow:
    action_id: int
    debtor_id: int
    debtor_ref: str
    debtor_name: str
    plan: str
    step_position: int
    step_name: str
    channels: tuple[str, ...]
    currency: str
    total: Decimal
    invoices: tuple[str, ...]
    language: str
    excluded: bool
    exclude_reason: str | None
    explanation: str
    sent_at: datetime | None

    @property
    def channel_text(self) -> str:
        return " + ".join(self.channels)


@dataclass(frozen=True, slots=True)
class CampaignDetail:
    campaign: CampaignRow
    actions: tuple[ActionRow, ...]


def list_campaigns(session: Session, limit: int = 200) -> list[CampaignRow]:
    campaigns = session.scalars(select(Campaign).order_by(Campaign.as_of.desc(),
                                                         Campaign.id.desc()).limit(limit)).all()
    ids = [c.id for c in campaigns]
    stats: dict[int, list[Any]] = {}
    for cid, excluded, currency, total, n in session.execute(
        select(CampaignAction.campaign_id, CampaignAction.excluded, CampaignAction.currency,
               func.sum(CampaignAction.total), func.count())
        .where(CampaignAction.campaign_id.in_(ids))
        .group_by(CampaignAction.campaign_id, CampaignAction.excluded, CampaignAction.currency)
    ).all():
        entry = stats.setdefault(cid, [0, 0, []])
        if excluded:
            entry[1] += n
        else:
            entry[0] += n
            entry[2].append((currency, Decimal(total)))
    return [_row(c, stats.get(c.id, [0, 0, []])) for c in campaigns]


def _row(c: Campaign, s: list[Any]) -> CampaignRow:
    return CampaignRow(c.id, c.as_of, c.status, c.built_by, c.built_at, c.decided_by,
                       c.decided_at, c.reject_reason, s[0], s[1], totals_by_currency(s[2]))


def campaign_detail(session: Session, campaign_id: int) -> CampaignDetail:
    c = session.get(Campaign, campaign_id)
    if c is None:
        raise NotFoundError(f"Campaign #{campaign_id} does not exist")
    conn = session.connection()
    numbers: dict[int, list[str]] = {}
    for action_id, number in raw_rows(conn, (
        select(CampaignActionItem.action_id, Invoice.number)
        .join(Invoice, Invoice.id == CampaignActionItem.invoice_id)
        .join(CampaignAction, CampaignAction.id == CampaignActionItem.action_id)
        .where(CampaignAction.campaign_id == c.id).order_by(Invoice.due_date, Invoice.number))
    ):
        numbers.setdefault(action_id, []).append(number)
    rows = raw_rows(conn, (
        select(CampaignAction.id, CampaignAction.debtor_id, Debtor.external_ref, Debtor.name,
               ReminderPlan.name, PlanStep.position, PlanStep.name, CampaignAction.channels,
               CampaignAction.currency, cents(CampaignAction.total), CampaignAction.language,
               CampaignAction.excluded, CampaignAction.exclude_reason,
               CampaignAction.explanation, CampaignAction.sent_at)
        .join(Debtor, Debtor.id == CampaignAction.debtor_id)
        .join(PlanStep, PlanStep.id == CampaignAction.step_id)
        .join(ReminderPlan, ReminderPlan.id == CampaignAction.plan_id)
        .where(CampaignAction.campaign_id == c.id)
        .order_by(ReminderPlan.name, PlanStep.position, Debtor.name, CampaignAction.currency)))
    channels: dict[str, tuple[str, ...]] = {}  # a handful of distinct lists: decode each once
    for r in rows:
        key = r[7] if isinstance(r[7], str) else ",".join(r[7])
        if key not in channels:
            channels[key] = tuple(json_value(r[7]))
    actions = tuple(
        ActionRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6],
                  channels[r[7] if isinstance(r[7], str) else ",".join(r[7])], r[8],
                  Decimal(r[9]).scaleb(-2), tuple(numbers.get(r[0], ())), r[10], bool(r[11]),
                  r[12], r[13], timestamp(r[14]))
        for r in rows
    )
    kept = [(a.currency, a.total) for a in actions if not a.excluded]
    summary = _row(c, [len(kept), len(actions) - len(kept), kept])
    return CampaignDetail(summary, actions)


def action_preview(session: Session, action_id: int) -> dict[str, dict[str, str | None]]:
    """channel → {subject, body}: the exact text the line sends — stored at approval, rendered
    from the stored action until then."""
    a = session.get(CampaignAction, action_id)
    if a is None:
        raise NotFoundError(f"Campaign action #{action_id} does not exist")
    if a.preview is not None:
        return dict(a.preview)
    return render_stored_actions(session, [a.id])[a.id]
