"""The channel senders the team's settings allow: email when an SMTP server is set, SMS when a
gateway is set, letters always (archived in the data folder). Calls are worked by people."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from app.services.dispatch.channel import ChannelSender
from app.services.dispatch.email_channel import EmailChannel
from app.services.dispatch.invoice_pdfs import load_invoice_pdf_settings
from app.services.dispatch.letter_channel import LetterChannel
from app.services.dispatch.sms_channel import SmsChannel, load_sms_settings, sms_token
from app.services.dispatch.smtp_settings import load_smtp_settings, smtp_password


def configured_senders(session: Session, archive_dir: Path) -> tuple[dict[str, ChannelSender],
                                                                     str]:
    """(senders by channel, Message-ID domain)."""
    senders: dict[str, ChannelSender] = {
        "letter": LetterChannel.for_company(session, archive_dir)}
    smtp = load_smtp_settings(session)
    if smtp.host:
        senders["email"] = EmailChannel(smtp, smtp_password(smtp), archive_dir=archive_dir,
                                        invoice_pdfs=load_invoice_pdf_settings(session))
    sms = load_sms_settings(session)
    if sms.url:
        senders["sms"] = SmsChannel(sms, sms_token(sms))
    return senders, smtp.domain
