"""Two desktops sending from one database at the same time: each message is claimed by exactly
one of them (ARCHITECTURE.md, Reliability; FOR UPDATE SKIP LOCKED on PostgreSQL)."""

import threading
import time
from collections import Counter
from datetime import date, timedelta

from sqlalchemy import select

from app.db import session_scope
from app.models import OutboxMessage
from app.services.dispatch.sender import run_dispatch
from tests.services.dispatch.conftest import AS_OF, RecordingChannel, approved_campaign

DEBTORS = 40


class SlowChannel(RecordingChannel):
    """A few milliseconds per message, so that the two runs interleave."""

    def send(self, message):
        time.sleep(0.004)
        return super().send(message)


def test_two_desktops_never_send_the_same_message(db):
    approved_campaign(db, *[(f"F{i}", str(100 + i), date(2025, 6, 6) - timedelta(days=i % 3))
                            for i in range(DEBTORS)], mobile=None)
    channels = {"pc-1": SlowChannel("email"), "pc-2": SlowChannel("email")}
    errors: list[BaseException] = []

    def desktop(worker):
        try:
            run_dispatch(db, AS_OF, {"email": channels[worker]}, worker=worker)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=desktop, args=(w,)) for w in channels]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    sent = Counter(m.outbox_id for ch in channels.values() for m in ch.sent)
    assert len(sent) == DEBTORS and set(sent.values()) == {1}  # all sent, none twice
    assert all(ch.sent for ch in channels.values())  # both desktops took a share
    with session_scope(db) as s:
        rows = s.execute(select(OutboxMessage.state, OutboxMessage.claimed_by)).all()
    assert Counter(state for state, _ in rows) == {"sent": DEBTORS}
    assert Counter(by for _, by in rows) == {
        w: len(ch.sent) for w, ch in channels.items()}
