"""A credit controller fixes a debtor's contacts: add one, correct one (a bounced email, a new
accounts-payable address), remove one, choose the primary one (reminders go to it).

Like debtor_edit.py: each write names the debtor version the user saw and bumps it (two people
editing the same customer never overwrite each other silently), is one transaction and leaves
one activity saying what changed. A ledger sync never changes existing contacts.

Reminders already queued in the outbox are addressed again when sent (dispatch/prepare.py reads
the primary contact then); their `recipient` column, which the outbox shows, is refreshed here.
The last contact cannot be removed while reminders to the customer are queued or being sent:
they would fail for want of an address. Removing the primary contact makes the next one primary.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.errors import NotFoundError, UserError
from app.models import Contact, Debtor, OutboxMessage
from app.services.contact_checks import (
    CONTACT_FIELDS,
    CONTACT_LABELS,
    check_country_code,
    check_email_field,
    check_phone,
    clean_text,
)
from app.services.debtor_edit import DebtorChange, customer, locked_debtor, save_change
from app.services.dispatch.recipients import RECIPIENT_LENGTH, fit, recipient_for

Fields = Mapping[str, str | None]


def add_contact(session: Session, debtor_id: int, fields: Fields, *, expected_version: int,
                primary: bool = False, author: str, at: datetime | None = None) -> DebtorChange:
    """A new contact; the first one of a debtor is its primary contact whatever `primary` says."""
    d = locked_debtor(session, debtor_id, expected_version)
    values = _clean(d, f"{customer(d)}, new contact", fields, None)
    contact = Contact(**values, is_primary=False)
    primary = primary or not d.contacts
    d.contacts.append(contact)
    if primary:
        _make_primary(d, contact)
    reach = ", ".join(v for v in (values.get("email"), values.get("phone"), values.get("mobile"))
                      if v)
    summary = f"Contact added: {values['name']}" + (f" ({reach})" if reach else "") + (
        "; primary contact" if primary else "")
    session.flush()
    change = save_change(session, d, author=author, kind="contact_added", summary=summary,
                         detail={"contact_id": contact.id, **values}, at=at,
                         contact_id=contact.id)
    _readdress_queued(session, d)
    return change


def update_contact(session: Session, debtor_id: int, contact_id: int, fields: Fields, *,
                   expected_version: int, primary: bool = False, author: str,
                   at: datetime | None = None) -> DebtorChange:
    """Change the fields given ("" or None clears one); `primary` also makes it the primary."""
    d = locked_debtor(session, debtor_id, expected_version)
    c = _contact(d, contact_id)
    label = c.name or f"#{c.id}"
    values = _clean(d, f"{customer(d)}, contact {label}", fields, c)
    changes = [f"{CONTACT_LABELS[k]} {getattr(c, k) or '(none)'} → {values[k] or '(none)'}"
               for k in CONTACT_FIELDS if k in values and values[k] != getattr(c, k)]
    if primary and not c.is_primary:
        changes.append("now the primary contact")
    if not changes:
        return DebtorChange(d.id, d.version, f"{customer(d)}: contact {label}: nothing to "
                            "change", changed=False, contact_id=c.id)
    for key, value in values.items():
        setattr(c, key, value)
    if primary:
        _make_primary(d, c)
    summary = f"Contact {label} changed: " + "; ".join(changes)
    change = save_change(session, d, author=author, kind="contact_changed", summary=summary,
                         detail={"contact_id": c.id, "changes": changes}, at=at,
                         contact_id=c.id)
    _readdress_queued(session, d)
    return change


def remove_contact(session: Session, debtor_id: int, contact_id: int, *, expected_version: int,
                   author: str, at: datetime | None = None) -> DebtorChange:
    d = locked_debtor(session, debtor_id, expected_version)
    c = _contact(d, contact_id)
    label = c.name or f"#{c.id}"
    if len(d.contacts) == 1:
        waiting = session.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.debtor_id == d.id, OutboxMessage.kind == "reminder",
            OutboxMessage.state.in_(("queued", "sending")))) or 0
        if waiting:
            raise UserError(f"{customer(d)}: {label} is the only contact and {waiting} "
                            f"reminder(s) to this customer wait in the outbox; add another "
                            "contact first")
    summary = f"Contact removed: {label}" + "".join(
        f"; {CONTACT_LABELS[k]} was {getattr(c, k)}" for k in ("email", "phone", "mobile")
        if getattr(c, k))
    d.contacts.remove(c)
    if c.is_primary and d.contacts:
        heir = min(d.contacts, key=lambda x: x.id)
        _make_primary(d, heir)
        summary += f"; {heir.name or f'#{heir.id}'} is now the primary contact"
    change = save_change(session, d, author=author, kind="contact_removed", summary=summary,
                         detail={"contact_id": contact_id}, at=at)
    _readdress_queued(session, d)
    return change


def set_primary_contact(session: Session, debtor_id: int, contact_id: int, *,
                        expected_version: int, author: str,
                        at: datetime | None = None) -> DebtorChange:
    d = locked_debtor(session, debtor_id, expected_version)
    c = _contact(d, contact_id)
    label = c.name or f"#{c.id}"
    if c.is_primary:
        return DebtorChange(d.id, d.version, f"{customer(d)}: {label} is already the primary "
                            "contact", changed=False, contact_id=c.id)
    before = next((x.name or f"#{x.id}" for x in d.contacts if x.is_primary), "(none)")
    _make_primary(d, c)
    change = save_change(session, d, author=author, kind="contact_primary",
                         summary=f"Primary contact: {before} → {label}",
                         detail={"contact_id": c.id}, at=at, contact_id=c.id)
    _readdress_queued(session, d)
    return change


def _contact(d: Debtor, contact_id: int) -> Contact:
    found = next((c for c in d.contacts if c.id == contact_id), None)
    if found is None:
        raise NotFoundError(f"{customer(d)} has no contact #{contact_id}")
    return found


def _make_primary(d: Debtor, chosen: Contact) -> None:
    for c in d.contacts:
        c.is_primary = c is chosen


def _clean(d: Debtor, where: str, fields: Fields, current: Contact | None) -> dict[str, str | None]:
    """The given fields as stored; the contact must keep a name."""
    unknown = set(fields) - set(CONTACT_FIELDS)
    if unknown:
        raise ValueError(f"not contact fields: {sorted(unknown)}")
    out: dict[str, str | None] = {}
    if "country" in fields:
        out["country"] = check_country_code(where, fields["country"])
    own_country = out.get("country", current.country if current else None)
    region = d.country or own_country
    for key, value in fields.items():
        if key == "email":
            out[key] = check_email_field(where, value)
        elif key in ("phone", "mobile"):
            out[key] = check_phone(where, key, value, region)
        elif key != "country":
            out[key] = clean_text(where, key, value)
    if not out.get("name", current.name if current else None):
        raise UserError(f"{where}: a contact needs a name (e.g. Accounts payable)")
    return out


def _readdress_queued(session: Session, d: Debtor) -> None:
    """Queued reminders show the address they will be sent to (the primary contact's)."""
    primary = next((c for c in d.contacts if c.is_primary), None) or (
        min(d.contacts, key=lambda c: c.id) if d.contacts else None)
    for m in session.scalars(select(OutboxMessage).where(
            OutboxMessage.debtor_id == d.id, OutboxMessage.kind == "reminder",
            OutboxMessage.state == "queued")):
        m.recipient = fit(recipient_for(m.channel, primary), RECIPIENT_LENGTH)
    session.flush()
