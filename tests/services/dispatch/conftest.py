"""A campaign approved and ready to send, and a channel that records what it is given."""

from __future__ import annotations

import json
import threading
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from app.db import session_scope
from app.services.collection.approval import approve_campaign
from app.services.collection.builder import build_campaign
from app.services.dispatch.channel import Delivery, PreparedMessage
from tests import factories as f

AS_OF = date(2025, 6, 12)  # F1 due 2025-06-02: +10 days → step 3, email + SMS
NOON = datetime(2025, 6, 12, 12, tzinfo=UTC)


class RecordingChannel:
    """Stands for the far end of a channel: records each message, or raises what it is told."""

    def __init__(self, channel: str, failures: list[Exception] | None = None):
        self.channel = channel
        self.sent: list[PreparedMessage] = []
        self.failures = list(failures or [])
        self.closed = 0

    def send(self, message: PreparedMessage) -> Delivery:
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append(message)
        return Delivery(provider_id=f"{self.channel}-{len(self.sent)}")

    def close(self) -> None:
        self.closed += 1


def approved_campaign(db, *invoices: tuple[str, str, date], as_of: date = AS_OF,
                      mobile: str | None = "+33 6 12 34 56 78") -> int:
    """One debtor per (ref, amount, due); returns the approved campaign's id."""
    with session_scope(db) as s:
        f.company(s)
        f.default_plans(s)
        f.user(s, "Marie Curie", role="manager")
        for ref, amount, due in invoices:
            d = f.debtor(s, f"C-{ref}", name=f"Client {ref}")
            f.contact(s, d, name="Jean Payeur", email=f"ap-{ref.lower()}@client.example",
                      mobile=mobile, address_line1="12 rue des Lilas", postal_code="69003",
                      city="Lyon", country="FR")
            f.invoice(s, d, amount, due=due, issued=due - timedelta(days=30), ref=ref)
    with session_scope(db) as s:
        built = build_campaign(s, as_of, user="Alice Martin")
        approve_campaign(s, built.campaign_id, user="Marie Curie")
        return built.campaign_id


class TestClock:
    """Moves one second per reading; `sleep` moves it on and records the wait."""

    def __init__(self) -> None:
        self.now = NOON
        self.waits: list[float] = []

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now

    def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> TestClock:
    return TestClock()


# --- a real SMTP server on loopback (aiosmtpd) and an in-memory keyring ---

class MailSink:
    """aiosmtpd handler: keeps every envelope; answers RCPT for listed addresses with a code."""

    def __init__(self) -> None:
        self.envelopes: list[tuple[str, list[str], bytes]] = []
        self.refuse: dict[str, str] = {}
        self.sessions: set[int] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.sessions.add(id(session))
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 2.0.0 queued as Q" + str(len(self.envelopes))

    def messages(self):
        from email import message_from_bytes, policy
        return [message_from_bytes(raw, policy=policy.default) for _, _, raw in self.envelopes]


def free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server():
    from aiosmtpd.controller import Controller

    sink = MailSink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    sink.port = controller.port
    yield sink
    controller.stop()


class Gateway:
    """Answers each POST with the next scripted (status, body); records what it received."""

    def __init__(self):
        self.script: list[tuple[int, dict]] = []
        self.received: list[tuple[dict, dict]] = []
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                gateway.received.append((dict(self.headers), body))
                status, answer = gateway.script.pop(0) if gateway.script else (
                    200, {"message": {"id": f"msg-{len(gateway.received)}"}})
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/v1/sms"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def gateway():
    g = Gateway()
    yield g
    g.server.shutdown()
    g.server.server_close()
