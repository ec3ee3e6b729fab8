"""The shell: navigation, honest placeholders, settings page, status bar, window state."""

from PySide6.QtWidgets import QLabel

from app.db import schema_head
from app.services.changes import ChangeSet
from app.services.ledger.sources import add_source  # noqa: E402
from app.views.context import AppContext
from app.views.main_window import MainWindow
from app.views.pages import PlaceholderPage, not_available, page_specs
from app.views.settings_page import SettingsPage
from app.views.settings_store import app_settings
from tests.views.conftest import AS_OF


def test_navigation_lists_every_section(window):
    titles = [window.nav.item(i).text() for i in range(window.nav.count())]
    assert titles == ["Worklist", "Debtors", "Campaigns", "Sending", "Rules", "Dashboard",
                      "Ledger sources", "Settings"]
    assert [s.key for s in page_specs()] == ["worklist", "debtors", "campaigns", "dispatch",
                                              "rules", "dashboard", "sources", "settings"]


def test_sections_without_their_screen_say_so_plainly(window):
    page = not_available("Rules")(window.ctx)
    assert isinstance(page, PlaceholderPage)
    assert page.label.text() == "<h2>Rules</h2><p>This section is not available yet.</p>"
    assert page.findChildren(QLabel) == [page.label]  # nothing else: no sample data


def test_settings_show_the_database_schema_user_and_as_of(window):
    page = window.show_page("settings")
    assert isinstance(page, SettingsPage)
    assert page.database.text() == window.ctx.db.describe()
    assert page.file.text().endswith("collecta.db")
    assert page.schema.text() == schema_head()
    assert page.user.currentData() == "Alice Martin"
    assert [page.user.itemData(i) for i in range(2)] == ["Alice Martin", "Bruno Petit"]
    assert page.as_of.date().toPython() == AS_OF
    page.user.setCurrentIndex(1)
    page.user.activated.emit(1)
    assert window.ctx.user_name == "Bruno Petit"
    assert window.status_user.text() == "User: Bruno Petit"
    assert app_settings().value("user/name") == "Bruno Petit"


def test_status_bar_names_database_user_and_date(window):
    assert window.status_db.text() == window.ctx.db.describe()
    assert window.status_user.text() == "User: Alice Martin"
    assert window.status_as_of.text() == "As of 30/06/2025"


def test_geometry_and_last_page_come_back(window, qtbot, ledger):
    window.show_page("settings")
    window.close()
    saved = app_settings().value("window/geometry")
    assert saved == window.saveGeometry()
    ctx = AppContext(ledger, "Alice Martin", AS_OF, locale="fr_FR")
    again = MainWindow(ctx)
    qtbot.addWidget(again)
    assert isinstance(again.stack.currentWidget(), SettingsPage)
    assert ctx.jobs is not None and ctx.jobs.wait_idle(5000)


def test_another_database_closes_debtor_tabs_and_reloads(window, qtbot, sqlite_template,
                                                         tmp_path):
    import shutil

    from app.db import open_database

    worklist = window.page("worklist")
    window.ctx.open_debtor(worklist.model.row_at(0).debtor_id)
    empty_path = tmp_path / "empty.db"
    shutil.copyfile(sqlite_template, empty_path)
    window.switch_database(open_database(f"sqlite:///{empty_path}"))
    qtbot.waitUntil(lambda: not worklist.loading)
    assert worklist.model.rowCount() == 0
    assert window.page("debtors").debtor_views() == []
    assert window.status_db.text().endswith("empty.db")
    window.ctx.broadcast(ChangeSet(everything=True))


def test_open_database_switches_to_the_chosen_file(window, qtbot, monkeypatch, sqlite_template,
                                                   tmp_path):
    import shutil

    from PySide6.QtWidgets import QFileDialog

    other = tmp_path / "other.db"
    shutil.copyfile(sqlite_template, other)
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *args, **kwargs: (str(other), "")))
    window.open_database_file()
    assert window.ctx.db.url == f"sqlite:///{other.as_posix()}"
    assert app_settings().value("database/last_folder") == str(tmp_path)


def test_open_database_refuses_a_file_that_is_not_one(window, monkeypatch, tmp_path):
    from PySide6.QtWidgets import QFileDialog

    bogus = tmp_path / "letter.db"
    bogus.write_text("Dear customer")
    before = window.ctx.db
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *args, **kwargs: (str(bogus), "")))
    window.open_database_file()
    assert window.ctx.db is before
    box = window.ctx.jobs.error_box()
    assert box is not None
    assert box.text() == f"{bogus} is not a Collecta database (not an SQLite file)"


def test_file_menu_offers_import_and_snapshots_and_the_banner_is_hidden_on_a_live_db(window):
    file_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&File")
    texts = [a.text() for a in file_menu.actions() if a.text()]
    assert "&Import ledger file…" in texts
    assert "Export snapshot for offline review…" in texts
    assert "Open snapshot (read only)…" in texts
    assert window.snapshot_banner.isHidden()
    assert window.status_sync.text() == ""  # no ledger source configured: nothing to report
    add_source(window.ctx.db, "books", "fec", "/nowhere/FEC.txt")
    window.ctx.sync_scheduler.refresh_status()
    assert window.status_sync.text() == "Ledger: never synced"


def test_after_the_first_start_demo_the_user_is_one_of_the_demo_team(qtbot, sqlite_db):
    """At first start the database has no users yet, so the desktop's user is the OS login;
    once the demo ledger (and its team) is in, the status bar names a member of that team."""
    from sqlalchemy import select

    from app.db import session_scope
    from app.models import AppUser
    from app.views.current_user import os_login

    ctx = AppContext(sqlite_db, os_login(), AS_OF, locale="fr_FR")
    w = MainWindow(ctx)
    qtbot.addWidget(w)
    w.fill_with_demo(20, 3)
    assert ctx.jobs is not None and ctx.jobs.wait_idle(60_000)
    qtbot.waitUntil(lambda: ctx.user_name != os_login(), timeout=5_000)
    with session_scope(sqlite_db) as s:
        team = set(s.scalars(select(AppUser.name)))
    assert ctx.user_name in team
    assert w.status_user.text() == f"User: {ctx.user_name}"
    w.close()
