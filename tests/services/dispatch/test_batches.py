"""The send loop claims and records in batches: a run that stops on its own puts the rows it
never handed over back in the queue; the throttle spaces messages; long statements paginate."""

import io
from datetime import date, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from app.db import session_scope
from app.models import OutboxMessage
from app.services.dispatch.email_channel import EmailChannel
from app.services.dispatch.sender import run_dispatch
from app.services.dispatch.smtp_settings import SmtpSettings
from app.services.documents.statement_pdf import statement_pdf
from tests.services.dispatch.conftest import AS_OF, RecordingChannel, approved_campaign

INVOICES = [(f"F{i}", str(100 + i), date(2025, 6, 6) - timedelta(days=i % 3)) for i in range(12)]


def rows(db):
    with session_scope(db) as s:
        return sorted((m.state, m.attempts, m.claimed_by) for m in s.scalars(
            select(OutboxMessage)))


def test_cancelling_returns_the_unsent_claimed_rows_to_the_queue(db, clock):
    approved_campaign(db, *INVOICES, mobile=None)
    email = RecordingChannel("email")
    seen: list[int] = []
    summary = run_dispatch(db, AS_OF, {"email": email}, clock=clock, worker="pc-1",
                           progress=lambda done, total, _: seen.append(done),
                           cancelled=lambda: len(email.sent) >= 5)
    assert summary.cancelled and summary.counts == {"email": {"sent": 5}}
    assert rows(db) == [("queued", 0, None)] * 7 + [("sent", 1, "pc-1")] * 5
    again = run_dispatch(db, AS_OF, {"email": email}, clock=clock)
    assert again.counts == {"email": {"sent": 7}} and len(email.sent) == 12
    assert len({m.outbox_id for m in email.sent}) == 12  # nothing went twice


def test_a_pause_holds_no_claims_and_resuming_sends_the_rest_once(db, clock):
    approved_campaign(db, *INVOICES, mobile=None)
    email = RecordingChannel("email")
    while_paused: list[list[tuple[str, int, str | None]]] = []
    messages: list[str] = []

    def paused():  # the user presses Pause once the 4th message has left, Resume 3 looks later
        return len(email.sent) >= 4 and len(while_paused) < 3

    def sleep(seconds):
        clock.sleep(seconds)
        while_paused.append(rows(db))  # what another desktop or a crash would find

    summary = run_dispatch(db, AS_OF, {"email": email}, clock=clock, sleep=sleep, worker="pc-1",
                           progress=lambda d, t, m: messages.append(m), paused=paused)
    assert summary.counts == {"email": {"sent": 12}} and not summary.cancelled
    assert len({m.outbox_id for m in email.sent}) == 12 == len(email.sent)
    assert len(while_paused) == 3 and messages.count("paused") == 3
    # the message in hand finished, nothing is left claimed, the rest of its batch is queued
    assert while_paused[0] == [("queued", 0, None)] * 8 + [("sent", 1, "pc-1")] * 4


def test_cancelling_while_paused_stops_at_once(db, clock):
    approved_campaign(db, *INVOICES, mobile=None)
    email = RecordingChannel("email")
    summary = run_dispatch(db, AS_OF, {"email": email}, clock=clock, sleep=clock.sleep,
                           paused=lambda: len(email.sent) >= 2,
                           cancelled=lambda: len(clock.waits) >= 5)
    assert summary.cancelled and summary.counts == {"email": {"sent": 2}}
    assert rows(db).count(("queued", 0, None)) == 10


def test_an_unexpected_error_keeps_the_row_in_flight_and_requeues_the_rest(db, clock):
    approved_campaign(db, *INVOICES, mobile=None)

    class Breaks(RecordingChannel):
        def send(self, message):
            if len(self.sent) == 3:
                raise RuntimeError("bug in a channel")
            return super().send(message)

    email = Breaks("email")
    with pytest.raises(RuntimeError, match="bug in a channel"):
        run_dispatch(db, AS_OF, {"email": email}, clock=clock, worker="pc-1")
    states = [state for state, _, _ in rows(db)]
    # 3 sent and recorded; the 4th may have left (stays sending → unknown on restart); the
    # rest of its batch and later ones are queued again
    assert states.count("sent") == 3 and states.count("sending") == 1
    assert states.count("queued") == 8
    summary = run_dispatch(db, AS_OF, {"email": RecordingChannel("email")}, clock=clock,
                           worker="pc-1")
    assert summary.recovered_unknown == 1 and summary.counts == {"email": {"sent": 8}}


def test_the_throttle_spaces_the_messages(db, smtp_server, clock):
    approved_campaign(db, *INVOICES[:4], mobile=None)
    now = [100.0]
    waits: list[float] = []

    def sleep(seconds):
        waits.append(seconds)
        now[0] += seconds

    channel = EmailChannel(SmtpSettings(host="127.0.0.1", port=smtp_server.port,
                                        security="plain", from_address="relances@dupuis.fr",
                                        per_minute=30), sleep=sleep, monotonic=lambda: now[0])
    assert channel.batch_size == 1  # about two seconds' worth
    summary = run_dispatch(db, AS_OF, {"email": channel}, clock=clock)
    assert summary.counts == {"email": {"sent": 4}} and len(smtp_server.envelopes) == 4
    assert waits == [2.0, 2.0, 2.0]  # 30 a minute: one every two seconds


def test_a_long_statement_runs_onto_a_second_page():
    items = [{"number": f"F{i:04d}", "issue_date": "01/04/2025", "due_date": "01/05/2025",
              "days_late": "42", "residual": "1 000,00 €"} for i in range(40)]
    context = {"company": {"name": "Atelier Dupuis SAS", "address": "1 rue X, Lyon"},
               "debtor": {"name": "Client (1) \\ Ltd", "ref": "C1"}, "as_of": "12/06/2025",
               "address": ["Client (1) \\ Ltd", "1 rue des Lilas"], "items": items,
               "total": "40 000,00 €", "iban": "FR76", "bic": "", "rf_reference": "RF18C1"}
    pdf = PdfReader(io.BytesIO(statement_pdf(context, "en")))
    assert len(pdf.pages) == 2 and pdf.metadata.title.startswith("Statement of overdue")
    first, second = (p.extract_text() for p in pdf.pages)
    assert "Client (1) \\ Ltd" in first and "F0000" in first and "F0039" in second
    assert "40 000,00 €" in second and "RF18C1" in second
