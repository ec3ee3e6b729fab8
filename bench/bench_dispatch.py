"""Dispatch benchmark (issue 6).

1. N emails, each with its PDF statement, sent by `run_dispatch` to a loopback aiosmtpd server,
   against a baseline measured in the same run: a bare smtplib loop sending N pre-built
   messages of the same size over one connection. Target: ratio ≤ 1.5.
2. N letters rendered and merged into one print PDF. Target: ≤ 30 s for 1,000.

Usage: python -m bench.bench_dispatch [--quick] [--count N]   (--quick: 100)
"""

from __future__ import annotations

import argparse
import smtplib
import socket
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from aiosmtpd.controller import Controller
from sqlalchemy import select

from app.db import open_database, session_scope
from app.models import AppUser, Company, Contact, Debtor, Invoice, OutboxMessage
from app.services.collection.approval import approve_campaign
from app.services.collection.builder import build_campaign
from app.services.collection.plans import ensure_default_plans
from app.services.dispatch.email_channel import EmailChannel
from app.services.dispatch.letter_channel import LetterChannel, print_campaign_letters
from app.services.dispatch.sender import run_dispatch
from app.services.dispatch.smtp_settings import SmtpSettings

AS_OF = date(2025, 6, 12)
TARGET_EMAIL_RATIO = 1.5
TARGET_LETTERS_S = 30.0


class Sink:
    def __init__(self) -> None:
        self.count = 0
        self.sizes: list[int] = []

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]  # noqa: N802
        self.count += 1
        self.sizes.append(len(envelope.content))
        return "250 OK"


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _ledger(url: str, n: int, due: date) -> int:
    """n debtors with one late invoice each; returns the approved campaign's id."""
    db = open_database(url)
    with session_scope(db) as s:
        s.add(Company(name="Atelier Dupuis SAS", default_currency="EUR", default_language="fr",
                      iban="FR7630006000011234567890189", bic="AGRIFRPP"))
        s.add(AppUser(name="Marie Curie", role="manager", email="marie@dupuis.fr"))
        ensure_default_plans(s)
        for i in range(n):
            d = Debtor(source="manual", external_ref=f"C{i:05d}", name=f"Client {i}",
                       segment="smb", country="FR", language="fr", tags=[])
            s.add(d)
            s.flush()
            s.add(Contact(debtor_id=d.id, name="Service comptable", email=f"ap{i}@client.example",
                          address_line1=f"{i} rue des Lilas", postal_code="69003", city="Lyon",
                          is_primary=True))
            s.add(Invoice(source="manual", external_ref=f"F{i:06d}", debtor_id=d.id,
                          number=f"F{i:06d}", issue_date=due - timedelta(days=30), due_date=due,
                          currency="EUR", amount=1000 + i, open_amount=1000 + i, kind="invoice"))
    with session_scope(db) as s:
        built = build_campaign(s, AS_OF, user="Marie Curie")
        approve_campaign(s, built.campaign_id, user="Marie Curie")
        cid = built.campaign_id
    db.engine.dispose()
    return cid


def bench_email(folder: Path, n: int) -> tuple[float, float]:
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=_port())
    controller.start()
    try:
        url = f"sqlite:///{folder / 'email.db'}"
        _ledger(url, n, AS_OF - timedelta(days=6))  # step 2: email only
        db = open_database(url)
        settings = SmtpSettings(host="127.0.0.1", port=controller.port, security="plain",
                                from_address="relances@dupuis.fr", per_minute=0)
        start = time.perf_counter()
        summary = run_dispatch(db, AS_OF, {"email": EmailChannel(settings)},
                               domain="dupuis.fr")
        product = time.perf_counter() - start
        assert summary.counts == {"email": {"sent": n}}, summary.counts
        size = sum(sink.sizes) // len(sink.sizes)
        # baseline: the same number of pre-built messages of the same size, bare smtplib
        body = b"X" * max(0, size - 200)
        raw = (b"From: relances@dupuis.fr\r\nTo: ap@client.example\r\nSubject: baseline\r\n"
               b"Content-Type: text/plain\r\n\r\n" + b"\r\n".join(
                   body[i:i + 76] for i in range(0, len(body), 76)) + b"\r\n")
        start = time.perf_counter()
        with smtplib.SMTP("127.0.0.1", controller.port) as conn:
            for _ in range(n):
                conn.sendmail("relances@dupuis.fr", ["ap@client.example"], raw)
        baseline = time.perf_counter() - start
        db.engine.dispose()
    finally:
        controller.stop()
    print(f"emails: {n} sent in {product:.2f} s (message ~{size // 1024} KiB); bare smtplib "
          f"loop {baseline:.2f} s; ratio {product / baseline:.2f} (target ≤ {TARGET_EMAIL_RATIO})")
    return product, baseline


def bench_letters(folder: Path, n: int) -> float:
    url = f"sqlite:///{folder / 'letters.db'}"
    cid = _ledger(url, n, date(2025, 4, 1))  # formal notice: letter with interest
    db = open_database(url)
    start = time.perf_counter()
    summary = run_dispatch(db, AS_OF, {"letter": LetterChannel(folder / "archive")})
    with session_scope(db) as s:
        pages = print_campaign_letters(s, cid, folder / "print.pdf")
        assert s.scalar(select(OutboxMessage.state).where(OutboxMessage.state != "sent")) is None
    elapsed = time.perf_counter() - start
    db.engine.dispose()
    assert summary.counts == {"letter": {"sent": n}} and pages == n
    target = TARGET_LETTERS_S * n / 1000
    print(f"letters: {n} rendered, archived and merged into one print PDF in {elapsed:.2f} s "
          f"(target ≤ {target:.1f} s, i.e. {TARGET_LETTERS_S:.0f} s per 1,000)")
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench_dispatch")
    parser.add_argument("--quick", action="store_true", help="100 messages instead of 1,000")
    parser.add_argument("--count", type=int)
    args = parser.parse_args(argv)
    n = args.count or (100 if args.quick else 1000)
    print(f"bench_dispatch at {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {n} messages")
    with tempfile.TemporaryDirectory() as tmp:
        product, baseline = bench_email(Path(tmp), n)
        letters = bench_letters(Path(tmp), n)
    ok = product / baseline <= TARGET_EMAIL_RATIO and letters <= TARGET_LETTERS_S * n / 1000
    print("targets met" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
