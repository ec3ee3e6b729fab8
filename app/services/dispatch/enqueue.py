"""Approval turns a campaign's actions into outbox messages (issue 6: "approval turns actions
into outbox messages"): one queued row per kept action × channel, each with a deterministic
Message-ID. Queued at approval, the messages are in the outbox — and the day's call tasks on
"Calls today" — before anyone presses Send; a sender run enqueues again, which adds nothing for
a campaign already queued (and queues campaigns approved before this existed)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from app.errors import NotFoundError, UserError
from app.models import Campaign, CampaignAction, Company, OutboxMessage
from app.services.activity import log_activity
from app.services.dispatch.recipients import (
    RECIPIENT_LENGTH,
    fit,
    primary_contacts,
    recipient_for,
)
from app.services.dispatch.smtp_settings import load_smtp_settings


def message_id_for(campaign_id: int, action_id: int, channel: str, domain: str) -> str:
    """Deterministic: the same action and channel always carry the same Message-ID."""
    return f"<collecta.c{campaign_id}.a{action_id}.{channel}@{domain}>"


def message_domain(session: Session) -> str:
    """The domain Message-IDs end with: the SMTP sender's, else the company email's (a campaign
    approved before email is set up), else a reserved name that can never clash."""
    sender = load_smtp_settings(session).from_address.rpartition("@")[2]
    company = (session.scalar(select(Company.email).limit(1)) or "").rpartition("@")[2]
    return (sender or company).strip().lower() or "collecta.invalid"


def enqueue_campaign(session: Session, campaign_id: int, *, author: str, at: datetime,
                     domain: str | None = None) -> int:
    """One row per approved action × channel (an email + SMS step gives two); idempotent. The
    Message-ID's domain is `message_domain`'s unless given."""
    c = session.get(Campaign, campaign_id)
    if c is None:
        raise NotFoundError(f"Campaign #{campaign_id} does not exist")
    if c.status not in ("approved", "dispatched"):
        raise UserError(f"Campaign #{c.id} is {c.status.replace('_', ' ')}; only an approved "
                        "campaign can be sent")
    domain = domain or message_domain(session)
    existing = set(session.execute(
        select(OutboxMessage.action_id, OutboxMessage.channel)
        .where(OutboxMessage.campaign_id == c.id)).all())
    wanted = [(action_id, debtor_id, channel) for action_id, debtor_id, channels in
              session.execute(
                  select(CampaignAction.id, CampaignAction.debtor_id, CampaignAction.channels)
                  .where(CampaignAction.campaign_id == c.id, CampaignAction.excluded.is_(False),
                         CampaignAction.sent_at.is_(None)).order_by(CampaignAction.id))
              for channel in channels if (action_id, channel) not in existing]
    contacts = primary_contacts(session, (debtor_id for _, debtor_id, _ in wanted))
    rows = [{"campaign_id": c.id, "action_id": action_id, "debtor_id": debtor_id,
             "channel": channel, "kind": "reminder", "state": "queued", "attempts": 0,
             "message_id": message_id_for(c.id, action_id, channel, domain), "as_of": c.as_of,
             "created_at": at, "recipient": fit(recipient_for(channel, contacts.get(debtor_id)),
                                RECIPIENT_LENGTH)}
            for action_id, debtor_id, channel in wanted]
    if rows:
        session.execute(insert(OutboxMessage), rows)
        log_activity(session, author=author, kind="outbox_queued", at=at,
                     summary=f"Campaign #{c.id}: {len(rows)} message(s) queued for sending",
                     detail={"campaign_id": c.id, "messages": len(rows)})
    session.flush()
    return len(rows)
