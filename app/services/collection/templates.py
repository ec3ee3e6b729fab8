"""Message templates: Jinja2 in a sandbox, one context for every channel (ARCHITECTURE.md).

The context: company, debtor, contact, items (table rows), total and currency, max_days_late,
interest (late-payment charges, DOMAIN.md §5), iban, bic, rf_reference, payment_link, as_of,
step, user_name. Amounts and dates arrive formatted for the debtor's language.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

from jinja2 import StrictUndefined, Template, TemplateError, meta
from jinja2.sandbox import SandboxedEnvironment
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import UserError
from app.models import MessageTemplate
from app.services import formatting
from app.services.collection.interest import late_charges, regime_for
from app.services.collection.references import payment_link, rf_reference
from app.services.money import quantize

KNOWN_VARIABLES = frozenset({
    "company", "debtor", "contact", "items", "total", "currency", "max_days_late", "interest",
    "iban", "bic", "rf_reference", "payment_link", "as_of", "step", "user_name",
})
LOCALES = {"fr": "fr_FR", "en": "en_GB", "de": "de_DE", "es": "es_ES", "it": "it_IT",
           "nl": "nl_NL"}

_ENV = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False,
                            keep_trailing_newline=False, trim_blocks=False)

TemplateKey = tuple[str, str, str]  # key, language, channel


@dataclass(frozen=True, slots=True)
class ItemLine:
    number: str
    issue_date: date
    due_date: date
    residual: Decimal


@lru_cache(maxsize=64)
def money_formatter(currency: str, locale: str) -> Callable[[Decimal], str]:
    """Babel's currency format for (currency, locale), learned once from a sample and applied by
    string substitution: Babel takes ~0.2 ms per amount, and a build formats tens of thousands.
    Amounts are non-negative here (residuals and claims)."""
    sample = formatting.money(Decimal("1234567.89"), currency, locale)
    if "".join(ch for ch in sample if ch.isdigit()) != "123456789":  # e.g. JPY: no decimals

        def exact(amount: Decimal) -> str:
            return formatting.money(quantize(amount), currency, locale)

        return exact
    start = sample.index("1")
    end = sample.rindex("9") + 1
    number = sample[start:end]
    group = number[1] if not number[1].isdigit() else ""
    decimal_mark = number[-3]
    prefix, suffix = sample[:start], sample[end:]

    def fmt(amount: Decimal) -> str:
        text = f"{quantize(amount):,.2f}"
        if amount < 0:
            return formatting.money(quantize(amount), currency, locale)
        text = text.replace(",", "\0").replace(".", decimal_mark).replace("\0", group)
        return f"{prefix}{text}{suffix}"

    return fmt


@lru_cache(maxsize=8192)
def _day(value: date, locale: str) -> str:
    return formatting.day(value, locale)


@lru_cache(maxsize=512)
def _percent(rate: Decimal, locale: str) -> str:
    return formatting.number(rate, locale, digits=2) + " %"


def locale_for(language: str) -> str:
    return LOCALES.get(language, "en_GB")


def unknown_variables(text: str) -> set[str]:
    """Variables a template uses that the context does not provide (shown by the plan editor)."""
    try:
        parsed = _ENV.parse(text)
    except TemplateError as exc:
        raise UserError(f"Template syntax error on line {getattr(exc, 'lineno', '?')}: "
                        f"{exc.message}") from None
    return set(meta.find_undeclared_variables(parsed)) - KNOWN_VARIABLES


@lru_cache(maxsize=256)
def _compiled(text: str) -> Template:
    return _ENV.from_string(text)


def render_text(text: str, context: dict[str, Any], where: str = "template") -> str:
    try:
        return _compiled(text).render(context).strip() + "\n"
    except TemplateError as exc:
        raise UserError(f"Cannot render {where}: {exc.message}") from None


def load_templates(session: Session) -> dict[TemplateKey, tuple[str | None, str]]:
    return {
        (t.key, t.language, t.channel): (t.subject, t.body)
        for t in session.scalars(select(MessageTemplate))
    }


def message_context(
    *, company: dict[str, Any], debtor: dict[str, Any], contact: dict[str, Any],
    items: list[ItemLine], currency: str, as_of: date, language: str, step_name: str,
    with_interest: bool, user_name: str, link_template: str | None = None,
) -> dict[str, Any]:
    """The one context object every channel's template is rendered with."""
    loc = locale_for(language)
    money = money_formatter(currency, loc)

    total = sum((i.residual for i in items), Decimal("0"))
    reference = rf_reference(f"{debtor['ref']}{as_of:%y%m%d}")
    interest_total = Decimal("0")
    indemnity_total = Decimal("0")
    rates: list[str] = []
    late = [i for i in items if i.due_date < as_of]
    regime = regime_for(debtor.get("country"))
    for i in late if with_interest else []:
        charges = late_charges(i.residual, currency, i.due_date, as_of, regime)
        interest_total += charges.interest
        indemnity_total += charges.indemnity
        for p in charges.periods:
            r = _percent(p.rate_percent, loc)
            if r not in rates:
                rates.append(r)
    indemnity_each = (money_formatter("EUR", loc)(Decimal(40)) if regime != "uk"
                      else "£40, £70 or £100 by amount")
    return {
        "company": company,
        "debtor": debtor,
        "contact": contact,
        "items": [
            {"number": i.number, "issue_date": _day(i.issue_date, loc),
             "due_date": _day(i.due_date, loc),
             "days_late": max(0, (as_of - i.due_date).days), "residual": money(i.residual)}
            for i in items
        ],
        "total": money(total),
        "currency": currency,
        "max_days_late": max((max(0, (as_of - i.due_date).days) for i in items), default=0),
        "interest": {
            "amount": money(interest_total), "indemnity": money(indemnity_total),
            "indemnity_each": indemnity_each, "rate_text": " / ".join(rates) or "–",
            "claim_total": money(total + interest_total + indemnity_total),
        },
        "iban": company.get("iban") or "",
        "bic": company.get("bic") or "",
        "rf_reference": reference,
        "payment_link": payment_link(link_template, debtor_ref=debtor["ref"], reference=reference,
                                     amount=f"{quantize(total)}", currency=currency),
        "as_of": _day(as_of, loc),
        "step": step_name,
        "user_name": user_name,
    }


def find_template(templates: dict[TemplateKey, tuple[str | None, str]], template_key: str,
                  channel: str, language: str, fallback_language: str
                  ) -> tuple[str | None, str]:
    """(subject, body) in the debtor's language, else the fallback, else English."""
    for lang in (language, fallback_language, "en"):
        found = templates.get((template_key, lang, channel))
        if found is not None:
            return found
    raise UserError(f"No template '{template_key}' for {channel} in {language} "
                    f"or {fallback_language}; add it in the plan editor")


def render_step(templates: dict[TemplateKey, tuple[str | None, str]], template_key: str,
                channels: tuple[str, ...], language: str, fallback_language: str,
                context: dict[str, Any]) -> dict[str, dict[str, str | None]]:
    """channel → {subject, body} for a step, in the debtor's language (else the fallback)."""
    out: dict[str, dict[str, str | None]] = {}
    for channel in channels:
        subject, body = find_template(templates, template_key, channel, language,
                                      fallback_language)
        where = f"template '{template_key}' ({language}, {channel})"
        out[channel] = {
            "subject": render_text(subject, context, where).strip() if subject else None,
            "body": render_text(body, context, where),
        }
    return out
