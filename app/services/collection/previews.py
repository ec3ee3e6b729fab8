"""Renders the exact text of each proposed action (stored on the action, shown to the manager)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Company, Contact, Debtor, Setting
from app.services.collection.decide import ProposedAction
from app.services.collection.references import PAYMENT_LINK_SETTING
from app.services.collection.templates import ItemLine, load_templates, message_context, render_step


def company_dict(session: Session) -> dict[str, Any]:
    c = session.scalar(select(Company).limit(1))
    if c is None:
        return {"name": "", "iban": "", "bic": "", "phone": "", "email": "", "address": "",
                "default_language": "en"}
    address = ", ".join(p for p in (c.address_line1, c.address_line2,
                                    " ".join(x for x in (c.postal_code, c.city) if x)) if p)
    return {"name": c.name, "iban": c.iban or "", "bic": c.bic or "", "phone": c.phone or "",
            "email": c.email or "", "address": address,
            "registration_number": c.registration_number or "",
            "default_language": c.default_language}


def _contact_dict(c: Contact | None) -> dict[str, Any]:
    if c is None:
        return {"name": "", "email": "", "phone": "", "mobile": ""}
    return {"name": c.name or "", "email": c.email or "", "phone": c.phone or c.mobile or "",
            "mobile": c.mobile or ""}


class PreviewRenderer:
    """Caches templates, the company and debtor/contact rows for one build."""

    def __init__(self, session: Session, user: str):
        self._session = session
        self._user = user
        self._templates = load_templates(session)
        self._company = company_dict(session)
        link = session.get(Setting, PAYMENT_LINK_SETTING)
        self._link: str | None = str(link.value) if link is not None and link.value else None
        self._debtors: dict[int, dict[str, Any]] = {}
        self._contacts: dict[int, dict[str, Any]] = {}

    def prefetch(self, debtor_ids: list[int]) -> None:
        """Load the debtors and their first contact (primary first) in a few bulk queries."""
        for start in range(0, len(debtor_ids), 5000):
            chunk = debtor_ids[start:start + 5000]
            for d in self._session.execute(
                select(Debtor.id, Debtor.external_ref, Debtor.name, Debtor.country,
                       Debtor.language).where(Debtor.id.in_(chunk))
            ).all():
                self._debtors[d.id] = {"id": d.id, "ref": d.external_ref, "name": d.name,
                                       "country": d.country, "language": d.language}
                self._contacts[d.id] = _contact_dict(None)
            seen: set[int] = set()
            for c in self._session.scalars(
                select(Contact).where(Contact.debtor_id.in_(chunk))
                .order_by(Contact.debtor_id, Contact.is_primary.desc(), Contact.id)
            ):
                if c.debtor_id not in seen:
                    seen.add(c.debtor_id)
                    self._contacts[c.debtor_id] = _contact_dict(c)

    def debtor(self, debtor_id: int) -> dict[str, Any]:
        if debtor_id not in self._debtors:
            d = self._session.get(Debtor, debtor_id)
            assert d is not None
            self._debtors[debtor_id] = {"id": d.id, "ref": d.external_ref, "name": d.name,
                                        "country": d.country, "language": d.language}
            c = self._session.scalars(
                select(Contact).where(Contact.debtor_id == debtor_id)
                .order_by(Contact.is_primary.desc(), Contact.id).limit(1)).first()
            self._contacts[debtor_id] = _contact_dict(c)
        return self._debtors[debtor_id]

    def contact(self, debtor_id: int) -> dict[str, Any]:
        self.debtor(debtor_id)
        return self._contacts[debtor_id]

    @property
    def company(self) -> dict[str, Any]:
        return self._company

    @property
    def link_template(self) -> str | None:
        return self._link

    def language(self, debtor_id: int) -> str:
        return str(self.debtor(debtor_id)["language"] or self._company["default_language"])

    def render(self, debtor_id: int, action: ProposedAction, as_of: date
               ) -> dict[str, Any]:
        debtor = self.debtor(debtor_id)
        items = sorted(action.items, key=lambda i: (i.due_date, i.number))
        context = message_context(
            company=self._company, debtor=debtor, contact=self._contacts[debtor_id],
            items=[ItemLine(i.number, i.issue_date, i.due_date, i.residual) for i in items],
            currency=action.currency, as_of=as_of, language=self.language(debtor_id),
            step_name=action.step.name, with_interest=action.step.with_interest,
            user_name=self._user, link_template=self._link,
        )
        return render_step(self._templates, action.step.template_key, action.step.channels,
                           self.language(debtor_id), str(self._company["default_language"]),
                           context)


def debtor_sample_context(session: Session, debtor_id: int, as_of: date, *, step_name: str,
                          with_interest: bool, user: str, language: str | None = None
                          ) -> dict[str, Any]:
    """The template context for one debtor's open invoices as of a date (plan editor preview)."""
    from app.services.collection.decide import ItemFacts
    from app.services.ledger.open_items import open_items_query
    from app.services.money import from_cents

    rows = [r for r in session.execute(open_items_query(as_of, debtor_id)).all()
            if r.item_type == "invoice" and r.residual_cents > 0]
    overdue = [r for r in rows if r.due_date < as_of]
    rows = overdue or rows  # what a reminder would list; a courtesy preview shows the rest
    currency = min((r.currency for r in rows), default="EUR")
    items = [ItemFacts(r.item_id, r.number, r.issue_date, r.due_date, r.currency,
                       from_cents(r.residual_cents), 0) for r in rows if r.currency == currency]
    renderer = PreviewRenderer(session, user)
    debtor = renderer.debtor(debtor_id)
    return message_context(
        company=renderer.company, debtor=debtor, contact=renderer.contact(debtor_id),
        items=[ItemLine(i.number, i.issue_date, i.due_date, i.residual)
               for i in sorted(items, key=lambda i: (i.due_date, i.number))],
        currency=currency, as_of=as_of, language=language or renderer.language(debtor_id),
        step_name=step_name, with_interest=with_interest, user_name=user,
        link_template=renderer.link_template,
    )
