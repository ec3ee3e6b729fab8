"""`collecta debtors import-insurer FILE [--insurer NAME]` and the insurer line of
`collecta debtor show`."""

import json

from sqlalchemy import func, select

from app.cli import main
from app.db import session_scope
from app.models import InsurerAssessment
from tests import factories as f


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_import_twice_then_show(db, tmp_path, capsys):
    with session_scope(db) as s:
        f.debtor(s, "C001", "Atelier Dupuis")
    path = tmp_path / "coface.csv"
    path.write_text("ref,score,limit,currency,date\nC001,7.5,50000,EUR,2025-05-01\n")
    args = ("--db", db.url, "debtors", "import-insurer", str(path), "--insurer", "Coface",
            "--user", "Alice Martin")
    assert run(capsys, *args) == (0, "Insurer data from coface.csv (Coface): 1 line(s), "
                                     "1 created, 0 updated, 0 unchanged\n", "")
    assert run(capsys, *args)[1].endswith("0 created, 0 updated, 1 unchanged\n")
    code, out, _ = run(capsys, "--db", db.url, "debtor", "show", "C001", "--as-of", "2025-06-30")
    assert "Coface: score 7.50, limit 50000.00 EUR (assessed 2025-05-01)" in out
    code, out, _ = run(capsys, "--db", db.url, "debtor", "show", "C001", "--as-of", "2025-06-30",
                       "--format", "json")
    assert json.loads(out)["insurer"]["limit_amount"] == "50000.00"


def test_a_bad_line_is_a_one_line_error_and_nothing_is_imported(db, tmp_path, capsys):
    with session_scope(db) as s:
        f.debtor(s, "C001", "Atelier Dupuis")
    path = tmp_path / "coface.csv"
    path.write_text("ref;insurer;score;limit;currency;date\n"
                    "C001;Coface;7;50000;EUR;2025-05-01\nC999;Coface;7;1;EUR;2025-05-01\n")
    code, out, err = run(capsys, "--db", db.url, "debtors", "import-insurer", str(path))
    assert (code, out) == (2, "")
    assert err == ("collecta: coface.csv was not imported: coface.csv line 3, column 'ref': "
                   "'C999' no debtor has this reference\n")
    with session_scope(db) as s:
        assert s.scalar(select(func.count()).select_from(InsurerAssessment)) == 0
