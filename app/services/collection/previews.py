"""Renders the exact text of each proposed action. A build stores no text (rendering thousands of
messages would dominate it): the validation dialog renders a line on demand from the stored
action (its step, items and residuals as of the build, the builder's name), and approval renders
and stores the text of every kept line, so what dispatch sends is frozen with the approval."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import (
    Campaign,
    CampaignAction,
    CampaignActionItem,
    Company,
    Contact,
    Debtor,
    Invoice,
    Setting,
)
from app.services.collection.decide import ItemFacts, ProposedAction
from app.services.collection.plans import load_plans
from app.services.collection.references import PAYMENT_LINK_SETTING
from app.services.collection.templates import ItemLine, load_templates, message_context, render_step
from app.services.formatting import printed_iban


def company_dict(session: Session) -> dict[str, Any]:
    c = session.scalar(select(Company).limit(1))
    if c is None:
        return {"name": "", "iban": "", "bic": "", "phone": "", "email": "", "address": "",
                "default_language": "en"}
    address = ", ".join(p for p in (c.address_line1, c.address_line2,
                                    " ".join(x for x in (c.postal_code, c.city) if x)) if p)
    return {"name": c.name, "iban": printed_iban(c.iban), "bic": c.bic or "",
            "phone": c.phone or "",
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

    @property
    def known(self) -> set[int]:
        return set(self._debtors)

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


def debtor_languages(session: Session) -> dict[int, str]:
    """Every debtor's message language (its own, else the company's default)."""
    default = session.scalar(select(Company.default_language).limit(1)) or "en"
    return {i: lang or default for i, lang in session.execute(select(Debtor.id, Debtor.language))}


def render_stored_actions(session: Session, action_ids: list[int]
                          ) -> dict[int, dict[str, dict[str, str | None]]]:
    """action id → channel → {subject, body}: the text of stored actions, rendered exactly as
    the build would have (items with their residual and days late as of the campaign's date)."""
    out: dict[int, dict[str, dict[str, str | None]]] = {}
    if not action_ids:
        return out
    plans = load_plans(session)
    renderers: dict[str, PreviewRenderer] = {}
    for start in range(0, len(action_ids), 2000):
        chunk = action_ids[start:start + 2000]
        items: dict[int, list[ItemFacts]] = {}
        for r in session.execute(
            select(CampaignActionItem.action_id, Invoice.id, Invoice.number, Invoice.issue_date,
                   Invoice.due_date, Invoice.currency, CampaignActionItem.residual)
            .join(Invoice, Invoice.id == CampaignActionItem.invoice_id)
            .where(CampaignActionItem.action_id.in_(chunk))
        ):
            items.setdefault(r[0], []).append(ItemFacts(r[1], r[2], r[3], r[4], r[5], r[6], 0))
        rows = session.execute(
            select(CampaignAction.id, CampaignAction.debtor_id, CampaignAction.plan_id,
                   CampaignAction.step_id, CampaignAction.currency, CampaignAction.total,
                   Campaign.as_of, Campaign.built_by)
            .join(Campaign, Campaign.id == CampaignAction.campaign_id)
            .where(CampaignAction.id.in_(chunk))
        ).all()
        for built_by in {r[7] for r in rows} - set(renderers):
            renderers[built_by] = PreviewRenderer(session, built_by)
        for renderer in renderers.values():
            renderer.prefetch(sorted({r[1] for r in rows} - renderer.known))
        for action_id, debtor_id, plan_id, step_id, currency, total, as_of, built_by in rows:
            renderer = renderers[built_by]
            action = ProposedAction(currency, plans[plan_id].step(step_id), (),
                                    tuple(items.get(action_id, ())), total)
            out[action_id] = renderer.render(debtor_id, action, as_of)
    return out


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
