"""`collecta users …` and `collecta init --admin`: a firm that starts from an empty database
creates its team from the command line, and its first manager can approve a campaign."""

import json
from datetime import date

import pytest

from app.cli import main
from app.db import session_scope
from tests import factories as f


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def listed(capsys, url, *extra):
    code, out, err = run(capsys, "--db", url, "users", "list", "--all", "--format", "json",
                         *extra)
    assert (code, err) == (0, "")
    return json.loads(out)


def test_add_list_set_deactivate_and_activate(db, capsys):
    url = db.url
    code, out, _ = run(capsys, "--db", url, "users", "list")
    assert (code, out) == (0, "No users yet: add the first with `collecta users add NAME "
                              "--role admin`\n")
    code, out, _ = run(capsys, "--db", url, "users", "add", "Claire Dubois", "--role", "manager",
                       "--email", "claire@example.com")
    assert (code, out) == (0, "User 'Claire Dubois' added as admin (the first user is always an "
                              "admin, so that someone can manage users and approve campaigns; "
                              "manager was asked)\n")
    assert run(capsys, "users", "add", "Julien Moreau", "--role", "controller", "--db", url)[:2] \
        == (0, "User 'Julien Moreau' added as controller\n")
    code, out, _ = run(capsys, "--db", url, "users", "set", "julien moreau", "--name",
                       "Julien Moreau-Petit", "--role", "manager", "--email", "jm@example.com")
    assert (code, out) == (0, "User 'Julien Moreau': renamed to 'Julien Moreau-Petit'; role "
                              "controller → manager; email jm@example.com\n")
    code, out, _ = run(capsys, "--db", url, "users", "deactivate", "Julien Moreau-Petit")
    assert (code, out) == (0, "User 'Julien Moreau-Petit': deactivated\n")
    code, out, _ = run(capsys, "--db", url, "users", "list")
    assert out == ("name           role   email               active\n"
                   "Claire Dubois  admin  claire@example.com  yes\n")
    assert listed(capsys, url) == [
        {"name": "Claire Dubois", "role": "admin", "email": "claire@example.com", "active": True},
        {"name": "Julien Moreau-Petit", "role": "manager", "email": "jm@example.com",
         "active": False}]
    code, out, _ = run(capsys, "--db", url, "users", "activate", "Julien Moreau-Petit")
    assert (code, out) == (0, "User 'Julien Moreau-Petit': activated\n")
    code, out, _ = run(capsys, "--db", url, "users", "list", "--format", "json")
    assert [u["name"] for u in json.loads(out)] == ["Claire Dubois", "Julien Moreau-Petit"]


@pytest.mark.parametrize(("argv", "message"), [
    (("add", "claire dubois", "--role", "manager"),
     "User 'claire dubois': the name is already taken by 'Claire Dubois' (names are compared "
     "without regard to case)"),
    (("add", "Zoé", "--role", "boss"),
     "User 'Zoé': role 'boss' is not one of controller, manager, admin"),
    (("add", "Zoé", "--role", "manager", "--email", "zoe.example.com"),
     "User 'Zoé': 'zoe.example.com' is not an email address (expected name@example.com)"),
    (("add", "Zoé"), "users add: the following arguments are required: --role"),
    (("set", "Claire Dubois", "--role", "manager"),
     "User 'Claire Dubois' is the last active admin and cannot be made a manager; make another "
     "user admin first"),
    (("deactivate", "Claire Dubois"),
     "User 'Claire Dubois' is the last active admin and cannot be deactivated; make another "
     "user admin first"),
    (("set", "Julien Moreau", "--name", "Claire Dubois", "--role", "manager"),
     "User 'Claire Dubois': the name is already taken by 'Claire Dubois'"),
    (("set", "Julien Moreau"), "users set Julien Moreau: give --name, --role or --email"),
    (("activate", "Nobody"), "No Collecta user named 'Nobody'"),
])
def test_bad_input_exits_2_with_one_line_and_changes_nothing(db, capsys, argv, message):
    with session_scope(db) as s:
        f.user(s, "Claire Dubois", role="admin")
        f.user(s, "Julien Moreau", role="controller")
    before = listed(capsys, db.url)
    code, out, err = run(capsys, "--db", db.url, "users", *argv)
    assert (code, out, err) == (2, "", f"collecta: {message}\n")
    assert listed(capsys, db.url) == before


