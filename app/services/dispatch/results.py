"""Recording what happened to one outbox row, each with its line on the debtor's timeline."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Activity, CampaignAction, OutboxMessage
from app.services.activity import log_activity
from app.services.collection.approval import SENT_KINDS, mark_action_sent

LABELS = {"email": "Email", "sms": "SMS", "letter": "Letter", "call": "Call"}


def _detail(m: OutboxMessage) -> dict[str, object]:
    return {"outbox_id": m.id, "campaign_id": m.campaign_id, "action_id": m.action_id,
            "channel": m.channel, "message_id": m.message_id, "recipient": m.recipient,
            "provider_id": m.provider_id, "archive_path": m.archive_path}


def record_sent(session: Session, m: OutboxMessage, *, at: datetime, author: str,
                provider_id: str | None, archive_path: str | None, note: str = "") -> None:
    """Sent: the action's steps become sent (first channel) and the touch is on the timeline."""
    m.state, m.finished_at, m.last_error = "sent", at, None
    m.provider_id, m.archive_path = provider_id or m.provider_id, archive_path or m.archive_path
    action = session.get(CampaignAction, m.action_id)
    assert action is not None
    suffix = f" ({note})" if note else ""
    if action.sent_at is None:
        mark_action_sent(session, action.id, at, author=author)
        row = session.scalars(select(Activity).where(
            Activity.debtor_id == m.debtor_id, Activity.kind == SENT_KINDS[action.channels[0]])
            .order_by(Activity.id.desc()).limit(1)).first()
        if row is not None:  # say which channel actually went, to whom, with which file
            row.kind = SENT_KINDS[m.channel]
            row.detail = {**(row.detail or {}), **_detail(m)}
            row.summary = (f"{LABELS[m.channel]} {_verb(m)} {_short(m.recipient)}: "
                           f"{row.summary.partition(': ')[2]}{suffix}")
    else:
        log_activity(session, author=author, kind=SENT_KINDS[m.channel], debtor_id=m.debtor_id,
                     at=at, summary=f"{LABELS[m.channel]} {_verb(m)} {_short(m.recipient)}: "
                     f"{m.subject or 'reminder'}{suffix}", detail=_detail(m))
    session.flush()


def _verb(m: OutboxMessage) -> str:
    return "made to" if m.channel == "call" else "sent to"


def _short(recipient: str | None) -> str:
    return (recipient or "?").splitlines()[0]


def record_failed(session: Session, m: OutboxMessage, *, at: datetime, reason: str) -> None:
    m.state, m.finished_at, m.last_error = "failed", at, reason
    log_activity(session, author="Collecta", kind=f"{m.channel}_failed", debtor_id=m.debtor_id,
                 at=at, summary=f"{LABELS[m.channel]} not sent: {reason}",
                 detail=_detail(m))
    session.flush()


def record_unknown(session: Session, m: OutboxMessage, *, at: datetime, reason: str) -> None:
    m.state, m.finished_at, m.last_error = "unknown", at, reason
    log_activity(session, author="Collecta", kind=f"{m.channel}_unknown", debtor_id=m.debtor_id,
                 at=at, summary=f"{LABELS[m.channel]} {m.message_id} may or may not have "
                 f"left ({reason}): confirm it in the outbox", detail=_detail(m))
    session.flush()


def record_retry(session: Session, m: OutboxMessage, *, at: datetime, reason: str,
                 max_attempts: int, backoff: timedelta) -> bool:
    """Back to `queued` with an exponential delay; failed after `max_attempts`. True if retried."""
    if m.attempts >= max_attempts:
        record_failed(session, m, at=at, reason=f"{reason} (gave up after {m.attempts} tries)")
        return False
    m.state, m.last_error = "queued", reason
    m.next_attempt_at = at + backoff * (2 ** (m.attempts - 1))
    session.flush()
    return True


def record_dropped(session: Session, m: OutboxMessage, *, at: datetime, reason: str) -> None:
    m.state, m.finished_at, m.last_error = "dropped", at, reason
    log_activity(session, author="Collecta", kind="message_dropped", debtor_id=m.debtor_id,
                 at=at, summary=f"{LABELS[m.channel]} not sent: {reason}",
                 detail=_detail(m))
    session.flush()


def record_items_dropped(session: Session, m: OutboxMessage, *, at: datetime,
                         numbers: list[str]) -> None:
    log_activity(session, author="Collecta", kind="items_dropped", debtor_id=m.debtor_id, at=at,
                 summary=f"Dropped from the {m.channel} before sending (paid, credited or held "
                 f"since approval): {', '.join(numbers)}", detail={**_detail(m),
                                                                    "invoices": numbers})
    session.flush()
