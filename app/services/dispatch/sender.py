"""The send loop: recover, enqueue, then claim → prepare → send → record, one row at a time.

Each row's claim is committed before anything leaves; its outcome is committed right after. A
crash in between leaves the row in `sending`, which the next run turns into `unknown`.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from app.clock import utcnow
from app.db import Database, session_scope
from app.models import Campaign, OutboxMessage
from app.services.dispatch.channel import (
    ChannelSender,
    ChannelUnavailable,
    PermanentSendError,
    TransientSendError,
    UncertainSendError,
)
from app.services.dispatch.outbox import (
    approved_campaign_ids,
    claim_next,
    enqueue_campaign,
    next_retry_at,
    open_count,
    recover_interrupted,
)
from app.services.dispatch.prepare import RunShared, prepare_message
from app.services.dispatch.results import (
    record_failed,
    record_retry,
    record_sent,
    record_unknown,
)

STALE_AFTER = timedelta(hours=1)


@dataclass
class DispatchSummary:
    """Counts per channel and outcome: {"email": {"sent": 3, "failed": 1}, …}."""

    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    recovered_unknown: int = 0
    cancelled: bool = False

    def add(self, channel: str, outcome: str) -> None:
        per = self.counts.setdefault(channel, {})
        per[outcome] = per.get(outcome, 0) + 1

    def total(self, outcome: str) -> int:
        return sum(per.get(outcome, 0) for per in self.counts.values())

    def lines(self) -> list[str]:
        out = [f"{ch}: " + ", ".join(f"{n} {k}" for k, n in sorted(per.items()))
               for ch, per in sorted(self.counts.items())]
        if self.recovered_unknown:
            out.append(f"{self.recovered_unknown} interrupted earlier, now unknown")
        return out or ["nothing to send"]


def default_worker() -> str:
    return socket.gethostname()[:120]


def run_dispatch(
    db: Database, as_of: date, senders: dict[str, ChannelSender], *,
    campaign_id: int | None = None, author: str = "Collecta", worker: str | None = None,
    domain: str = "collecta.invalid", max_attempts: int = 5,
    backoff: timedelta = timedelta(seconds=30), max_wait: timedelta = timedelta(minutes=10),
    clock: Callable[[], datetime] = utcnow, sleep: Callable[[float], None] = time.sleep,
    progress: Callable[[int, int, str], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> DispatchSummary:
    """Send every queued message of approved campaigns (or one campaign) through `senders`."""
    worker = worker or default_worker()
    channels = tuple(sorted(senders))
    summary = DispatchSummary()
    with session_scope(db) as s:
        now = clock()
        summary.recovered_unknown = len(recover_interrupted(
            s, worker=worker, stale_before=now - STALE_AFTER, at=now))
        ids = [campaign_id] if campaign_id is not None else approved_campaign_ids(s)
        for cid in ids:
            enqueue_campaign(s, cid, author=author, at=now, domain=domain)
    with session_scope(db) as s:
        q = s.query(OutboxMessage).filter(OutboxMessage.state == "queued",
                                          OutboxMessage.channel.in_(channels))
        if campaign_id is not None:
            q = q.filter(OutboxMessage.campaign_id == campaign_id)
        total = q.count()
        shared = RunShared.load(s)
    done = 0
    deadline = clock() + max_wait
    try:
        while True:
            if cancelled is not None and cancelled():
                summary.cancelled = True
                break
            with session_scope(db) as s:
                outbox_id = claim_next(s, channels=channels, worker=worker, now=clock(),
                                       campaign_id=campaign_id)
                if outbox_id is None:
                    retry = next_retry_at(s, channels, campaign_id)
            if outbox_id is None:
                if retry is None or retry > deadline:
                    break
                sleep(max(0.0, (retry - clock()).total_seconds()))
                continue
            outcome, channel = _send_one(db, outbox_id, as_of, senders, shared, author=author,
                                         clock=clock, max_attempts=max_attempts, backoff=backoff)
            if outcome != "retry":
                summary.add(channel, outcome)
                done += 1
            if progress is not None:
                progress(done, total, f"{channel}: {outcome}")
    finally:
        for sender in senders.values():
            sender.close()
    _close_campaigns(db, campaign_id, clock())
    return summary


def _send_one(db: Database, outbox_id: int, as_of: date, senders: dict[str, ChannelSender],
              shared: RunShared, *,
              author: str, clock: Callable[[], datetime], max_attempts: int,
              backoff: timedelta) -> tuple[str, str]:
    with session_scope(db) as s:
        prepared = prepare_message(s, outbox_id, as_of, at=clock(), user=author, shared=shared)
        channel = s.get(OutboxMessage, outbox_id).channel  # type: ignore[union-attr]
        if prepared is None:
            return "dropped", channel
        if prepared.recipient is None:
            m = s.get(OutboxMessage, outbox_id)
            assert m is not None
            record_failed(s, m, at=clock(), reason=f"the debtor has no {_what(channel)}")
            return "failed", channel
    try:
        delivery = senders[channel].send(prepared)
    except ChannelUnavailable:
        with session_scope(db) as s:  # nothing left: back in the queue, the run stops
            m = s.get(OutboxMessage, outbox_id)
            assert m is not None
            m.state, m.attempts = "queued", max(0, m.attempts - 1)
        raise
    except TransientSendError as exc:
        with session_scope(db) as s:
            m = s.get(OutboxMessage, outbox_id)
            assert m is not None
            retried = record_retry(s, m, at=clock(), reason=str(exc), max_attempts=max_attempts,
                                   backoff=backoff)
        return ("retry" if retried else "failed"), channel
    except PermanentSendError as exc:
        with session_scope(db) as s:
            m = s.get(OutboxMessage, outbox_id)
            assert m is not None
            record_failed(s, m, at=clock(), reason=str(exc))
        return "failed", channel
    except UncertainSendError as exc:
        with session_scope(db) as s:
            m = s.get(OutboxMessage, outbox_id)
            assert m is not None
            record_unknown(s, m, at=clock(), reason=str(exc))
        return "unknown", channel
    with session_scope(db) as s:
        m = s.get(OutboxMessage, outbox_id)
        assert m is not None
        record_sent(s, m, at=clock(), author=author, provider_id=delivery.provider_id,
                    archive_path=delivery.archive_path)
    return "sent", channel


def _what(channel: str) -> str:
    return {"email": "email address", "sms": "mobile number", "letter": "postal address",
            "call": "phone number"}[channel]


def _close_campaigns(db: Database, campaign_id: int | None, at: datetime) -> None:
    """A campaign whose rows are all final becomes `dispatched`."""
    with session_scope(db) as s:
        ids = [campaign_id] if campaign_id is not None else approved_campaign_ids(s)
        for cid in ids:
            c = s.get(Campaign, cid)
            if c is not None and c.status == "approved" and open_count(s, cid) == 0:
                c.status, c.dispatched_at = "dispatched", at
