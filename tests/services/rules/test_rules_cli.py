"""`collecta rules list|enable|test|run` on the countback example book (as of 2024-03-31)."""

import json

from app.cli import main
from tests.services.rules.conftest import plan_of


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_list_enable_test_and_run_from_the_command_line(db, book, capsys):
    url = db.url
    code, out, _ = run(capsys, "--db", url, "rules", "list", "--format", "json")
    assert code == 0
    assert [(r["name"], r["enabled"], r["condition"]) for r in json.loads(out)][:1] == [
        ("DSO above 60 days", "no", "DSO > 60")]
    assert run(capsys, "--db", url, "rules", "enable", "DSO above 60 days")[:2] == (
        0, "rule 'DSO above 60 days' enabled\n")
    code, out, _ = run(capsys, "--db", url, "rules", "test", "DSO above 60 days",
                       "--as-of", "2024-03-31")
    assert out.splitlines()[-1] == ("rule 'DSO above 60 days' matches 1 debtor(s) as of "
                                    "2024-03-31; running it would make 1 change(s)")
    code, out, _ = run(capsys, "--db", url, "rules", "run", "--as-of", "2024-03-31",
                       "--dry-run", "--format", "json")
    dry = json.loads(out)
    assert (dry["dry_run"], [(c["debtor"], c["change"], c["reason"]) for c in dry["changes"]]) \
        == (True, [("Atelier Dupuis", "moved this debtor to High risk", "DSO 74.2 > 60")])
    assert plan_of(db, book["Atelier"]) is None
    code, out, _ = run(capsys, "--db", url, "rules", "run", "--as-of", "2024-03-31")
    assert out.splitlines()[-1] == ("1 rule(s) made 1 change(s) on 1 debtor(s) as of "
                                    "2024-03-31")
    assert plan_of(db, book["Atelier"]) == "High risk"


def test_an_unknown_rule_is_a_one_line_error(db, book, capsys):
    code, _, err = run(capsys, "--db", db.url, "rules", "test", "No such rule",
                       "--as-of", "2024-03-31")
    assert code == 2
    assert err.startswith("collecta: No rule 'No such rule' (rules: DSO above 60 days, ")


def test_run_and_test_show_the_notice_that_would_be_queued(db, book, capsys):
    from sqlalchemy import select

    from app.db import session_scope
    from app.models import AppUser, Debtor, OutboxMessage
    from app.services.rules.store import RuleDraft, save_rule

    with session_scope(db) as s:
        marie = s.scalar(select(AppUser).where(AppUser.name == "Marie Curie"))
        s.get(Debtor, book["Atelier"]).account_manager_id = marie.id
        save_rule(s, RuleDraft("Slow payers", {"all": [{"fact": "dso", "op": ">", "value": 60}]},
                               [{"type": "notify", "email": True}], enabled=True), "Alice Martin")
    subject = "Règle « Slow payers » déclenchée pour Atelier Dupuis (C001)"
    code, out, _ = run(capsys, "--db", db.url, "rules", "test", "Slow payers",
                       "--as-of", "2024-03-31")
    assert (f"notice would queue: email to Marie Curie <marie@example.com>: {subject}"
            in out.splitlines())
    code, out, _ = run(capsys, "--db", db.url, "rules", "run", "--as-of", "2024-03-31",
                       "--dry-run", "--format", "json")
    assert [(n["recipient"], n["subject"]) for n in json.loads(out)["notices"]] == [
        ("marie@example.com", subject)]
    code, out, _ = run(capsys, "--db", db.url, "rules", "run", "--as-of", "2024-03-31")
    assert f"notice queued: email to Marie Curie <marie@example.com>: {subject}" in out
    with session_scope(db) as s:
        assert s.scalars(select(OutboxMessage.subject)).all() == [subject]
