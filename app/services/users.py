"""The people who use Collecta: list, add, change, deactivate (never delete — history names them).

Rules, each refused with a UserError naming the user: a name is required and unique whatever its
case; the role is one of USER_ROLES; an email must look like one. The first user of an empty
table is made admin (someone must be able to approve campaigns and manage users), and once an
admin exists the last active one can be neither demoted nor deactivated.

Other rows refer to a user in two ways. By id (debtor account manager, task assignee): a rename
needs nothing. By name: history (activity authors, campaign built_by/decided_by, hold and
dispute-event authors, …) keeps the name it was written with; configuration that names the
user as it is now — rule actions ("user"), rule conditions on the account manager, the owner of
a dispute still open — follows the rename in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.errors import NotFoundError, UserError
from app.models import USER_ROLES, AppUser, Dispute, Rule
from app.services.activity import log_activity
from app.services.dispatch.email_address import InvalidAddress, email_recipients

NAME_MAX = 120  # app_user.name is VARCHAR(120)
OPEN_DISPUTES = ("open", "in_progress")
SYSTEM = "Collecta"


@dataclass(frozen=True)
class UserRow:
    id: int
    name: str
    role: str
    email: str | None
    active: bool


@dataclass(frozen=True)
class UserChange:
    """What add_user/update_user did, in words the CLI prints and the GUI shows."""

    user: UserRow
    message: str
    made_admin: bool = False  # the first user was made admin whatever role was asked


def _row(u: AppUser) -> UserRow:
    return UserRow(u.id, u.name, u.role, u.email, u.active)


def list_users(session: Session, include_inactive: bool = False) -> list[UserRow]:
    q = select(AppUser).order_by(AppUser.name)
    if not include_inactive:
        q = q.where(AppUser.active.is_(True))
    return [_row(u) for u in session.scalars(q)]


def find_user(session: Session, name: str) -> AppUser:
    """The user called `name`: exact spelling first, else the one whose name differs by case."""
    wanted = name.strip()
    users = list(session.scalars(select(AppUser)))
    exact = [u for u in users if u.name == wanted]
    folded = [u for u in users if u.name.casefold() == wanted.casefold()]
    found = exact or folded
    if len(found) != 1:
        raise NotFoundError(f"No Collecta user named '{wanted}'")
    return found[0]


def _clean_name(name: str | None, label: str) -> str:
    value = (name or "").strip()
    if not value:
        raise UserError(f"{label}: a name is required")
    if len(value) > NAME_MAX:
        raise UserError(f"User '{value[:40]}…': the name is longer than {NAME_MAX} characters")
    return value


def _check_unique(session: Session, name: str, except_id: int | None = None) -> None:
    for other_id, other, active in session.execute(
            select(AppUser.id, AppUser.name, AppUser.active)):
        if other_id != except_id and other.casefold() == name.casefold():
            why = (" (names are compared without regard to case)" if other != name
                   else "" if active else " (deactivated: activate that user instead)")
            raise UserError(f"User '{name}': the name is already taken by '{other}'{why}")


def _check_role(name: str, role: str) -> str:
    value = (role or "").strip().lower()
    if value not in USER_ROLES:
        raise UserError(f"User '{name}': role '{role}' is not one of {', '.join(USER_ROLES)}")
    return value


def _clean_email(name: str, email: str | None) -> str | None:
    value = (email or "").strip()
    if not value:
        return None
    try:
        addresses = email_recipients(value)
    except InvalidAddress:
        addresses = ()
    if len(addresses) != 1:
        raise UserError(f"User '{name}': '{value}' is not an email address "
                        "(expected name@example.com)")
    return value  # as typed: sending gives an international domain its ASCII form


def _active_admins(session: Session) -> list[str]:
    return list(session.scalars(select(AppUser.name).where(
        AppUser.role == "admin", AppUser.active.is_(True))))


def add_user(session: Session, name: str, role: str, email: str | None = None, *,
             author: str = SYSTEM) -> UserChange:
    clean = _clean_name(name, "New user")
    asked = _check_role(clean, role)
    mail = _clean_email(clean, email)
    _check_unique(session, clean)
    first = session.scalar(select(AppUser.id).limit(1)) is None
    made_admin = first and asked != "admin"
    user = AppUser(name=clean, role="admin" if first else asked, email=mail, active=True)
    session.add(user)
    session.flush()
    message = f"User '{clean}' added as {user.role}"
    if made_admin:
        message += (f" (the first user is always an admin, so that someone can manage users "
                    f"and approve campaigns; {asked} was asked)")
    log_activity(session, author=author, kind="user_added", summary=message,
                 detail={"user_id": user.id, "role": user.role})
    return UserChange(_row(user), message, made_admin)


def update_user(session: Session, name: str, *, new_name: str | None = None,
                role: str | None = None, email: str | None = None, active: bool | None = None,
                author: str = SYSTEM) -> UserChange:
    """Change what is given (None = keep; email "" = remove the address)."""
    user = find_user(session, name)
    old_name = user.name
    target = old_name if new_name is None else _clean_name(new_name, f"User '{old_name}'")
    if target != old_name:
        _check_unique(session, target, except_id=user.id)
    new_role = user.role if role is None else _check_role(old_name, role)
    new_email = user.email if email is None else _clean_email(old_name, email)
    new_active = user.active if active is None else active
    losing_admin = user.role == "admin" and user.active and (new_role != "admin" or not new_active)
    if losing_admin and _active_admins(session) == [old_name]:
        what = "deactivated" if not new_active else f"made a {new_role}"
        raise UserError(f"User '{old_name}' is the last active admin and cannot be {what}; "
                        "make another user admin first")
    changes = _describe(user, target, new_role, new_email, new_active)
    if not changes:
        return UserChange(_row(user), f"User '{old_name}': nothing to change")
    user.name, user.role, user.email, user.active = target, new_role, new_email, new_active
    if target != old_name:
        _follow_rename(session, old_name, target)
    session.flush()
    message = f"User '{old_name}': {'; '.join(changes)}"
    log_activity(session, author=author, kind="user_changed", summary=message,
                 detail={"user_id": user.id, "changes": changes})
    return UserChange(_row(user), message)


def _describe(user: AppUser, name: str, role: str, email: str | None, active: bool) -> list[str]:
    out = []
    if name != user.name:
        out.append(f"renamed to '{name}'")
    if role != user.role:
        out.append(f"role {user.role} → {role}")
    if email != user.email:
        out.append(f"email {email}" if email else "email removed")
    if active != user.active:
        out.append("activated" if active else "deactivated")
    return out


def _follow_rename(session: Session, old: str, new: str) -> None:
    """Configuration that names the user follows; history keeps the old name (module doc)."""
    session.execute(update(Dispute).where(Dispute.owner == old, Dispute.status.in_(OPEN_DISPUTES))
                    .values(owner=new, version=Dispute.version + 1)
                    .execution_options(synchronize_session=False))
    for rule in session.scalars(select(Rule)):
        actions = [_rename_in_action(a, old, new) for a in rule.actions or []]
        else_actions = [_rename_in_action(a, old, new) for a in rule.else_actions or []]
        condition = _rename_in_condition(rule.condition, old, new)
        if (actions, else_actions, condition) != (rule.actions, rule.else_actions,
                                                  rule.condition):
            rule.actions, rule.else_actions, rule.condition = actions, else_actions, condition


def _rename_in_action(action: Any, old: str, new: str) -> Any:
    if isinstance(action, dict) and action.get("user") == old:
        return {**action, "user": new}
    return action


def _rename_in_condition(node: Any, old: str, new: str) -> Any:
    if not isinstance(node, dict):
        return node
    for group in ("all", "any"):
        if isinstance(node.get(group), list):
            return {**node, group: [_rename_in_condition(n, old, new) for n in node[group]]}
    if node.get("fact") != "account_manager":
        return node
    value = node.get("value")
    if value == old:
        return {**node, "value": new}
    if isinstance(value, list) and old in value:
        return {**node, "value": [new if v == old else v for v in value]}
    return node


def manage_refusal(session: Session, user_name: str) -> str | None:
    """Why `user_name` may not add or change users (None: they may). Only an active admin may,
    except while there is no active admin at all (anyone may then add the first user, made
    admin, or make someone admin: a team is never locked out)."""
    if not _active_admins(session):
        return None
    me = session.scalar(select(AppUser).where(AppUser.name == user_name))
    if me is not None and me.active and me.role == "admin":
        return None
    who = f"{me.name} is a {me.role}" if me is not None and me.active else (
        f"'{user_name}' is not an active user of this database")
    return f"Only an admin can add or change users; {who}"
