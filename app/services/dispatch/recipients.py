"""Who a message goes to: the debtor's primary contact (else its first one), and the address
that contact gives for a channel. Used when approval queues a message (so the outbox shows the
recipient at once) and again when it is sent (the contact may have changed since)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Contact

_CHUNK = 500
RECIPIENT_LENGTH = 200  # outbox_message.recipient
SUBJECT_LENGTH = 300  # outbox_message.subject


def primary_contacts(session: Session, debtor_ids: Iterable[int]) -> dict[int, Contact]:
    """Each debtor's primary contact (else its first one)."""
    ids = sorted(set(debtor_ids))
    out: dict[int, Contact] = {}
    for i in range(0, len(ids), _CHUNK):
        for c in session.scalars(select(Contact).where(Contact.debtor_id.in_(ids[i:i + _CHUNK]))
                                 .order_by(Contact.is_primary.desc(), Contact.id)):
            out.setdefault(c.debtor_id, c)
    return out


def recipient_for(channel: str, c: Contact | None) -> str | None:
    """The contact's address for the channel: email, a phone number, or the postal address."""
    if c is None:
        return None
    if channel == "email":
        return c.email or None
    if channel in ("sms", "call"):
        return c.mobile or c.phone or None
    lines = [c.name, c.address_line1, c.address_line2,
             " ".join(x for x in (c.postal_code, c.city) if x)]
    return "\n".join(x for x in lines if x) or None


def fit(value: str | None, length: int) -> str | None:
    """A value for an outbox column of `length` characters. The message itself is built from
    the full contact and template; the outbox row is its record, and PostgreSQL refuses a value
    longer than the column (a long postal address, a subject with a long debtor name)."""
    if not value:
        return None
    return value if len(value) <= length else value[:length - 1] + "…"
