"""The team's SMTP server: non-secret settings in the `setting` table, the password in the OS
keyring (ARCHITECTURE.md, Configuration and secrets)."""

from __future__ import annotations

from dataclasses import dataclass

import keyring
from sqlalchemy.orm import Session

from app.errors import UserError
from app.services.activity import log_activity
from app.services.dispatch.email_address import InvalidAddress, email_recipients
from app.services.team_settings import load_settings, store_settings

SETTING_KEY = "dispatch.smtp"
KEYRING_SERVICE = "Collecta"
SECURITIES = ("starttls", "ssl", "plain")


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    host: str = ""
    port: int = 587
    security: str = "starttls"  # starttls | ssl | plain
    username: str = ""
    from_address: str = ""
    from_name: str = ""
    bcc: str = ""  # optional archive copy
    per_minute: int = 60  # throttle; 0 = no limit
    timeout: float = 30.0

    @property
    def keyring_user(self) -> str:
        return f"smtp:{self.username}@{self.host}"

    @property
    def domain(self) -> str:
        return self.from_address.rpartition("@")[2] or "collecta.invalid"

    def validate(self) -> None:
        if not self.host.strip():
            raise UserError("SMTP settings: the server name is empty")
        if not 0 < self.port < 65536:
            raise UserError(f"SMTP settings: port {self.port} is not a valid port (1–65535)")
        if self.security not in SECURITIES:
            raise UserError(f"SMTP settings: security must be one of {', '.join(SECURITIES)}")
        for what, value in (("sender address", self.from_address),
                            ("archive copy (BCC)", self.bcc)):
            if what == "sender address" or value.strip():
                try:
                    if len(email_recipients(value)) > 1:
                        raise InvalidAddress(f"'{value}' holds more than one address")
                except InvalidAddress as exc:
                    raise UserError(f"SMTP settings: {what}: {exc}") from None
        if self.per_minute < 0:
            raise UserError("SMTP settings: messages per minute cannot be negative")


def load_smtp_settings(session: Session) -> SmtpSettings:
    return load_settings(session, SETTING_KEY, SmtpSettings())


def save_smtp_settings(session: Session, settings: SmtpSettings, *, user: str,
                       password: str | None = None) -> None:
    """Store the settings (and the password in the keyring when one is given)."""
    settings.validate()
    store_settings(session, SETTING_KEY, settings)
    if password:
        keyring.set_password(KEYRING_SERVICE, settings.keyring_user, password)
    log_activity(session, author=user, kind="settings_changed",
                 summary=f"SMTP server set to {settings.host}:{settings.port} "
                 f"({settings.security})", detail={"setting": SETTING_KEY})
    session.flush()


def smtp_password(settings: SmtpSettings) -> str | None:
    if not settings.username:
        return None
    return keyring.get_password(KEYRING_SERVICE, settings.keyring_user)
