"""Disputes: a customer contests one or more invoices (DOMAIN.md §1); its items are held while the
dispute is open or in progress."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from app.clock import utcnow
from app.errors import NotFoundError, UserError
from app.models import DISPUTE_CATEGORIES, DISPUTE_STATUSES, Dispute, DisputeEvent
from app.services.activity import log_activity
from app.services.collection.holds import new_hold

OPEN_STATUSES = ("open", "in_progress")
TRANSITIONS = {
    "open": ("in_progress", "resolved", "credited", "rejected"),
    "in_progress": ("resolved", "credited", "rejected"),
}


@dataclass(frozen=True, slots=True)
class DisputeOpened:
    dispute_id: int
    hold_id: int


def open_dispute(session: Session, debtor_id: int, invoice_ids: list[int], *, category: str,
                 reason: str, author: str, on: date, owner: str | None = None) -> DisputeOpened:
    """Open a dispute on the debtor's `invoice_ids`; they leave reminders until it is closed."""
    if category not in DISPUTE_CATEGORIES:
        raise UserError(f"Dispute category '{category}' is not one of "
                        f"{', '.join(DISPUTE_CATEGORIES)}")
    if not invoice_ids:
        raise UserError("Select at least one invoice to dispute")
    hold = new_hold(session, debtor_id, "dispute", author=author, reason=reason, start=on,
                    invoice_ids=invoice_ids)
    dispute = Dispute(hold_id=hold.id, category=category, status="open", owner=owner or author)
    dispute.events.append(DisputeEvent(at=utcnow(), author=author, status="open", note=reason))
    session.add(dispute)
    session.flush()
    log_activity(session, author=author, kind="dispute_opened", debtor_id=debtor_id,
                 summary=f"Dispute #{dispute.id} ({category}) on {len(hold.items)} invoice(s): "
                 f"{hold.reason}", detail={"dispute_id": dispute.id, "invoice_ids": invoice_ids})
    return DisputeOpened(dispute.id, hold.id)


def set_dispute_status(session: Session, dispute_id: int, status: str, *, author: str, on: date,
                       note: str | None = None) -> None:
    """Move a dispute along open → in progress → resolved | credited | rejected."""
    dispute = session.get(Dispute, dispute_id)
    if dispute is None:
        raise NotFoundError(f"Dispute #{dispute_id} does not exist")
    if status not in DISPUTE_STATUSES or status not in TRANSITIONS.get(dispute.status, ()):
        raise UserError(f"Dispute #{dispute_id} is {dispute.status}; it cannot become {status}")
    dispute.status = status
    dispute.events.append(DisputeEvent(at=utcnow(), author=author, status=status, note=note))
    if status not in OPEN_STATUSES:
        dispute.resolution = note
        dispute.hold.end_date = max(dispute.hold.start_date, on)
    log_activity(session, author=author, kind="dispute_" + status, debtor_id=dispute.hold.debtor_id,
                 summary=f"Dispute #{dispute.id} {status.replace('_', ' ')}"
                 + (f": {note}" if note else ""), detail={"dispute_id": dispute.id})
    session.flush()
