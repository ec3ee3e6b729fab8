"""Who is using Collecta on this desktop.

The rule, in order: the name saved in QSettings "user/name" if it is an active user of the
database; else the OS login name if it matches a user (case-insensitive); else the first admin,
then the first manager, then the first user of the database; with no users at all, the saved
name or the OS login. Settings has a switcher that saves the choice.
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass

from sqlalchemy import select

from app.db import Database
from app.models import AppUser
from app.views.settings_store import app_settings, read_str

SETTINGS_KEY = "user/name"


@dataclass(frozen=True)
class UserChoice:
    name: str
    role: str


def os_login() -> str:
    try:
        return getpass.getuser() or "user"
    except (OSError, KeyError):
        return "user"


def list_users(db: Database) -> list[UserChoice]:
    with db.sessions() as session:
        rows = session.execute(
            select(AppUser.name, AppUser.role).where(AppUser.active.is_(True)).order_by(AppUser.id)
        ).all()
    return [UserChoice(name, role) for name, role in rows]


def choose_user(saved: str, login: str, users: list[UserChoice]) -> str:
    names = {u.name for u in users}
    if saved and saved in names:
        return saved
    for u in users:
        if u.name.casefold() == login.casefold():
            return u.name
    for role in ("admin", "manager"):
        for u in users:
            if u.role == role:
                return u.name
    if users:
        return users[0].name
    return saved or login


def current_user_name(db: Database) -> str:
    return choose_user(read_str(app_settings(), SETTINGS_KEY), os_login(), list_users(db))


def save_user_name(name: str) -> None:
    app_settings().setValue(SETTINGS_KEY, name)
