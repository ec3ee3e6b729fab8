"""Settings → Email: the team's SMTP server (password to the keyring), "Send test email", and
the invoice PDFs from the accounting system that reminders carry (InvoicePdfBox)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QLineEdit,
    QMessageBox,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.db import session_scope
from app.services.changes import ChangeSet
from app.services.dispatch.email_channel import send_test_email
from app.services.dispatch.smtp_settings import (
    SECURITIES,
    SmtpSettings,
    load_smtp_settings,
    save_smtp_settings,
    smtp_password,
)
from app.views.channel_settings_form import ChannelSettingsForm
from app.views.context import AppContext
from app.views.invoice_pdf_settings import InvoicePdfBox
from app.views.jobs import JobContext

SECURITY_TEXT = {"starttls": "STARTTLS (port 587)", "ssl": "SSL/TLS (port 465)",
                 "plain": "None (local relay only)"}


class SmtpSettingsForm(ChannelSettingsForm):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.host = QLineEdit(placeholderText="smtp.example.com")
        self.port = QSpinBox(minimum=1, maximum=65535, value=587)
        self.security = QComboBox()
        for key in SECURITIES:
            self.security.addItem(SECURITY_TEXT[key], key)
        self.username = QLineEdit(placeholderText="optional")
        self.password = QLineEdit(placeholderText="stored in the system keyring")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.from_address = QLineEdit(placeholderText="accounts@yourcompany.com")
        self.from_name = QLineEdit()
        self.bcc = QLineEdit(placeholderText="optional archive copy")
        self.per_minute = QSpinBox(minimum=0, maximum=10_000, value=60, suffix=" per minute")
        self.per_minute.setSpecialValueText("no limit")
        self._lay_out(
            "<b>Outgoing email (SMTP)</b> — shared by the team; the password stays in this "
            "computer's keyring.",
            (("Server", self.host), ("Port", self.port), ("Security", self.security),
             ("User name", self.username), ("Password", self.password),
             ("Sender address", self.from_address), ("Sender name", self.from_name),
             ("BCC archive", self.bcc), ("Throttle", self.per_minute)),
            QLineEdit(placeholderText="your address"), "Send test email",
            load=self.load, save=self.save, send_test=self.send_test)
        self.invoice_pdfs = InvoicePdfBox(ctx)
        self.invoice_pdfs.setMaximumWidth(720)  # as wide as the SMTP form above it
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(1, self.invoice_pdfs)  # below the form, above the stretch
        self.load()

    def load(self) -> None:
        with session_scope(self.ctx.db) as s:
            st = load_smtp_settings(s)
        self.host.setText(st.host)
        self.port.setValue(st.port)
        self.security.setCurrentIndex(max(0, self.security.findData(st.security)))
        self.username.setText(st.username)
        self.from_address.setText(st.from_address)
        self.from_name.setText(st.from_name)
        self.bcc.setText(st.bcc)
        self.per_minute.setValue(st.per_minute)

    def settings(self) -> SmtpSettings:
        return SmtpSettings(host=self.host.text().strip(), port=self.port.value(),
                            security=str(self.security.currentData()),
                            username=self.username.text().strip(),
                            from_address=self.from_address.text().strip(),
                            from_name=self.from_name.text().strip(), bcc=self.bcc.text().strip(),
                            per_minute=self.per_minute.value())

    def save(self) -> bool:
        from app.errors import UserError

        try:
            with session_scope(self.ctx.db) as s:
                save_smtp_settings(s, self.settings(), user=self.ctx.user_name,
                                   password=self.password.text() or None)
        except UserError as exc:
            QMessageBox.warning(self, "Email settings", str(exc))
            return False
        self.password.clear()
        self._say("Saved.")
        self.ctx.broadcast(ChangeSet(settings=True))
        return True

    def send_test(self) -> None:
        to = self.test_to.text().strip() or self.from_address.text().strip()
        if not self.save():
            return
        settings = self.settings()
        self._say(f"Sending a test email to {to}…")

        def work(_jc: JobContext) -> str:
            return send_test_email(settings, smtp_password(settings), to)

        def done(answer: str) -> None:
            self._say(f"Test email to {to} accepted by the server: {answer}")

        assert self.ctx.jobs is not None
        job = self.ctx.jobs.run("Send test email", work, done, cancellable=False)
        job.finished.connect(self._test_finished)

    def _test_finished(self, job: Any) -> None:
        if job.error is not None:
            self._say(f"Test email failed: {job.error}", error=True)
