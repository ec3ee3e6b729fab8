"""A credit controller corrects a debtor's collection fields: account manager, language of
reminders, segment, credit limit and currency, tags. Contacts: contact_edit.py.

Every write names the version of the debtor the user saw (`expected_version`, Debtor.version is
its optimistic lock): when someone else saved the customer meanwhile — a colleague, a rule, a
ledger sync — nothing is written and ConflictError names the customer. Each write is one
transaction with one activity on the debtor's timeline saying what changed from what to what.

Who owns what (app/services/ledger/upsert.py): a sync writes name, segment, country, language
and credit limit + currency of the debtors it knows whenever the ledger has that column and its
value differs from the stored one, so an edit of segment, language or credit limit lasts until
the next sync of a ledger that carries the field (`LEDGER_FIELDS`; the dialog says so). The
account manager, the tags and the contacts are Collecta's own: a sync never touches them (it
creates contacts only for debtors it creates).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from app.errors import ConflictError, NotFoundError, UserError
from app.models import AppUser, Contact, Debtor, MessageTemplate
from app.models.debtor import SEGMENTS
from app.services.activity import log_activity
from app.services.company_checks import LANGUAGES
from app.services.contact_checks import (
    SEGMENT_MAX,
    check_credit_limit,
    check_currency_code,
    clean_tags,
)
from app.services.users import find_user


class Keep(Enum):
    """A field left out of an update keeps its value."""

    KEEP = "keep"


KEEP = Keep.KEEP
# Fields a ledger sync writes back (module docstring); sources that are never synced.
LEDGER_FIELDS = ("segment", "language", "credit_limit")
UNSYNCED_SOURCES = ("manual", "demo")


@dataclass(frozen=True, slots=True)
class ContactRow:
    contact_id: int
    name: str | None
    role: str | None
    email: str | None
    phone: str | None
    mobile: str | None
    address_line1: str | None
    address_line2: str | None
    postal_code: str | None
    city: str | None
    country: str | None
    is_primary: bool

    @property
    def address(self) -> str:
        parts = [self.address_line1, self.address_line2,
                 " ".join(p for p in (self.postal_code, self.city) if p), self.country]
        return ", ".join(p for p in parts if p)


@dataclass(frozen=True, slots=True)
class EditableDebtor:
    """What the edit dialogs show, with the version their save must name."""

    debtor_id: int
    ref: str
    source: str
    name: str
    country: str | None
    version: int
    account_manager: str | None
    language: str
    segment: str | None
    credit_limit: Decimal | None
    credit_limit_currency: str | None
    tags: tuple[str, ...]
    contacts: tuple[ContactRow, ...]

    @property
    def from_ledger(self) -> bool:
        """True when a ledger sync may write LEDGER_FIELDS back."""
        return self.source not in UNSYNCED_SOURCES


@dataclass(frozen=True, slots=True)
class EditChoices:
    managers: tuple[str, ...]  # active users
    languages: tuple[str, ...]
    segments: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DebtorChange:
    """What a write did: `message` for the CLI, `version` for the next write."""

    debtor_id: int
    version: int
    message: str
    changed: bool = True
    contact_id: int | None = None


def customer(d: Debtor) -> str:
    return f"Customer {d.external_ref} ({d.name})"


def contact_row(c: Contact) -> ContactRow:
    return ContactRow(c.id, c.name, c.role, c.email, c.phone, c.mobile, c.address_line1,
                      c.address_line2, c.postal_code, c.city, c.country, c.is_primary)


def editable_debtor(session: Session, debtor_id: int) -> EditableDebtor:
    d = session.get(Debtor, debtor_id)
    if d is None:
        raise NotFoundError(f"Debtor #{debtor_id} no longer exists")
    manager = session.get(AppUser, d.account_manager_id) if d.account_manager_id else None
    contacts = sorted(d.contacts, key=lambda c: (not c.is_primary, c.id))
    return EditableDebtor(d.id, d.external_ref, d.source, d.name, d.country, d.version,
                          manager.name if manager else None, d.language, d.segment,
                          d.credit_limit, d.credit_limit_currency, tuple(d.tags or ()),
                          tuple(contact_row(c) for c in contacts))


def template_languages(session: Session) -> tuple[str, ...]:
    """Languages reminders can be written in: the shipped ones and those of saved templates."""
    saved = session.scalars(select(MessageTemplate.language).distinct())
    return tuple(sorted(set(LANGUAGES) | {str(x) for x in saved if x}))


def edit_choices(session: Session) -> EditChoices:
    managers = session.scalars(select(AppUser.name).where(AppUser.active.is_(True))
                               .order_by(AppUser.name))
    used = session.scalars(select(Debtor.segment).where(Debtor.segment.is_not(None)).distinct())
    segments = list(SEGMENTS) + sorted({s for s in used if s and s not in SEGMENTS})
    return EditChoices(tuple(managers), template_languages(session), tuple(segments))


def locked_debtor(session: Session, debtor_id: int, expected_version: int) -> Debtor:
    """The debtor, if it is still at the version the user saw; else ConflictError."""
    d = session.get(Debtor, debtor_id)
    if d is None:
        raise NotFoundError(f"Debtor #{debtor_id} no longer exists")
    if d.version != expected_version:
        raise conflict(d)
    return d


def conflict(d: Debtor) -> ConflictError:
    return ConflictError(f"{customer(d)} was changed by someone else since you opened it; "
                         "nothing was saved — reload it and make your change again")


def save_change(session: Session, d: Debtor, *, author: str, kind: str, summary: str,
                detail: dict[str, Any], at: datetime | None = None,
                contact_id: int | None = None) -> DebtorChange:
    """Bump the debtor's version (the UPDATE checks the one read: a concurrent save makes it
    fail) and log the activity."""
    flag_modified(d, "name")  # contact-only changes also count as a change of the customer
    log_activity(session, author=author, kind=kind, summary=summary, debtor_id=d.id,
                 detail=detail, at=at)
    try:
        session.flush()
    except StaleDataError:
        raise conflict(d) from None
    return DebtorChange(d.id, d.version, summary, contact_id=contact_id)


def _shown(value: object) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value) or "(none)"
    return "(none)" if value in (None, "") else str(value)


def update_debtor(session: Session, debtor_id: int, *, expected_version: int,
                  account_manager: str | None | Keep = KEEP, language: str | Keep = KEEP,
                  segment: str | None | Keep = KEEP, credit_limit: Decimal | None | Keep = KEEP,
                  credit_limit_currency: str | Keep = KEEP,
                  tags: Sequence[str] | Keep = KEEP, author: str,
                  at: datetime | None = None) -> DebtorChange:
    """Change the fields given (KEEP: unchanged; None or "": cleared). A credit limit of None
    clears its currency too; a new limit keeps the current currency unless one is given."""
    d = locked_debtor(session, debtor_id, expected_version)
    where = customer(d)
    new: dict[str, Any] = {}
    if not isinstance(account_manager, Keep):
        new["account_manager_id"] = _manager_id(session, where, account_manager,
                                                d.account_manager_id)
    if not isinstance(language, Keep):
        code = language.strip().lower()
        if code != d.language:
            known = template_languages(session)
            if code not in known:
                raise UserError(f"{where}: language '{language.strip()}' has no reminder "
                                f"templates (one of {', '.join(known)})")
        new["language"] = code
    if not isinstance(segment, Keep):
        text = (segment or "").strip()
        if len(text) > SEGMENT_MAX:
            raise UserError(f"{where}: segment has {len(text)} characters, at most "
                            f"{SEGMENT_MAX} fit")
        new["segment"] = text or None
    new.update(_credit(where, d, credit_limit, credit_limit_currency))
    if not isinstance(tags, Keep):
        new["tags"] = clean_tags(where, list(tags))
    changes = _describe(session, d, new)
    if not changes:
        return DebtorChange(d.id, d.version, f"{where}: nothing to change", changed=False)
    for key, value in new.items():
        setattr(d, key, value)
    summary = "Collection details changed: " + "; ".join(changes)
    return save_change(session, d, author=author, kind="debtor_edited", summary=summary,
                       detail={"changes": changes}, at=at)


def _manager_id(session: Session, where: str, name: str | None, current: int | None
                ) -> int | None:
    if not (name or "").strip():
        return None
    try:
        user = find_user(session, name or "")
    except NotFoundError:
        raise UserError(f"{where}: account manager '{(name or '').strip()}' is not a Collecta "
                        "user (see Settings > Users)") from None
    if not user.active and user.id != current:
        raise UserError(f"{where}: account manager '{user.name}' is deactivated; choose an "
                        "active user")
    return user.id


def _credit(where: str, d: Debtor, limit: Decimal | None | Keep, currency: str | Keep
            ) -> dict[str, Any]:
    if isinstance(limit, Keep) and isinstance(currency, Keep):
        return {}
    if limit is None:
        return {"credit_limit": None, "credit_limit_currency": None}
    code = None if isinstance(currency, Keep) or not currency.strip() else \
        check_currency_code(where, currency)
    if isinstance(limit, Keep):
        if d.credit_limit is None:
            raise UserError(f"{where}: a credit limit currency needs a credit limit")
        return {"credit_limit_currency": code or d.credit_limit_currency}
    amount = check_credit_limit(where, limit)
    code = code or d.credit_limit_currency
    if code is None:
        raise UserError(f"{where}: the credit limit needs a currency (e.g. EUR)")
    return {"credit_limit": amount, "credit_limit_currency": code}


def _describe(session: Session, d: Debtor, new: dict[str, Any]) -> list[str]:
    out = []
    if "account_manager_id" in new and new["account_manager_id"] != d.account_manager_id:
        names: dict[int, str] = dict(session.execute(select(AppUser.id, AppUser.name).where(
            AppUser.id.in_([d.account_manager_id or 0, new["account_manager_id"] or 0]))).all())
        out.append(f"account manager {_shown(names.get(d.account_manager_id or 0))} → "
                   f"{_shown(names.get(new['account_manager_id'] or 0))}")
    for key, label in (("language", "language"), ("segment", "segment")):
        if key in new and new[key] != getattr(d, key):
            out.append(f"{label} {_shown(getattr(d, key))} → {_shown(new[key])}")
    old_limit = (d.credit_limit, d.credit_limit_currency)
    new_limit = (new.get("credit_limit", d.credit_limit),
                 new.get("credit_limit_currency", d.credit_limit_currency))
    if new_limit != old_limit:
        out.append(f"credit limit {_limit(*old_limit)} → {_limit(*new_limit)}")
    if "tags" in new and list(new["tags"]) != list(d.tags or []):
        out.append(f"tags {_shown(d.tags or [])} → {_shown(new['tags'])}")
    return out


def _limit(amount: Decimal | None, currency: str | None) -> str:
    return "(none)" if amount is None else f"{amount:.2f} {currency or ''}".strip()