def test_init_admin_creates_the_first_admin_once(db, capsys):
    code, out, _ = run(capsys, "--db", db.url, "init", "--admin", "Claire Dubois",
                       "--admin-email", "claire@example.com")
    assert code == 0
    assert out.splitlines()[0] == "User 'Claire Dubois' added as admin"
    assert out.splitlines()[1].startswith("Database ready: ")
    code, out, _ = run(capsys, "--db", db.url, "init", "--admin", "claire dubois")
    assert out.splitlines()[0] == "User 'Claire Dubois' is already an admin"
    code, out, err = run(capsys, "--db", db.url, "init", "--admin", "Someone Else")
    assert (code, out, err) == (2, "", "collecta: --admin Someone Else: this database already "
                                       "has 1 user(s); use `collecta users add` or `collecta "
                                       "users set`\n")
    code, _, err = run(capsys, "--db", db.url, "init", "--admin-email", "x@example.com")
    assert (code, err) == (2, "collecta: --admin-email needs --admin NAME\n")
    assert listed(capsys, db.url) == [{"name": "Claire Dubois", "role": "admin",
                                       "email": "claire@example.com", "active": True}]


def test_a_database_from_init_gets_a_manager_who_can_approve(db, capsys):
    url = db.url
    assert run(capsys, "--db", url, "init")[0] == 0
    with session_scope(db) as s:
        f.company(s)
        d = f.debtor(s, "C1", "Boulangerie Martin")
        f.contact(s, d, email="compta@boulangerie-martin.fr")
        f.invoice(s, d, 400, due=date(2025, 5, 1), issued=date(2025, 4, 1), ref="F1")
    code, out, _ = run(capsys, "--db", url, "campaign", "build", "--as-of", "2025-05-04",
                       "--user", "Ana")
    assert (code, out) == (0, "Campaign #1 for 2025-05-04 built: 1 action(s), 400.00 EUR\n")
    code, out, err = run(capsys, "--db", url, "campaign", "approve", "1", "--user", "Ana")
    assert (code, out, err) == (2, "", "collecta: 'Ana' is not an active Collecta user; only a "
                                       "manager or an admin can approve or reject a campaign\n")

    code, out, _ = run(capsys, "--db", url, "users", "add", "Ana", "--role", "manager")
    assert code == 0 and out.startswith("User 'Ana' added as admin (the first user")
    code, out, _ = run(capsys, "--db", url, "users", "add", "Marc", "--role", "controller")
    code, _, err = run(capsys, "--db", url, "campaign", "approve", "1", "--user", "Marc")
    assert (code, err) == (2, "collecta: Marc is a controller; only a manager or an admin can "
                              "approve or reject a campaign\n")
    code, out, _ = run(capsys, "--db", url, "campaign", "approve", "1", "--user", "Ana")
    assert (code, out) == (0, "Campaign #1 approved by Ana: 1 message(s) queued for "
                              "sending (collecta dispatch)\n")
    code, out, _ = run(capsys, "--db", url, "campaign", "list", "--format", "json")
    assert [(c["status"], c["decided_by"]) for c in json.loads(out)] == [("approved", "Ana")]


def test_list_says_when_only_deactivated_users_are_left(db, capsys):
    with session_scope(db) as s:  # a database from before users were managed: no admin at all
        f.user(s, "Julien Moreau", role="controller").active = False
    code, out, _ = run(capsys, "--db", db.url, "users", "list")
    assert (code, out) == (0, "No active users (`--all` shows the deactivated ones)\n")
    code, out, _ = run(capsys, "--db", db.url, "users", "activate", "julien moreau")
    assert (code, out) == (0, "User 'Julien Moreau': activated\n")
