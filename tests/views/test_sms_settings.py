"""Settings → Text messages: a new user sets up the SMS gateway (a local http.server plays the
provider), sends a test SMS and sees the provider's answer, or a clear reason when it fails."""

from PySide6.QtCore import Qt
from sqlalchemy import select

from app.db import session_scope
from app.models import Setting
from app.services.dispatch.sms_channel import TEST_TEXT, SmsSettings, load_sms_settings
from tests.services.dispatch.conftest import gateway  # noqa: F401

BODY = '{"recipient": "{{to}}", "originator": "{{sender}}", "body": "{{text}}"}'


def click(qtbot, button):
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def settings_tab(window, title):
    page = window.show_page("settings")
    index = next(i for i in range(page.tabs.count()) if page.tabs.tabText(i) == title)
    bar = page.tabs.tabBar()
    return page, index, bar


def test_set_up_the_gateway_and_send_a_test_sms(window, ledger, qtbot, gateway,  # noqa: F811
                                                memory_keyring):  # noqa: F811
    page, index, bar = settings_tab(window, "Text messages (SMS)")
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    form = page.sms
    assert page.tabs.currentWidget() is form
    window.resize(1280, 800)

    # A gateway address that is not a web address: said where, and nothing is stored.
    form.url.setText("ftp://sms.example")
    click(qtbot, form.save_button)
    assert form.status.text() == ("SMS settings: gateway URL 'ftp://sms.example' must start "
                                  "with https://")
    with session_scope(ledger) as s:
        assert load_sms_settings(s) == SmsSettings()

    form.url.setText(gateway.url)
    form.auth_header.setText("X-Api-Key")
    form.token.setText("k-123-secret")
    form.body.setPlainText(BODY)
    form.sender_id.setText("DUPUIS")
    form.id_field.setText("message.id")
    form.test_to.setText("06 12 34 56 78")
    click(qtbot, form.test_button)
    qtbot.waitUntil(lambda: "accepted" in form.status.text(), timeout=10_000)
    assert form.status.text() == ("The gateway accepted the test SMS to +33612345678: "
                                  "message id msg-1.")
    window.grab().save("/tmp/shots/h2_settings_sms.png")
    headers, body = gateway.received[0]
    assert headers["X-Api-Key"] == "k-123-secret"
    assert body == {"recipient": "+33612345678", "originator": "DUPUIS", "body": TEST_TEXT}
    assert form.token.text() == ""  # the secret went to the keyring, not the database
    assert memory_keyring.secrets == {("Collecta", f"sms:{gateway.url}"): "k-123-secret"}
    with session_scope(ledger) as s:
        stored = s.scalar(select(Setting.value).where(Setting.key == "dispatch.sms"))
        assert stored["url"] == gateway.url and "k-123-secret" not in str(stored)
        assert load_sms_settings(s).id_field == "message.id"

    # The provider fails: the reason shows in the form.
    gateway.script.append((500, {"error": "maintenance"}))
    click(qtbot, form.test_button)
    qtbot.waitUntil(lambda: "failed" in form.status.text(), timeout=10_000)
    assert form.status.text() == ('Test SMS to 06 12 34 56 78 failed: gateway answered 500: '
                                  '{"error": "maintenance"}')
    window.ctx.jobs.error_box().close()
    form.test_to.setText("12")
    click(qtbot, form.test_button)
    qtbot.waitUntil(lambda: "invalid number" in form.status.text(), timeout=10_000)
    assert form.status.text() == "Test SMS to 12 failed: invalid number '12'"
    assert len(gateway.received) == 2  # the invalid number never left
    window.ctx.jobs.error_box().close()
    window.grab().save("/tmp/shots/h2_settings_sms_error.png")

    # The Sending page's copy of the form shows what was saved here.
    sending = window.show_page("dispatch")
    assert sending.sms.url.text() == gateway.url and sending.sms.sender_id.text() == "DUPUIS"


def test_the_email_settings_are_in_settings_too(window, qtbot):
    page, index, bar = settings_tab(window, "Email (SMTP)")
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    assert page.tabs.currentWidget() is page.smtp and page.smtp.test_button.isVisible()
    window.resize(1280, 800)
    window.grab().save("/tmp/shots/h2_settings_email.png")
