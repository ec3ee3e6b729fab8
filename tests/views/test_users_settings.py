"""Settings → Users: an admin adds a manager through the dialog and sees them in the table and in
the "Current user" list; a refused change is explained naming the user; a controller sees the
buttons disabled and why; on an empty database anyone adds the first user, who becomes admin."""

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox
from sqlalchemy import select

from app.db import session_scope
from app.models import AppUser
from app.views.context import AppContext
from app.views.settings_page import SettingsPage
from app.views.users_settings import UsersSettings
from tests import factories as f
from tests.views.conftest import AS_OF

SHOTS = Path("/tmp/shots")


def click(qtbot, widget):
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def users_tab(window, qtbot):
    page = window.show_page("settings")
    index = next(i for i in range(page.tabs.count()) if page.tabs.tabText(i) == "Users")
    bar = page.tabs.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    users = page.tabs.currentWidget()
    assert isinstance(users, UsersSettings)
    return page, users


def table(users):
    return [tuple(users.table.item(r, c).text() for c in range(4))
            for r in range(users.table.rowCount())]


def combo(page):
    return [page.user.itemText(i) for i in range(page.user.count())]


def fill_and_ok(qtbot, dialog, name, role, email):
    dialog.name.setText(name)
    dialog.role.setCurrentIndex(dialog.role.findData(role))
    dialog.email.setText(email)
    click(qtbot, dialog.buttons.button(QDialogButtonBox.StandardButton.Ok))


def select_user(users, name):
    row = next(r for r in range(users.table.rowCount())
               if users.table.item(r, 0).text().startswith(name))
    users.table.selectRow(row)


def test_an_admin_adds_a_manager_who_appears_in_the_table_and_the_user_list(window, ledger,
                                                                            qtbot):
    window.resize(1280, 800)
    page, users = users_tab(window, qtbot)
    assert table(users) == [("Alice Martin (you)", "admin", "alice@example.com", "yes"),
                            ("Bruno Petit", "manager", "bruno@example.com", "yes")]
    assert users.add_button.isEnabled() and users.add_button.toolTip() == ""

    click(qtbot, users.add_button)
    dialog = users.dialog
    assert dialog is not None and dialog.isVisible()
    # A name taken whatever its case: said in the dialog, which stays open with what was typed.
    fill_and_ok(qtbot, dialog, "bruno petit", "manager", "claire@example.com")
    assert dialog.isVisible()
    assert dialog.error.text() == ("User 'bruno petit': the name is already taken by 'Bruno "
                                   "Petit' (names are compared without regard to case)")
    fill_and_ok(qtbot, dialog, "Claire Dubois", "manager", "claire@example")
    assert dialog.error.text() == ("User 'Claire Dubois': 'claire@example' is not an email "
                                   "address (expected name@example.com)")
    qtbot.keyClicks(dialog.email, ".fr")
    assert not dialog.error.isVisible()  # typing again clears the old complaint
    dialog.email.setText("claire.dubois@example.com")
    SHOTS.mkdir(exist_ok=True)
    dialog.grab().save(str(SHOTS / "users_add_dialog.png"))
    click(qtbot, dialog.buttons.button(QDialogButtonBox.StandardButton.Ok))
    assert not dialog.isVisible()
    assert table(users) == [("Alice Martin (you)", "admin", "alice@example.com", "yes"),
                            ("Bruno Petit", "manager", "bruno@example.com", "yes"),
                            ("Claire Dubois", "manager", "claire.dubois@example.com", "yes")]
    assert users.status.text() == "User 'Claire Dubois' added as manager"
    assert users.selected().name == "Claire Dubois"
    assert "Claire Dubois (manager)" in combo(page)

    # The last admin cannot deactivate herself: the reason names her; nothing changes.
    select_user(users, "Alice Martin")
    assert users.active_button.text() == "Deactivate"
    click(qtbot, users.active_button)
    assert users.status.text() == ("User 'Alice Martin' is the last active admin and cannot be "
                                   "deactivated; make another user admin first")
    # Bruno leaves: deactivated, out of the current-user list, and back again.
    select_user(users, "Bruno Petit")
    click(qtbot, users.active_button)
    assert table(users)[1] == ("Bruno Petit", "manager", "bruno@example.com", "no")
    assert users.active_button.text() == "Activate"
    assert "Bruno Petit (manager)" not in combo(page)
    select_user(users, "Claire Dubois")
    window.grab().save(str(SHOTS / "users_tab.png"))
    select_user(users, "Bruno Petit")
    click(qtbot, users.active_button)
    assert "Bruno Petit (manager)" in combo(page)
    with session_scope(ledger) as s:
        assert s.scalar(select(AppUser.role).where(AppUser.name == "Claire Dubois")) == "manager"


def test_an_admin_who_renames_herself_stays_the_current_user(window, ledger, qtbot):
    page, users = users_tab(window, qtbot)
    select_user(users, "Alice Martin")
    click(qtbot, users.edit_button)
    dialog = users.dialog
    assert (dialog.name.text(), dialog.role.currentData()) == ("Alice Martin", "admin")
    fill_and_ok(qtbot, dialog, "Alice Martin-Roy", "admin", "alice@example.com")
    assert users.status.text() == "User 'Alice Martin': renamed to 'Alice Martin-Roy'"
    assert page.ctx.user_name == "Alice Martin-Roy"
    assert window.status_user.text() == "User: Alice Martin-Roy"
    assert page.user.currentText() == "Alice Martin-Roy (admin)"
    assert table(users)[0][0] == "Alice Martin-Roy (you)"
    assert users.add_button.isEnabled()


def test_a_controller_sees_the_buttons_disabled_and_why(ledger, qtbot):
    with session_scope(ledger) as s:
        f.user(s, "Chloé Bernard", role="controller")
    page = SettingsPage(AppContext(ledger, "Chloé Bernard", AS_OF, locale="fr_FR"))
    qtbot.addWidget(page)
    users = next(page.tabs.widget(i) for i in range(page.tabs.count())
                 if page.tabs.tabText(i) == "Users")
    select_user(users, "Bruno Petit")
    why = "Only an admin can add or change users; Chloé Bernard is a controller"
    for button in (users.add_button, users.edit_button, users.active_button):
        assert not button.isEnabled()
        assert button.toolTip() == why
    assert users.status.text() == why
    assert [r[0] for r in table(users)] == ["Alice Martin", "Bruno Petit", "Chloé Bernard (you)"]


def test_on_an_empty_database_anyone_adds_the_first_user_who_becomes_admin(sqlite_db, qtbot):
    ctx = AppContext(sqlite_db, "jdoe", AS_OF, locale="fr_FR")
    users = UsersSettings(ctx)
    qtbot.addWidget(users)
    assert table(users) == []
    assert users.status.text().startswith("There are no users yet: the first user you add "
                                          "becomes an admin")
    assert users.add_button.isEnabled()
    click(qtbot, users.add_button)
    dialog = users.dialog
    assert dialog.note.text() == "The first user is always an admin."
    fill_and_ok(qtbot, dialog, "Ana Lopez", "controller", "")
    assert table(users) == [("Ana Lopez", "admin", "", "yes")]
    assert users.status.text().startswith("User 'Ana Lopez' added as admin (the first user is "
                                          "always an admin")
    # jdoe is not Ana: now that an admin exists, only she may change users.
    assert not users.add_button.isEnabled()
