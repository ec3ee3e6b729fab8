"""Letters: each one rendered to PDF and archived in the data folder as proof of what was
sent (the timeline links to the file); a campaign's letters merge into one print-ready PDF."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import UserError
from app.models import Company, OutboxMessage
from app.services.dispatch.channel import Delivery, PermanentSendError, PreparedMessage
from app.services.documents.letter_pdf import letter_pdf, merge_letters


def render_letter(logo: bytes | None, message: PreparedMessage) -> bytes:
    language = str(message.context.get("debtor", {}).get("language") or "en")
    return letter_pdf(message.context, message.subject, message.body, language, logo)


class LetterChannel:
    channel = "letter"

    def __init__(self, archive_dir: Path, logo: bytes | None = None) -> None:
        self.archive_dir, self.logo = archive_dir, logo

    @classmethod
    def for_company(cls, session: Session, archive_dir: Path) -> LetterChannel:
        company = session.scalar(select(Company).limit(1))
        return cls(archive_dir, company.logo if company is not None else None)

    def send(self, message: PreparedMessage) -> Delivery:
        try:
            pdf = render_letter(self.logo, message)
        except UserError as exc:
            raise PermanentSendError(str(exc)) from None
        return self.send_rendered(message, pdf)

    def send_rendered(self, message: PreparedMessage, pdf: bytes) -> Delivery:
        """Archive the letter: the file is what goes to print, and the proof."""
        ref = re.sub(r"[^0-9A-Za-z_-]", "_", str(message.context.get("debtor", {}).get(
            "ref", message.debtor_id)))
        folder = self.archive_dir / "letters" / (
            f"campaign-{message.campaign_id}" if message.campaign_id is not None else "notices")
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{message.outbox_id:06d}-{ref}.pdf"
        path.write_bytes(pdf)
        return Delivery(archive_path=str(path))

    def close(self) -> None:
        return None


def print_campaign_letters(session: Session, campaign_id: int, out: Path) -> int:
    """Merge the campaign's sent letters into `out`; returns how many letters it holds."""
    paths = [Path(p) for p in session.scalars(
        select(OutboxMessage.archive_path).where(
            OutboxMessage.campaign_id == campaign_id, OutboxMessage.channel == "letter",
            OutboxMessage.state == "sent", OutboxMessage.archive_path.is_not(None))
        .order_by(OutboxMessage.id)) if p]
    missing = [p for p in paths if not p.exists()]
    if missing:
        raise UserError(f"Letter file {missing[0]} is missing from the archive folder")
    if not paths:
        raise UserError(f"Campaign #{campaign_id} has no letter to print")
    merge_letters(paths, out)
    return len(paths)
