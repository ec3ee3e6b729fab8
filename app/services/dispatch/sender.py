"""The send loop: recover, enqueue, then claim → prepare → send → record, a batch at a time.

A batch's claims are committed before anything leaves; its rows are prepared with a few queries
in all; outcomes are committed every few messages (and at least every OUTCOME_EVERY seconds) in
one transaction. A crash leaves the claimed rows whose outcome was not committed in `sending`,
which the next run turns into `unknown`: never re-sent automatically. A run that stops on its
own (cancelled, channel unavailable, an error) puts the rows it never handed over back in the
queue. Batches start at one row and grow to what the channels send in about CLAIM_SECONDS
(a throttled channel keeps them small), so a crash strands few claimed rows.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import utcnow
from app.db import Database, session_scope
from app.models import Campaign, OutboxMessage
from app.services.dispatch.channel import (
    ChannelSender,
    ChannelUnavailable,
    Delivery,
    PermanentSendError,
    TransientSendError,
    UncertainSendError,
)
from app.services.dispatch.enqueue import enqueue_campaign
from app.services.dispatch.outbox import (
    approved_campaign_ids,
    claim_batch,
    never_queued,
    next_retry_at,
    open_count,
    recover_interrupted,
    release_claims,
    waiting_counts,
)
from app.services.dispatch.prepare import Planned, RunShared, apply_plans, plan_batch
from app.services.dispatch.results import (
    SENT_COLUMNS,
    SentRow,
    record_failed,
    record_retry,
    record_sent_many,
    record_unknown,
)

STALE_AFTER = timedelta(hours=1)
MAX_BATCH = 50  # rows claimed at once at most (a channel's `batch_size` may lower it)
CLAIM_SECONDS = 0.25  # claim about what the channels send in this long, so that a crash
#                      leaves few rows `unknown` that never left
OUTCOME_BATCH = 25  # outcomes committed together…
OUTCOME_EVERY = 0.25  # …or after this many seconds, whichever comes first
PAUSE_POLL = 0.2  # seconds between looks at the pause switch while paused
NOTICE_CHANNELS = ("email", "sms")
WAITING_WHY = {
    "email": "no SMTP server is set up (Settings → Email (SMTP), or collecta smtp set)",
    "sms": "no SMS gateway is set up (Settings → Text messages, or collecta sms set)",
    "call": "call tasks for people, on the worklist's Calls today",
}


@dataclass
class DispatchSummary:
    """Counts per channel and outcome: {"email": {"sent": 3, "failed": 1}, …}."""

    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    recovered_unknown: int = 0
    cancelled: bool = False
    waiting: dict[str, int] = field(default_factory=dict)  # queued, no sender for the channel

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
        out += [f"{ch}: {n} waiting — {WAITING_WHY.get(ch, 'no sender for this channel')}"
                for ch, n in sorted(self.waiting.items())]
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
    paused: Callable[[], bool] | None = None,
) -> DispatchSummary:
    """Send every queued message of approved campaigns and every queued notice (or only one
    campaign's messages) through `senders`.

    While `paused()` is true the run holds no claims: the message in hand finishes, the rest of
    its batch goes back to the queue, and the run waits (reporting "paused") until resumed or
    cancelled."""
    worker = worker or default_worker()
    channels = tuple(sorted(senders))
    summary = DispatchSummary()
    with session_scope(db) as s:
        now = clock()
        summary.recovered_unknown = len(recover_interrupted(
            s, worker=worker, stale_before=now - STALE_AFTER, at=now))
        ids = [campaign_id] if campaign_id is not None else approved_campaign_ids(s)
        for cid in never_queued(s, ids):  # approved before approval queued its messages
            enqueue_campaign(s, cid, author=author, at=now, domain=domain)
    with session_scope(db) as s:
        q = s.query(OutboxMessage).filter(OutboxMessage.state == "queued",
                                          OutboxMessage.channel.in_(channels))
        if campaign_id is not None:
            q = q.filter(OutboxMessage.campaign_id == campaign_id)
        total = q.count()
        shared = RunShared.load(s)
    cap = min((int(getattr(x, "batch_size", MAX_BATCH)) for x in senders.values()),
              default=MAX_BATCH)
    run = _Run(db, senders, summary, author=author, clock=clock, max_attempts=max_attempts,
               backoff=backoff, progress=progress, cancelled=cancelled, paused=paused,
               total=total)
    deadline = clock() + max_wait
    try:
        size = 1
        while not run.stopped():
            if run.paused():
                run.report("paused")
                paused_at = clock()
                sleep(PAUSE_POLL)
                deadline += clock() - paused_at  # a pause does not eat the wait for retries
                continue
            with session_scope(db) as s:  # committed before anything of the batch leaves
                claimed = claim_batch(s, channels=channels, worker=worker, now=clock(),
                                      campaign_id=campaign_id, limit=size)
                if not claimed:
                    retry = next_retry_at(s, channels, campaign_id)
            if not claimed:
                if retry is None or retry > deadline:
                    break
                sleep(max(0.0, (retry - clock()).total_seconds()))
                continue
            started = time.monotonic()
            run.send_batch(claimed, as_of, shared)
            size = _next_size(size, cap, len(claimed), time.monotonic() - started)
    finally:
        for sender in senders.values():
            sender.close()
    with session_scope(db) as s:
        summary.waiting = waiting_counts(s, channels, campaign_id)
    _close_campaigns(db, campaign_id, clock())
    return summary


def _next_size(size: int, cap: int, sent: int, seconds: float) -> int:
    """Grow (at most double) towards what goes out in CLAIM_SECONDS; never above `cap`."""
    return max(1, min(cap, 2 * size, int(sent / max(seconds, 1e-3) * CLAIM_SECONDS)))


class _Run:
    """Sends claimed batches and commits their outcomes a few at a time."""

    def __init__(self, db: Database, senders: dict[str, ChannelSender],
                 summary: DispatchSummary, *, author: str, clock: Callable[[], datetime],
                 max_attempts: int, backoff: timedelta,
                 progress: Callable[[int, int, str], None] | None,
                 cancelled: Callable[[], bool] | None, paused: Callable[[], bool] | None,
                 total: int) -> None:
        self.db, self.senders, self.summary = db, senders, summary
        self.author, self.clock = author, clock
        self.max_attempts, self.backoff = max_attempts, backoff
        self.progress, self.cancelled, self.total = progress, cancelled, total
        self.paused: Callable[[], bool] = paused or (lambda: False)
        self.done = 0
        self.pending: list[tuple[int, str, datetime, Delivery | str]] = []
        self.last_commit = time.monotonic()

    def stopped(self) -> bool:
        if self.cancelled is not None and self.cancelled():
            self.summary.cancelled = True
        return self.summary.cancelled

    def send_batch(self, claimed: list[int], as_of: date, shared: RunShared) -> None:
        """Prepare, write the plans, then send; outcomes committed as they accumulate. Rows
        never handed to a channel go back to the queue."""
        unsent = list(claimed)
        try:
            with session_scope(self.db) as s:
                planned = plan_batch(s, claimed, as_of, user=self.author, shared=shared)
                rows = apply_plans(s, planned, at=self.clock())
                ready = [p for p in planned if self._sendable(s, rows[p.outbox_id], p)]
            unsent = [p.outbox_id for p in ready]
            for p in ready:
                if self.stopped() or self.paused():
                    break
                unsent.remove(p.outbox_id)  # from here on it may leave
                self._send(p)
                if len(self.pending) >= OUTCOME_BATCH or \
                        time.monotonic() - self.last_commit >= OUTCOME_EVERY:
                    self._commit()
        finally:
            self._commit()
            if unsent:
                with session_scope(self.db) as s:
                    release_claims(s, unsent)

    def _sendable(self, s: Session, m: OutboxMessage, p: Planned) -> bool:
        """False for a dropped message and one that fails before it is sent."""
        reason = None
        if p.message is None:
            self._count(m.channel, "dropped")
            return False
        if p.message.recipient is None:
            reason = f"the debtor has no {_what(m.channel)}" if m.kind != "notice" \
                else "the notice has no recipient"
        elif m.kind == "notice" and m.channel not in NOTICE_CHANNELS:
            reason = f"a notice cannot be sent as a {m.channel}"
        if reason is None:
            return True
        record_failed(s, m, at=self.clock(), reason=reason)
        self._count(m.channel, "failed")
        return False

    def _send(self, p: Planned) -> None:
        assert p.message is not None
        sender = self.senders[p.channel]
        try:
            delivery = sender.send(p.message)
        except ChannelUnavailable:
            self.pending.append((p.outbox_id, "unavailable", self.clock(), ""))
            raise
        except TransientSendError as exc:
            self.pending.append((p.outbox_id, "retry", self.clock(), str(exc)))
        except PermanentSendError as exc:
            self.pending.append((p.outbox_id, "failed", self.clock(), str(exc)))
        except UncertainSendError as exc:
            self.pending.append((p.outbox_id, "unknown", self.clock(), str(exc)))
        else:
            self.pending.append((p.outbox_id, "sent", self.clock(), delivery))

    def _commit(self) -> None:
        """One transaction for the outcomes so far; the summary counts them once committed."""
        if not self.pending:
            return
        counted: list[tuple[str, str]] = []
        pending, self.pending = self.pending, []  # if this fails, they stay `sending` (unknown)
        with session_scope(self.db) as s:
            ids = [p[0] for p in pending]
            others = {m.id: m for m in s.scalars(select(OutboxMessage).where(
                OutboxMessage.id.in_([p[0] for p in pending if p[1] != "sent"])))}
            light = {r.id: r for r in s.execute(select(*SENT_COLUMNS).where(
                OutboxMessage.id.in_(ids)))}
            sent: list[SentRow] = []
            for outbox_id, outcome, at, what in pending:
                if outcome == "sent":
                    assert isinstance(what, Delivery)
                    sent.append((light[outbox_id], what.provider_id, what.archive_path, at))
                    counted.append((light[outbox_id].channel, outcome))
                    continue
                m = others[outbox_id]
                if outcome == "unavailable":  # nothing left: back in the queue
                    m.state, m.attempts = "queued", max(0, m.attempts - 1)
                    continue
                if outcome == "retry":
                    if not record_retry(s, m, at=at, reason=str(what),
                                        max_attempts=self.max_attempts, backoff=self.backoff):
                        outcome = "failed"
                elif outcome == "failed":
                    record_failed(s, m, at=at, reason=str(what))
                else:
                    record_unknown(s, m, at=at, reason=str(what))
                counted.append((m.channel, outcome))
            record_sent_many(s, sent, author=self.author)
        self.last_commit = time.monotonic()
        for channel, outcome in counted:
            self._count(channel, outcome)

    def _count(self, channel: str, outcome: str) -> None:
        if outcome != "retry":
            self.summary.add(channel, outcome)
            self.done += 1
        self.report(f"{channel}: {outcome}")

    def report(self, message: str) -> None:
        if self.progress is not None:
            self.progress(self.done, self.total, message)


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
