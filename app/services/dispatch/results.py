"""Recording what happened to outbox rows, each with its line on the debtor's timeline."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from app.models import (
    Activity,
    CampaignAction,
    CampaignActionItem,
    Invoice,
    OutboxMessage,
    StepHistory,
)
from app.services.activity import log_activity
from app.services.collection.approval import SENT_KINDS

LABELS = {"email": "Email", "sms": "SMS", "letter": "Letter", "call": "Call"}


def _detail(m: OutboxMessage) -> dict[str, object]:
    return {"outbox_id": m.id, "campaign_id": m.campaign_id, "action_id": m.action_id,
            "channel": m.channel, "message_id": m.message_id, "recipient": m.recipient,
            "provider_id": m.provider_id, "archive_path": m.archive_path}


def record_sent(session: Session, m: OutboxMessage, *, at: datetime, author: str,
                provider_id: str | None, archive_path: str | None, note: str = "") -> None:
    """Sent: the action's steps become sent (first channel) and the touch is on the timeline."""
    record_sent_many(session, [(m, provider_id, archive_path, at)], author=author, note=note)


# the row (an OutboxMessage, or a Core row with its columns), provider id, archive path, when
SentRow = tuple[Any, str | None, str | None, datetime]
SENT_COLUMNS = (OutboxMessage.id, OutboxMessage.channel, OutboxMessage.debtor_id,
                OutboxMessage.action_id, OutboxMessage.campaign_id, OutboxMessage.message_id,
                OutboxMessage.recipient, OutboxMessage.subject, OutboxMessage.provider_id,
                OutboxMessage.archive_path)


def record_sent_many(session: Session, sent: list[SentRow], *, author: str,
                     note: str = "") -> None:
    """`record_sent` for a batch of rows with a few queries in all.

    The first message of an action marks its steps sent (StepHistory) and leaves one timeline
    line saying which channel went, to whom, with which file; a later channel of the same action
    adds its own line. A notice only leaves its line."""
    session.flush()  # earlier changes first: what follows bypasses the unit of work
    suffix = f" ({note})" if note else ""
    action_ids = {m.action_id for m, _, _, _ in sent if m.action_id is not None}
    actions = {a.id: a for a in session.execute(select(
        CampaignAction.id, CampaignAction.sent_at, CampaignAction.channels,
        CampaignAction.preview, CampaignAction.campaign_id).where(
        CampaignAction.id.in_(action_ids)))} if action_ids else {}
    first = {a.id for a in actions.values() if a.sent_at is None}
    first_at: dict[int, datetime] = {}
    for m, _, _, at in sent:
        if m.action_id in first:
            first_at.setdefault(m.action_id, at)
    numbers: dict[int, list[str]] = {}
    if first:
        history = cast(Table, StepHistory.__table__)
        session.connection().execute(
            update(history).where(history.c.action_id == bindparam("aid"))
            .values(outcome="sent", sent_at=bindparam("at")),
            [{"aid": a, "at": at} for a, at in first_at.items()])
        for action_id, number in session.execute(
                select(CampaignActionItem.action_id, Invoice.number)
                .join(Invoice, Invoice.id == CampaignActionItem.invoice_id)
                .where(CampaignActionItem.action_id.in_(first)).order_by(Invoice.number)):
            numbers.setdefault(action_id, []).append(number)
    activities: list[dict[str, Any]] = []
    rows: list[dict[str, Any]] = []
    newly_sent: list[dict[str, Any]] = []
    for m, provider_id, archive_path, at in sent:
        values = {"state": "sent", "finished_at": at, "last_error": None,
                  "provider_id": provider_id or m.provider_id,
                  "archive_path": archive_path or m.archive_path}
        if isinstance(m, OutboxMessage):  # the object says what the database now holds
            for key, value in values.items():
                set_committed_value(m, key, value)
        rows.append({"oid": m.id, **values})
        detail = {**_detail(m), "provider_id": values["provider_id"],
                  "archive_path": values["archive_path"]}
        head = f"{LABELS[m.channel]} {_verb(m)} {_short(m.recipient)}"
        action = actions.get(m.action_id) if m.action_id is not None else None
        entry: dict[str, Any] = {"at": at, "author": author, "debtor_id": m.debtor_id,
                                 "kind": SENT_KINDS.get(m.channel, m.channel),
                                 "detail": detail}
        if action is None:  # a notice: no campaign, no step
            entry.update(kind="notice_sent", summary=f"Notice {head[len(LABELS[m.channel]) + 1:]}"
                         f": {m.subject or 'notice'}{suffix}")
        elif action.id in first:
            first.discard(action.id)  # a second channel of the action in this batch: below
            newly_sent.append({"aid": action.id, "at": at})
            preview = (action.preview or {}).get(action.channels[0], {})
            entry.update(summary=f"{head}: {preview.get('subject') or 'reminder'} "
                         f"({', '.join(numbers.get(action.id, []))}){suffix}",
                         detail={"campaign_id": action.campaign_id, "action_id": action.id,
                                 "channels": action.channels, **detail})
        else:
            entry.update(summary=f"{head}: {m.subject or 'reminder'}{suffix}")
        activities.append(entry)
    if not rows:
        return
    conn = session.connection()
    outbox = cast(Table, OutboxMessage.__table__)
    action_table = cast(Table, CampaignAction.__table__)
    conn.execute(update(outbox).where(outbox.c.id == bindparam("oid")).values(
        state=bindparam("state"), finished_at=bindparam("finished_at"),
        last_error=bindparam("last_error"), provider_id=bindparam("provider_id"),
        archive_path=bindparam("archive_path")), rows)
    if newly_sent:
        conn.execute(update(action_table).where(action_table.c.id == bindparam("aid"))
                     .values(sent_at=bindparam("at")), newly_sent)
    session.execute(insert(Activity), activities)


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
