"""Starting the GUI: smoke mode, first start with the demo ledger, an unusable database."""

from pathlib import Path

from app.views.app import run_gui
from app.views.current_user import UserChoice, choose_user


def test_smoke_mode_loads_and_paints_the_worklist(ledger, capsys, qapp):
    assert run_gui(ledger.url, smoke=True) == 0
    assert capsys.readouterr().out == "smoke ok: 4 worklist rows\n"


def test_first_start_generates_the_demo_ledger(tmp_path, capsys, qapp):
    # conftest points COLLECTA_DATA_DIR at tmp_path / "data", where no database exists yet
    assert run_gui(None, smoke=True) == 0
    out = capsys.readouterr().out
    rows = int(out.removeprefix("smoke ok: ").removesuffix(" worklist rows\n"))
    assert 200 <= rows <= 300  # 300 demo debtors, those with something open as of today
    assert (tmp_path / "data" / "collecta.db").is_file()


def test_a_file_that_is_not_a_database_is_refused_with_status_2(tmp_path, capsys, qapp):
    bogus = tmp_path / "notes.db"
    bogus.write_text("these are my notes, not a database")
    assert run_gui(f"sqlite:///{bogus}", smoke=True) == 2
    err = capsys.readouterr().err
    assert err == f"collecta: {Path(bogus)} is not a Collecta database (not an SQLite file)\n"


def test_the_current_user_rule():
    team = [UserChoice("Chloé Durand", "controller"), UserChoice("Bruno Petit", "manager"),
            UserChoice("Alice Martin", "admin")]
    assert choose_user("Chloé Durand", "jdoe", team) == "Chloé Durand"  # saved choice
    assert choose_user("", "bruno petit", team) == "Bruno Petit"  # login matches a user
    assert choose_user("Someone Gone", "jdoe", team) == "Alice Martin"  # first admin
    assert choose_user("", "jdoe", team[:2]) == "Bruno Petit"  # then the first manager
    assert choose_user("", "jdoe", team[:1]) == "Chloé Durand"  # then the first user
    assert choose_user("", "jdoe", []) == "jdoe"  # no users: the login name
