"""`collecta sms set|show|test`: the gateway configured from the command line, the secret from
COLLECTA_SMS_TOKEN (never argv), a test SMS to a local http.server playing the provider."""

import json

from app.cli import main
from app.db import session_scope
from app.services.dispatch.sms_channel import load_sms_settings

BODY = '{"to": "{{to}}", "from": "{{sender}}", "text": "{{text}}"}'


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_set_show_and_test_the_gateway(db, capsys, gateway, monkeypatch,
                                       memory_keyring):  # noqa: F811
    url = db.url
    monkeypatch.setenv("COLLECTA_SMS_TOKEN", "Bearer t0k3n")
    code, out, _ = run(capsys, "--db", url, "sms", "set", "--url", gateway.url, "--sender",
                       "DUPUIS", "--id-field", "message.id", "--body-template", BODY,
                       "--default-region", "be", "--user", "Alice Martin")
    assert (code, out) == (0, f"SMS gateway set to {gateway.url} (auth header value stored "
                              "in the keyring)\n")
    assert memory_keyring.secrets == {("Collecta", f"sms:{gateway.url}"): "Bearer t0k3n"}
    with session_scope(db) as s:
        st = load_sms_settings(s)
    assert (st.sender, st.default_region, st.body_template) == ("DUPUIS", "BE", BODY)

    code, out, _ = run(capsys, "--db", url, "sms", "show", "--format", "json")
    shown = json.loads(out)
    assert code == 0 and shown["url"] == gateway.url and shown["token_stored"] is True
    assert "t0k3n" not in out

    code, out, _ = run(capsys, "--db", url, "sms", "test", "0470 12 34 56")  # Belgian mobile
    assert (code, out) == (0, "The gateway accepted the test SMS to +32470123456: message id "
                              "msg-1\n")
    headers, body = gateway.received[0]
    assert headers["Authorization"] == "Bearer t0k3n" and body["to"] == "+32470123456"

    gateway.script.append((429, {"error": "slow down"}))
    code, _, err = run(capsys, "--db", url, "sms", "test", "0470 12 34 56")
    assert code == 2
    assert err == ('collecta: Test SMS to 0470 12 34 56 failed: gateway answered 429: '
                   '{"error": "slow down"}\n')


def test_bad_settings_are_refused_and_nothing_is_stored(db, capsys, monkeypatch,
                                                        memory_keyring):  # noqa: F811
    monkeypatch.delenv("COLLECTA_SMS_TOKEN", raising=False)
    code, _, err = run(capsys, "--db", db.url, "sms", "set", "--url", "https://sms.example",
                       "--body-template", '{"to": "{{to}}"}')
    assert code == 2
    assert err == "collecta: SMS settings: the body template must contain {{to}} and {{text}}\n"
    code, _, err = run(capsys, "--db", db.url, "sms", "test", "0612345678")
    assert (code, err) == (2, "collecta: sms test: no SMS gateway is set (collecta sms set "
                              "--url …)\n")
    with session_scope(db) as s:
        assert load_sms_settings(s).url == ""
    assert memory_keyring.secrets == {}


def test_the_token_can_be_typed_at_a_prompt(db, capsys, monkeypatch,
                                            memory_keyring):  # noqa: F811
    import app.cli.common as cli

    monkeypatch.delenv("COLLECTA_SMS_TOKEN", raising=False)
    prompts = []
    monkeypatch.setattr(cli.getpass, "getpass", lambda text: prompts.append(text) or "s3cret")
    code, out, _ = run(capsys, "--db", db.url, "sms", "set", "--url", "https://sms.example/v1",
                       "--ask-token")
    assert code == 0 and prompts == ["Auth header value (stored in the keyring): "]
    assert memory_keyring.secrets == {("Collecta", "sms:https://sms.example/v1"): "s3cret"}
