"""`collecta smtp set|show|test`: what Settings → Email (SMTP) does, for scripted installs; the
password only from the environment or a prompt, kept in the keyring."""

import json

import pytest

from app.cli import main
from app.db import session_scope
from app.services.dispatch.smtp_settings import load_smtp_settings

pytestmark = pytest.mark.usefixtures("memory_keyring")


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_set_show_and_send_a_test_email(sqlite_db, smtp_server, capsys, monkeypatch,
                                        memory_keyring):
    url = sqlite_db.url
    monkeypatch.setenv("COLLECTA_SMTP_PASSWORD", "s3cret")
    code, out, _ = run(capsys, "--db", url, "smtp", "set", "--host", "127.0.0.1", "--port",
                       str(smtp_server.port), "--security", "plain", "--username", "relances",
                       "--from-address", "relances@dupuis.fr", "--from-name", "Atelier Dupuis",
                       "--per-minute", "0", "--user", "Marie Curie")
    assert (code, out) == (0, f"SMTP server set to 127.0.0.1:{smtp_server.port} (plain) "
                              "(password stored in the keyring)\n")
    assert memory_keyring.secrets == {
        ("Collecta", "smtp:relances@127.0.0.1"): "s3cret"}
    code, out, _ = run(capsys, "--db", url, "smtp", "show", "--format", "json")
    shown = json.loads(out)
    assert (shown["host"], shown["from_name"], shown["password_stored"]) == (
        "127.0.0.1", "Atelier Dupuis", True)
    assert "s3cret" not in out
    monkeypatch.delenv("COLLECTA_SMTP_PASSWORD")
    code, out, _ = run(capsys, "--db", url, "smtp", "set", "--username", "")
    assert code == 0
    code, out, _ = run(capsys, "--db", url, "smtp", "test", "alice@dupuis.fr")
    assert code == 0 and out.startswith("Test email to alice@dupuis.fr accepted by 127.0.0.1")
    assert smtp_server.messages()[0]["Subject"] == "Collecta test email"


@pytest.mark.parametrize(("argv", "message"), [
    (["--host", "smtp.dupuis.fr", "--from-address", "relances"],
     "SMTP settings: sender address: the email address 'relances' is not valid"),
    (["--host", "smtp.dupuis.fr", "--from-address", "a@dupuis.fr", "--port", "70000"],
     "SMTP settings: port 70000 is not a valid port"),
    (["--from-address", "a@dupuis.fr"], "SMTP settings: the server name is empty"),
    (["--host", "smtp.dupuis.fr", "--from-address", "a@dupuis.fr", "--security", "tls"],
     "argument --security: invalid choice: 'tls'"),
])
def test_bad_settings_exit_2_and_change_nothing(sqlite_db, capsys, argv, message):
    code, _, err = run(capsys, "--db", sqlite_db.url, "smtp", "set", *argv)
    assert code == 2 and message in err and err.count("\n") == 1
    with session_scope(sqlite_db) as s:
        assert load_smtp_settings(s).host == ""


def test_testing_without_a_server_says_how_to_set_one(sqlite_db, capsys):
    code, _, err = run(capsys, "--db", sqlite_db.url, "smtp", "test", "alice@dupuis.fr")
    assert (code, err) == (2, "collecta: smtp test: no SMTP server is set (collecta smtp set "
                              "--host …)\n")


def test_the_password_can_be_typed_at_a_prompt(sqlite_db, capsys, monkeypatch, memory_keyring):
    import app.cli.common as common

    monkeypatch.delenv("COLLECTA_SMTP_PASSWORD", raising=False)
    prompts = []
    monkeypatch.setattr(common.getpass, "getpass", lambda text: prompts.append(text) or "pw")
    code, _, _ = run(capsys, "--db", sqlite_db.url, "smtp", "set", "--host", "smtp.dupuis.fr",
                     "--username", "relances", "--from-address", "relances@dupuis.fr",
                     "--ask-password")
    assert code == 0 and prompts == ["SMTP password (stored in the keyring): "]
    assert memory_keyring.secrets == {("Collecta", "smtp:relances@smtp.dupuis.fr"): "pw"}
    code, _, err = run(capsys, "--db", sqlite_db.url, "smtp", "set", "--username", "",
                       "--ask-password")
    assert code == 2 and err == "collecta: smtp set: a password needs a login (--username)\n"
