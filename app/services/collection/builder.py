"""Build the campaign for an as-of date (DOMAIN.md §6): one transaction, one activity.

Never twice (§6.4): step history is unique per (item, step), a campaign is unique per as-of date
(`as_of_key`), and on PostgreSQL builds are serialised by a transaction-scoped advisory lock, so
two desktops building the same day produce one set of actions — the second gets the first's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.clock import utcnow
from app.errors import UserError
from app.models import Campaign, CampaignAction, Company, ReminderPlan, Rule
from app.services.activity import log_activity
from app.services.collection.bulk_decide import decide_bulk
from app.services.collection.bulk_facts import load_bulk_facts
from app.services.collection.campaign_writer import CampaignWriter
from app.services.collection.plans import ensure_default_plans
from app.services.collection.promises import review_promises
from app.services.collection.templates import find_template, load_templates
from app.services.money import totals_by_currency

BUILD_LOCK_KEY = 0x436F6C6C  # "Coll": pg_advisory_xact_lock key for campaign builds

Progress = Callable[[int, int, str], None]
Cancelled = Callable[[], bool]


@dataclass(frozen=True, slots=True)
class BuildResult:
    campaign_id: int
    as_of: date
    created: bool  # False: a campaign for this date existed (maybe built by another desktop)
    actions: int
    debtor_ids: frozenset[int]
    totals: dict[str, Decimal]
    skipped_steps: int
    promises_broken: int


def _existing(session: Session, as_of: date) -> Campaign | None:
    return session.scalar(select(Campaign).where(Campaign.as_of_key == as_of))


def _summary(session: Session, campaign: Campaign, created: bool, skipped: int = 0,
             broken: int = 0) -> BuildResult:
    rows = session.execute(
        select(CampaignAction.debtor_id, CampaignAction.currency, CampaignAction.total)
        .where(CampaignAction.campaign_id == campaign.id)
    ).all()
    return BuildResult(campaign.id, campaign.as_of, created, len(rows),
                       frozenset(r[0] for r in rows),
                       totals_by_currency([(r[1], r[2]) for r in rows]), skipped, broken)


def _check_templates(session: Session, uses: set[tuple[str, str, str]]) -> None:
    """Every (template, channel, language) the actions need exists: texts are rendered later (in
    the validation dialog and at approval), a missing one must stop the build now."""
    templates = load_templates(session)
    fallback = session.scalar(select(Company.default_language).limit(1)) or "en"
    for key, channel, language in sorted(uses):
        find_template(templates, key, channel, language, fallback)


def build_campaign(session: Session, as_of: date, *, user: str,
                   progress: Progress | None = None, cancelled: Cancelled | None = None
                   ) -> BuildResult:
    """Propose today's actions; returns the existing campaign if this date was built already."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": BUILD_LOCK_KEY})
    elif dialect == "sqlite":
        # Take SQLite's write lock before reading: a second build waits for the first to commit.
        # (No SAVEPOINT here: with pysqlite, releasing an outermost savepoint commits.)
        session.execute(text("UPDATE campaign SET version = version WHERE 0 = 1"))
    found = _existing(session, as_of)
    if found is not None:
        return _summary(session, found, created=False)
    # Automation rules triggered "on each campaign build" run first, so the build below sees the
    # plans they set; inside the build lock, so two desktops never both fire. The engine (and
    # pandas) is imported only when such a rule is enabled.
    if any("campaign_build" in (t or []) for t in
           session.scalars(select(Rule.triggers).where(Rule.enabled))):
        from app.services.rules.engine import run_triggered

        run_triggered(session, as_of, "campaign_build", user=user)
    campaign = Campaign(as_of=as_of, as_of_key=as_of, status="draft", built_by=user,
                        built_at=utcnow())
    if dialect == "sqlite":
        session.add(campaign)
        session.flush()
    else:
        try:
            with session.begin_nested():
                session.add(campaign)
        except IntegrityError:  # another desktop won the race on a server without the lock
            found = _existing(session, as_of)
            if found is None:
                raise
            return _summary(session, found, created=False)
    if session.scalar(select(ReminderPlan.id).limit(1)) is None:
        ensure_default_plans(session)  # a fresh database: the shipped plans apply
    broken = review_promises(session, as_of, user)
    if progress is not None:
        progress(0, 3, "Reading open invoices")
    facts = load_bulk_facts(session, as_of)
    if cancelled is not None and cancelled():
        raise UserError(f"Campaign build for {as_of.isoformat()} cancelled; nothing was saved")
    if progress is not None:
        progress(1, 3, "Deciding reminders")
    writer = CampaignWriter(session, campaign.id, as_of)
    for row in decide_bulk(facts):
        writer.add(row)
    if cancelled is not None and cancelled():
        raise UserError(f"Campaign build for {as_of.isoformat()} cancelled; nothing was saved")
    if progress is not None:
        progress(2, 3, "Saving the proposed actions")
    _check_templates(session, writer.uses())
    debtor_ids, totals_by = writer.summary()
    try:
        writer.flush()
    except IntegrityError:
        raise UserError("Another campaign build touched the same invoices at the same time; "
                        "build again") from None
    skipped, actions = writer.skipped, writer.actions
    campaign.status = "pending_approval"
    result = BuildResult(campaign.id, as_of, True, actions, debtor_ids, totals_by, skipped,
                         len(broken))
    totals = ", ".join(f"{v} {c}" for c, v in result.totals.items()) or "nothing due"
    log_activity(session, author=user, kind="campaign_built",
                 summary=f"Campaign #{campaign.id} for {as_of.isoformat()}: {actions} action(s), "
                 f"{totals}", detail={"campaign_id": campaign.id})
    session.flush()
    if progress is not None:
        progress(3, 3, "Campaign built")
    return result
