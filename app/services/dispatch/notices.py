"""Notices: an email to a person of the firm (a rule telling a debtor's manager it fired),
queued in the outbox outside any campaign (kind "notice", no campaign, no action). The subject
and body are final when queued — in the debtor's language, else the company's — and the sender
delivers them as they are, at most once, under a deterministic Message-ID."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from app.models import Company, Debtor, OutboxMessage
from app.services.activity import log_activity
from app.services.dispatch.enqueue import message_domain

_CHUNK = 500
TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "subject": "Rule '{rule}' {verb} for {debtor} ({ref})",
        "fired": "fired", "stopped": "stopped holding",
        "hello": "Hello {user},",
        "intro_fired": "The rule '{rule}' fired on {day} for {debtor} ({ref}).",
        "intro_stopped": "The condition of the rule '{rule}' stopped holding on {day} for "
                         "{debtor} ({ref}).",
        "facts": "Facts: {reason}",
        "done": "What the rule did: {words}",
        "message": "Message: {message}",
        "footer": "Collecta (automation rules). Open the debtor in Collecta to see its "
                  "timeline.",
    },
    "fr": {
        "subject": "Règle « {rule} » {verb} pour {debtor} ({ref})",
        "fired": "déclenchée", "stopped": "levée",
        "hello": "Bonjour {user},",
        "intro_fired": "La règle « {rule} » s'est déclenchée le {day} pour {debtor} ({ref}).",
        "intro_stopped": "La condition de la règle « {rule} » ne tient plus depuis le {day} "
                         "pour {debtor} ({ref}).",
        "facts": "Faits constatés : {reason}",
        "done": "Ce que la règle a fait : {words}",
        "message": "Message : {message}",
        "footer": "Collecta (règles d'automatisation). Ouvrez le débiteur dans Collecta pour "
                  "voir son historique.",
    },
}
DAY_FORMATS = {"en": "%Y-%m-%d", "fr": "%d/%m/%Y"}


@dataclass(frozen=True, slots=True)
class NoticeRequest:
    """What a rule firing asks for: email `user` (at `recipient`) about `debtor_id`."""

    rule_id: int
    rule_name: str
    debtor_id: int
    user: str
    recipient: str
    reason: str  # the facts that matched, in words
    words: tuple[str, ...]  # what the rule did to the debtor in this run
    message: str | None
    leaving: bool


@dataclass(frozen=True, slots=True)
class Notice:
    """The exact email that is (or, in a dry run, would be) queued."""

    rule_id: int
    debtor_id: int
    user: str
    recipient: str
    subject: str
    body: str
    message_id: str
    language: str
    as_of: date


def notice_message_id(rule_id: int, debtor_id: int, as_of: date, leaving: bool, user: str,
                      domain: str) -> str:
    """Deterministic: the same firing to the same person always carries the same Message-ID."""
    who = "".join(ch for ch in user.lower() if ch.isalnum())[:40] or "user"
    turn = "off" if leaving else "on"
    return f"<collecta.n.r{rule_id}.d{debtor_id}.{as_of:%Y%m%d}.{turn}.{who}@{domain}>"


def _taken(session: Session, ids: list[str]) -> set[str]:
    out: set[str] = set()
    for i in range(0, len(ids), _CHUNK):
        out.update(session.scalars(select(OutboxMessage.message_id).where(
            OutboxMessage.message_id.in_(ids[i:i + _CHUNK]))))
    return out


def _unique(session: Session, wanted: list[str]) -> list[str]:
    """The wanted ids, with .2, .3 … added to one already used (a rule firing again on the same
    day after its condition stopped holding, or two notify actions to one person)."""
    taken = _taken(session, wanted)
    out: list[str] = []
    for mid in wanted:
        candidate, n = mid, 1
        while candidate in taken:
            n += 1
            candidate = mid.replace("@", f".{n}@", 1)
            taken |= _taken(session, [candidate])
        taken.add(candidate)
        out.append(candidate)
    return out


def _text(language: str, key: str, **values: str) -> str:
    return TEXTS[language][key].format(**values)


def compose_notices(session: Session, requests: Sequence[NoticeRequest], as_of: date,
                    domain: str | None = None) -> list[Notice]:
    """The final text of each requested notice (reads debtors in bulk; writes nothing)."""
    if not requests:
        return []
    domain = domain or message_domain(session)
    fallback = session.scalar(select(Company.default_language).limit(1)) or "en"
    wanted = sorted({r.debtor_id for r in requests})
    debtors: dict[int, tuple[str, str, str | None]] = {}
    for i in range(0, len(wanted), _CHUNK):
        debtors.update((d, (name, ref, lang)) for d, name, ref, lang in session.execute(
            select(Debtor.id, Debtor.name, Debtor.external_ref, Debtor.language)
            .where(Debtor.id.in_(wanted[i:i + _CHUNK]))))
    ids = _unique(session, [notice_message_id(r.rule_id, r.debtor_id, as_of, r.leaving, r.user,
                                              domain) for r in requests])
    out: list[Notice] = []
    for r, mid in zip(requests, ids, strict=True):
        name, ref, lang = debtors[r.debtor_id]
        language = next((x for x in (lang, fallback) if x in TEXTS), "en")
        day = as_of.strftime(DAY_FORMATS[language])
        names = {"rule": r.rule_name, "debtor": name, "ref": ref, "day": day}
        subject = _text(language, "subject", verb=TEXTS[language][
            "stopped" if r.leaving else "fired"], **names)
        lines = [_text(language, "hello", user=r.user), "",
                 _text(language, "intro_stopped" if r.leaving else "intro_fired", **names),
                 "", _text(language, "facts", reason=r.reason)]
        if r.words:
            lines.append(_text(language, "done", words="; ".join(r.words)))
        if r.message:
            lines.append(_text(language, "message", message=r.message))
        lines += ["", _text(language, "footer")]
        out.append(Notice(r.rule_id, r.debtor_id, r.user, r.recipient, subject[:300],
                          "\n".join(lines), mid, language, as_of))
    return out


def queue_notices(session: Session, notices: Sequence[Notice], *, author: str,
                  at: datetime) -> int:
    """One queued email per notice (the caller owns the transaction); one activity."""
    if not notices:
        return 0
    session.execute(insert(OutboxMessage), [
        {"kind": "notice", "campaign_id": None, "action_id": None, "debtor_id": n.debtor_id,
         "channel": "email", "state": "queued", "message_id": n.message_id, "as_of": n.as_of,
         "recipient": n.recipient, "subject": n.subject, "body": n.body, "attempts": 0,
         "created_at": at} for n in notices])
    log_activity(session, author=author, kind="outbox_queued", at=at,
                 summary=f"{len(notices)} rule notice(s) queued for sending by email",
                 detail={"notices": len(notices)})
    return len(notices)


__all__ = ["Notice", "NoticeRequest", "TEXTS", "compose_notices", "notice_message_id",
           "queue_notices"]
