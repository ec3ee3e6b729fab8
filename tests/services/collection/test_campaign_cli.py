"""`collecta campaign …`, `collecta explain`, `collecta plans list` (issue 5, CLI)."""

import json
from datetime import date

from app.cli import main
from app.db import session_scope
from tests import factories as f


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_build_show_approve_and_explain_from_the_command_line(sqlite_db, capsys):
    url = sqlite_db.url
    with session_scope(sqlite_db) as s:
        f.company(s)
        f.default_plans(s)
        f.user(s, "Claire Dubois", role="manager")
        f.user(s, "Julien Moreau", role="controller")
        d = f.debtor(s, "C1", "Boulangerie Martin")
        f.invoice(s, d, 400, due=date(2025, 5, 1), issued=date(2025, 4, 1), ref="F1")
        f.invoice(s, d, 90, due=date(2025, 7, 1), issued=date(2025, 6, 1), ref="F2")
    code, out, _ = run(capsys, "--db", url, "campaign", "build", "--as-of", "2025-05-04",
                       "--user", "Julien Moreau")
    assert (code, out) == (0, "Campaign #1 for 2025-05-04 built: 1 action(s), 400.00 EUR\n")
    code, out, _ = run(capsys, "--db", url, "campaign", "build", "--as-of", "2025-05-04")
    assert out.startswith("Campaign #1 for 2025-05-04 already exists: 1 action(s)")
    code, out, _ = run(capsys, "--db", url, "campaign", "show", "1", "--format", "json")
    shown = json.loads(out)
    assert shown["campaign"]["status"] == "pending_approval"
    assert [(a["debtor_ref"], a["step_name"], a["channels"], a["total"], a["invoices"])
            for a in shown["actions"]] == [("C1", "First reminder", ["email"], "400.00", ["F1"])]
    code, out, _ = run(capsys, "--db", url, "explain", "F1", "--as-of", "2025-05-04")
    assert out == ("F1 as of 2025-05-04: in campaign #1 of 2025-05-04 (pending approval): "
                   "step 2 'First reminder' by email\n")
    code, _, err = run(capsys, "--db", url, "campaign", "approve", "1", "--user",
                       "Julien Moreau")
    assert (code, err) == (2, "collecta: Julien Moreau is a controller; only a manager or an "
                              "admin can approve or reject a campaign\n")
    code, out, _ = run(capsys, "--db", url, "campaign", "approve", "1", "--user",
                       "Claire Dubois")
    assert (code, out) == (0, "Campaign #1 approved by Claire Dubois: 1 message(s) queued for "
                              "sending (collecta dispatch)\n")
    code, out, _ = run(capsys, "--db", url, "campaign", "list", "--format", "csv")
    assert out.splitlines()[1].startswith("1,2025-05-04,approved,1,0,400.00 EUR,Julien Moreau,")
    code, _, err = run(capsys, "--db", url, "campaign", "reject", "1", "--user",
                       "Claire Dubois", "--reason", "Too late")
    assert (code, err) == (2, "collecta: Campaign #1 is approved; it cannot be rejected\n")
    code, _, err = run(capsys, "--db", url, "explain", "NOPE", "--as-of", "2025-05-04")
    assert (code, err) == (2, "collecta: No invoice with number or reference 'NOPE'\n")


def test_init_installs_the_default_plans_that_plans_list_shows(sqlite_db, capsys):
    assert run(capsys, "--db", sqlite_db.url, "init")[0] == 0
    code, out, _ = run(capsys, "--db", sqlite_db.url, "plans", "list", "--format", "csv")
    assert code == 0
    assert out.splitlines()[0] == "plan,step,name,offset,channels,template,min_amount," \
                                  "business_days,gap"
    assert "Standard,3,Second reminder,10,email + sms,reminder_2,15.00,,5" in out.splitlines()
