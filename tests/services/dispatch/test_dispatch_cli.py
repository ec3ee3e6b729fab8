"""`collecta dispatch`, `collecta outbox list|confirm` against a loopback SMTP server."""

import json
from datetime import date

from app.cli import main
from app.db import session_scope
from app.services.dispatch.outbox import claim_next, recover_interrupted
from app.services.dispatch.smtp_settings import SmtpSettings, save_smtp_settings
from tests.services.dispatch.conftest import NOON, approved_campaign


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_dispatch_then_list_and_confirm_from_the_command_line(sqlite_db, smtp_server, capsys,
                                                              tmp_path, monkeypatch):
    monkeypatch.setenv("COLLECTA_DATA_DIR", str(tmp_path))
    url = sqlite_db.url
    approved_campaign(sqlite_db, ("F1", "1200", date(2025, 6, 2)),
                            ("F2", "300", date(2025, 4, 1)),
                      mobile=None)
    with session_scope(sqlite_db) as s:
        save_smtp_settings(s, SmtpSettings(host="127.0.0.1", port=smtp_server.port,
                                           security="plain", from_address="relances@dupuis.fr",
                                           per_minute=0), user="Marie Curie")
        # a run that died while sending the F2 letter
        claim_next(s, channels=("letter",), worker="crashed-pc", now=NOON)
        recover_interrupted(s, worker="crashed-pc", stale_before=NOON, at=NOON)
    code, out, _ = run(capsys, "--db", url, "dispatch", "--as-of", "2025-06-12", "--user",
                       "Alice Martin")
    assert (code, out) == (0, "email: 1 sent\nsms: 1 waiting — no SMS gateway is set up "
                              "(Settings → Text messages, or collecta sms set)\n")
    assert [rcpts for _, rcpts, _ in smtp_server.envelopes] == [["ap-f1@client.example"]]
    code, out, _ = run(capsys, "--db", url, "outbox", "list", "--channel", "sms", "--format",
                       "json")
    assert [(r["channel"], r["state"]) for r in json.loads(out)] == [("sms", "queued")]
    code, out, _ = run(capsys, "--db", url, "outbox", "list", "--format", "json")
    rows = json.loads(out)
    assert [(r["debtor"], r["channel"], r["state"]) for r in rows] == [
        ("C-F1", "email", "sent"), ("C-F1", "sms", "queued"), ("C-F2", "letter", "unknown")]
    letter_id = rows[2]["id"]
    code, _, err = run(capsys, "--db", url, "outbox", "confirm", str(rows[0]["id"]), "--sent")
    assert code == 2 and err == (f"collecta: Outbox message #{rows[0]['id']} is sent; only an "
                                 "unknown message can be confirmed\n")
    code, out, _ = run(capsys, "--db", url, "outbox", "confirm", str(letter_id), "--not-sent")
    assert (code, out) == (0, f"Outbox message #{letter_id} queued to be sent again\n")
    code, out, _ = run(capsys, "--db", url, "dispatch", "--as-of", "2025-06-12")
    assert out.splitlines()[0] == "letter: 1 sent"
    assert list((tmp_path / "archive" / "letters").glob("*/*.pdf"))
    code, out, _ = run(capsys, "--db", url, "outbox", "list", "--state", "queued")
    assert len(out.splitlines()) == 2 and " sms " in out and " queued " in out
