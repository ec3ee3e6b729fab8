"""Kill the sending process (`collecta dispatch`) at random points, again and again, against a
loopback SMTP server: no message arrives twice; at the end each is sent, failed or unknown, and
every sent one arrived (ARCHITECTURE.md, Reliability: at most once)."""

import asyncio
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import date, timedelta

from aiosmtpd.controller import Controller
from sqlalchemy import select

from app.db import session_scope
from app.models import OutboxMessage
from app.services.dispatch.smtp_settings import SmtpSettings, save_smtp_settings
from tests.conftest import REPO
from tests.services.dispatch.conftest import MailSink, approved_campaign, free_port

DEBTORS = 24
KILLS = 6


class SlowSink(MailSink):
    """Takes 40 ms to accept each message: kills land before, during and after DATA."""

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        await asyncio.sleep(0.04)
        return await super().handle_DATA(server, session, envelope)


def dispatch_process(url, data_dir):
    env = {**os.environ, "COLLECTA_DATA_DIR": str(data_dir)}
    return subprocess.Popen([sys.executable, str(REPO / "main.py"), "--db", url, "dispatch",
                             "--as-of", "2025-06-12"], env=env, cwd=REPO,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def test_killing_the_sender_never_duplicates_and_loses_nothing(db, tmp_path):
    # every invoice 6 days late on 2025-06-12: step 2 "First reminder", email only
    approved_campaign(db, *[(f"F{i}", str(100 + i), date(2025, 6, 6) - timedelta(days=i % 3))
                                   for i in range(DEBTORS)], mobile=None)
    sink = SlowSink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        with session_scope(db) as s:
            save_smtp_settings(s, SmtpSettings(host="127.0.0.1", port=controller.port,
                                               security="plain", per_minute=0,
                                               from_address="relances@dupuis.fr"),
                               user="Marie Curie")
        rng = random.Random(6)
        for _ in range(KILLS):
            before = len(sink.envelopes)
            proc = dispatch_process(db.url, tmp_path)
            # wait for the run to start sending, then kill it a random moment later
            deadline = time.monotonic() + 30
            while len(sink.envelopes) == before and proc.poll() is None \
                    and time.monotonic() < deadline:
                time.sleep(0.01)
            time.sleep(rng.uniform(0.0, 0.15))
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
        final = dispatch_process(db.url, tmp_path)
        assert final.wait(timeout=120) == 0
    finally:
        controller.stop()
    arrived = Counter(mail["Message-ID"] for mail in sink.messages())
    assert arrived and max(arrived.values()) == 1  # nothing reached the server twice
    with session_scope(db) as s:
        rows = s.scalars(select(OutboxMessage)).all()
        states = Counter(m.state for m in rows)
        assert len(rows) == DEBTORS and set(states) <= {"sent", "failed", "unknown"}
        assert states["unknown"] >= 1  # at least one kill hit a message in flight
        for m in rows:
            if m.state == "sent":
                assert arrived[m.message_id] == 1
            elif m.state == "failed":
                assert arrived[m.message_id] == 0
