"""The outbox rows themselves (approval queues them: app/services/dispatch/enqueue.py): claim
rows atomically, recover rows a crash left in `sending`, list them, and let a person confirm an
`unknown` one.

At most once (ARCHITECTURE.md, Reliability): rows are claimed by one `UPDATE … WHERE
state='queued'` (with `FOR UPDATE SKIP LOCKED` on PostgreSQL), committed before anything leaves,
and a row still in `sending` when a sender starts becomes `unknown`, never re-sent automatically.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from app.errors import NotFoundError, UserError
from app.models import Campaign, Debtor, OutboxMessage
from app.services.activity import log_activity
from app.services.dispatch.results import LABELS, record_sent

FINAL_STATES = ("sent", "failed", "unknown", "dropped")


def approved_campaign_ids(session: Session) -> list[int]:
    return list(session.scalars(select(Campaign.id).where(Campaign.status == "approved")
                                .order_by(Campaign.as_of, Campaign.id)))


def recover_interrupted(session: Session, *, worker: str, stale_before: datetime,
                        at: datetime) -> list[int]:
    """Rows this worker left in `sending` (or anyone's, if claimed before `stale_before`)
    become `unknown`: they may have left, so a person confirms them."""
    rows = session.scalars(select(OutboxMessage).where(
        OutboxMessage.state == "sending",
        or_(OutboxMessage.claimed_by == worker, OutboxMessage.claimed_at < stale_before),
    ).order_by(OutboxMessage.id)).all()
    for m in rows:
        m.state, m.finished_at = "unknown", at
        m.last_error = "interrupted while sending; it may or may not have left"
        log_activity(session, author="Collecta", kind=f"{m.channel}_unknown", at=at,
                     debtor_id=m.debtor_id,
                     summary=f"{LABELS[m.channel]} {m.message_id} was interrupted while "
                     "sending: check whether it arrived and confirm it in the outbox",
                     detail={"outbox_id": m.id, "campaign_id": m.campaign_id})
    session.flush()
    return [m.id for m in rows]


def claim_next(session: Session, *, channels: tuple[str, ...], worker: str, now: datetime,
               campaign_id: int | None = None) -> int | None:
    """Atomically move one due `queued` row to `sending`; None when nothing is left to claim."""
    claimed = claim_batch(session, channels=channels, worker=worker, now=now,
                          campaign_id=campaign_id, limit=1)
    return claimed[0] if claimed else None


def claim_batch(session: Session, *, channels: tuple[str, ...], worker: str, now: datetime,
                campaign_id: int | None = None, limit: int = 50) -> list[int]:
    """Atomically move up to `limit` due `queued` rows to `sending`, oldest first.

    With a campaign id only that campaign's rows; without one, every queued row (notices
    included). The caller commits before anything leaves."""
    pick = (select(OutboxMessage.id)
            .where(OutboxMessage.state == "queued", OutboxMessage.channel.in_(channels),
                   or_(OutboxMessage.next_attempt_at.is_(None),
                       OutboxMessage.next_attempt_at <= now))
            .order_by(OutboxMessage.id).limit(limit))
    if campaign_id is not None:
        pick = pick.where(OutboxMessage.campaign_id == campaign_id)
    chosen: Any = pick.scalar_subquery()
    if session.get_bind().dialect.name == "postgresql":
        # Lock first, then update those ids: inside `UPDATE … WHERE id IN (SELECT … LIMIT n
        # FOR UPDATE SKIP LOCKED)` PostgreSQL may re-run the subquery and claim more than n.
        chosen = list(session.scalars(pick.with_for_update(skip_locked=True)))
        if not chosen:
            return []
    claimed = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(chosen), OutboxMessage.state == "queued")
        .values(state="sending", claimed_by=worker, claimed_at=now,
                attempts=OutboxMessage.attempts + 1)
        .returning(OutboxMessage.id)
        .execution_options(synchronize_session=False)
    ).scalars().all()
    return sorted(int(i) for i in claimed)


def release_claims(session: Session, outbox_ids: list[int]) -> None:
    """Rows claimed but never handed to a channel go back to the queue as they were."""
    if outbox_ids:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(outbox_ids), OutboxMessage.state == "sending")
            .values(state="queued", claimed_by=None, claimed_at=None,
                    attempts=OutboxMessage.attempts - 1)
            .execution_options(synchronize_session=False))


def next_retry_at(session: Session, channels: tuple[str, ...],
                  campaign_id: int | None = None) -> datetime | None:
    q = select(OutboxMessage.next_attempt_at).where(
        OutboxMessage.state == "queued", OutboxMessage.channel.in_(channels),
        OutboxMessage.next_attempt_at.is_not(None)).order_by(OutboxMessage.next_attempt_at)
    if campaign_id is not None:
        q = q.where(OutboxMessage.campaign_id == campaign_id)
    found = session.scalar(q.limit(1))
    # SQLite hands back naive datetimes; every stored timestamp is UTC.
    return found.replace(tzinfo=UTC) if found is not None and found.tzinfo is None else found


@dataclass(frozen=True, slots=True)
class OutboxRow:
    outbox_id: int
    campaign_id: int | None  # None for a notice
    debtor_ref: str
    debtor_name: str
    channel: str
    state: str
    recipient: str | None
    subject: str | None
    attempts: int
    last_error: str | None
    message_id: str
    finished_at: datetime | None
    archive_path: str | None


def list_outbox(session: Session, state: str | None = None,
                campaign_id: int | None = None, channel: str | None = None) -> list[OutboxRow]:
    """The rows as the outbox view and `collecta outbox list` show them, oldest first (columns,
    not ORM objects: a big campaign's outbox is fifteen thousand rows, reloaded on changes)."""
    m = OutboxMessage
    q = (select(m.id, m.campaign_id, Debtor.external_ref, Debtor.name, m.channel, m.state,
                m.recipient, m.subject, m.attempts, m.last_error, m.message_id, m.finished_at,
                m.archive_path)
         .join(Debtor, Debtor.id == m.debtor_id).order_by(m.id))
    if state:
        q = q.where(m.state == state)
    if campaign_id is not None:
        q = q.where(m.campaign_id == campaign_id)
    if channel:
        q = q.where(m.channel == channel)
    return [OutboxRow(i, cid, ref, name, channel, st, recipient, subject, attempts, error, mid,
                      finished, archive)
            for i, cid, ref, name, channel, st, recipient, subject, attempts, error, mid,
            finished, archive in session.execute(q)]


def confirm_message(session: Session, outbox_id: int, *, sent: bool, user: str,
                    at: datetime) -> None:
    """A person says whether an `unknown` message arrived: sent, or queued again to be sent."""
    m = session.get(OutboxMessage, outbox_id)
    if m is None:
        raise NotFoundError(f"Outbox message #{outbox_id} does not exist")
    if m.state != "unknown":
        raise UserError(f"Outbox message #{m.id} is {m.state}; only an unknown message can be "
                        "confirmed")
    if sent:
        record_sent(session, m, at=at, author=user, provider_id=None, archive_path=None,
                    note=f"confirmed by {user}")
        return
    m.state, m.next_attempt_at, m.last_error = "queued", None, None
    log_activity(session, author=user, kind="outbox_requeued", debtor_id=m.debtor_id, at=at,
                 summary=f"{LABELS[m.channel]} {m.message_id} confirmed not received; "
                 "queued to be sent again", detail={"outbox_id": m.id})
    session.flush()


def open_count(session: Session, campaign_id: int) -> int:
    return int(session.scalar(select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.campaign_id == campaign_id,
        OutboxMessage.state.in_(("queued", "sending")))) or 0)


def never_queued(session: Session, campaign_ids: list[int]) -> list[int]:
    """The campaigns among `campaign_ids` with no outbox row at all: approved by a version that
    queued at send time. A run queues those; the others were queued by their approval (a
    campaign with call tasks stays approved for days: not re-read on every run)."""
    if not campaign_ids:
        return []
    queued = set(session.scalars(select(OutboxMessage.campaign_id).distinct().where(
        OutboxMessage.campaign_id.in_(campaign_ids))))
    return [cid for cid in campaign_ids if cid not in queued]


def waiting_counts(session: Session, senders: tuple[str, ...],
                   campaign_id: int | None = None) -> dict[str, int]:
    """Queued messages per channel that no sender of this run could take (a channel not set
    up), and call tasks, which people work: what the run's summary must not leave unsaid."""
    q = (select(OutboxMessage.channel, func.count()).where(
        OutboxMessage.state == "queued", OutboxMessage.channel.not_in(senders))
        .group_by(OutboxMessage.channel))
    if campaign_id is not None:
        q = q.where(OutboxMessage.campaign_id == campaign_id)
    return {channel: int(n) for channel, n in session.execute(q)}
