"""Settings → Text messages: the team's HTTP SMS gateway (URL, auth header whose value goes to
the keyring, JSON body template, sender id) and "Send test SMS" in the background."""

from __future__ import annotations

from dataclasses import replace

import phonenumbers
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.clock import utcnow
from app.db import session_scope
from app.errors import UserError
from app.services.changes import ChangeSet
from app.services.dispatch.sms_channel import (
    SmsSettings,
    SmsTestResult,
    load_sms_settings,
    save_sms_settings,
    send_test_sms,
    sms_token,
)
from app.views.channel_settings_form import ChannelSettingsForm
from app.views.context import AppContext
from app.views.jobs import PARALLEL_LANE, JobContext

HINT = ("Placeholders: {{to}} (the number in E.164), {{text}}, {{sender}}, {{reference}} (the "
        "message's id). They are filled inside the JSON, so the text cannot break it.")


class SmsSettingsForm(ChannelSettingsForm):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.loaded = SmsSettings()
        self.url = QLineEdit(placeholderText="https://api.provider.example/v1/sms")
        self.auth_header = QLineEdit(placeholderText="Authorization")
        self.token = QLineEdit(placeholderText="e.g. Bearer 3f1c… — stored in the system keyring")
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.body = QPlainTextEdit()
        self.body.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.body.setTabChangesFocus(True)
        self.body.setFixedHeight(self.body.fontMetrics().lineSpacing() * 5 + 14)
        self.sender_id = QLineEdit(placeholderText="sender id shown on the phone, e.g. DUPUIS")
        self.id_field = QLineEdit(placeholderText="id")
        self.id_field.setToolTip("Where the provider's message id is in its JSON answer, as a "
                                 "dotted path (e.g. message.id)")
        self.region = QComboBox()
        for code in sorted(phonenumbers.SUPPORTED_REGIONS):
            self.region.addItem(code, code)
        self.region.setToolTip("Numbers written without a country code are read as this "
                               "country's")
        self.max_segments = QSpinBox(minimum=1, maximum=10, value=3, suffix=" SMS")
        self.max_segments.setToolTip("A longer text is refused instead of being sent in more "
                                     "parts (160 characters each, 70 with accents outside GSM-7)")
        hint = QLabel(HINT)
        hint.setWordWrap(True)
        hint.setStyleSheet("color: palette(mid);")
        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(0, 0, 0, 0)
        body_layout.setSpacing(2)
        body_layout.addWidget(self.body)
        body_layout.addWidget(hint)
        self._lay_out(
            "<b>Text messages (HTTP SMS gateway)</b> — shared by the team; the header value "
            "stays in this computer's keyring.",
            (("Gateway URL", self.url), ("Auth header", self.auth_header),
             ("Header value", self.token), ("Body template", body),
             ("Sender id", self.sender_id), ("Message id in answer", self.id_field),
             ("Default country", self.region), ("Longest text", self.max_segments)),
            QLineEdit(placeholderText="your mobile number"), "Send test SMS",
            load=self.load, save=self.save, send_test=self.send_test)
        self.load()

    def load(self) -> None:
        with session_scope(self.ctx.db) as s:
            st = load_sms_settings(s)
        self.loaded = st
        self.url.setText(st.url)
        self.auth_header.setText(st.auth_header)
        self.body.setPlainText(st.body_template)
        self.sender_id.setText(st.sender)
        self.id_field.setText(st.id_field)
        self.region.setCurrentIndex(max(0, self.region.findData(st.default_region)))
        self.max_segments.setValue(st.max_segments)

    def settings(self) -> SmsSettings:
        return replace(self.loaded, url=self.url.text().strip(),
                       auth_header=self.auth_header.text().strip() or "Authorization",
                       body_template=self.body.toPlainText().strip(),
                       sender=self.sender_id.text().strip(),
                       id_field=self.id_field.text().strip() or "id",
                       default_region=str(self.region.currentData()),
                       max_segments=self.max_segments.value())

    def save(self) -> bool:
        settings = self.settings()
        try:
            with session_scope(self.ctx.db) as s:
                save_sms_settings(s, settings, user=self.ctx.user_name,
                                  token=self.token.text() or None)
        except UserError as exc:
            self._say(str(exc), error=True)
            return False
        self.loaded = settings
        self.token.clear()
        self._say("Saved.")
        self.ctx.broadcast(ChangeSet(settings=True))
        return True

    def send_test(self) -> None:
        to = self.test_to.text().strip()
        if not to:
            self._say("Test SMS: enter the mobile number to send it to.", error=True)
            return
        if not self.save():
            return
        settings = self.settings()
        self.test_button.setEnabled(False)
        self._say(f"Sending a test SMS to {to}…")

        def work(_jc: JobContext) -> SmsTestResult:
            return send_test_sms(settings, sms_token(settings), to, at=utcnow())

        def done(result: SmsTestResult) -> None:
            self._say(result.describe(settings.id_field) + ".")

        assert self.ctx.jobs is not None
        job = self.ctx.jobs.run("Send test SMS", work, done, cancellable=False,
                                lane=PARALLEL_LANE)
        job.finished.connect(self._test_finished)

    def _test_finished(self, job: object) -> None:
        self.test_button.setEnabled(not self.ctx.read_only)
        error = getattr(job, "error", None)
        if error is not None:
            self._say(str(error) if isinstance(error, UserError)
                      else f"Test SMS failed: {error}", error=True)
