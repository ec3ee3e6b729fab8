"""What a rule does to a debtor (issue 7): move to plan, assign account manager (a named user or
round-robin in a team = the active users of a role), add or remove a tag, create a task (call or
review), put on hold until a date, notify (an activity, and with "email": true also an email to
the debtor's account manager or to a named "user"), flag over-limit.

Actions are JSON: {"type": "move_to_plan", "plan": "High risk"}. `action_problems` checks them
against the database (missing plan or user → a problem naming the action); `plan_action` turns one
action for one debtor into a `Change` (what would change, in words); `apply_change` writes it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import utcnow
from app.models import TASK_KINDS, USER_ROLES, AppUser, Debtor, DebtorPlan, ReminderPlan, Task
from app.services.collection.holds import new_hold
from app.services.rules.conditions import Problem

ACTION_TYPES: dict[str, str] = {
    "move_to_plan": "Move to plan", "assign_manager": "Assign account manager",
    "add_tag": "Add tag", "remove_tag": "Remove tag", "create_task": "Create task",
    "hold": "Put on hold", "notify": "Notify", "flag_over_limit": "Flag over-limit",
}
OVERLIMIT_TAG = "OVERLIMIT"


@dataclass(frozen=True, slots=True)
class Change:
    """One action of one rule on one debtor; `slot` names what it sets (two rules setting the
    same slot of one debtor in one run conflict: the higher priority wins)."""

    rule_id: int
    rule_name: str
    priority: int
    debtor_id: int
    action: str
    slot: str
    words: str  # "moved this debtor to High risk"
    reason: str  # "DSO 74.2 > 60"
    leaving: bool  # fired because the condition stopped holding
    params: tuple[tuple[str, Any], ...] = field(default=())

    def summary(self) -> str:
        return f"Rule '{self.rule_name}' {self.words}: {self.reason}"


@dataclass
class Directory:
    """Plans and users by name, and the round-robin position of each team, for one run."""

    plans: dict[str, int]
    users: dict[str, int]
    teams: dict[str, list[str]]
    turn: dict[str, int] = field(default_factory=dict)
    emails: dict[str, str | None] = field(default_factory=dict)

    @classmethod
    def load(cls, session: Session) -> Directory:
        users = session.execute(select(AppUser.name, AppUser.id, AppUser.role, AppUser.active,
                                       AppUser.email).order_by(AppUser.name)).all()
        teams: dict[str, list[str]] = {}
        for name, _, role, active, _ in users:
            if active:
                teams.setdefault(role, []).append(name)
        return cls(plans=dict(session.execute(
            select(ReminderPlan.name, ReminderPlan.id).where(ReminderPlan.active)).all()),
            users={n: i for n, i, _, _, _ in users}, teams=teams,
            emails={n: (e or "").strip() or None for n, _, _, _, e in users})

    def next_in(self, team: str) -> str:
        members = self.teams[team]
        n = self.turn.get(team, 0)
        self.turn[team] = n + 1
        return members[n % len(members)]


def _assignee_problem(a: dict[str, Any], where: str, d: Directory) -> Problem | None:
    if a.get("user"):
        return None if a["user"] in d.users else Problem(where, f"no user named '{a['user']}'")
    if a.get("team"):
        if a["team"] not in USER_ROLES:
            return Problem(where, f"no team '{a['team']}' (teams: {', '.join(USER_ROLES)})")
        return None if d.teams.get(a["team"]) else Problem(
            where, f"team '{a['team']}' has no active user")
    return Problem(where, "choose a user or a team")


def action_problems(actions: Any, directory: Directory, label: str = "action") -> list[Problem]:
    if not isinstance(actions, list):
        return [Problem(label, "actions must be a list")]
    out: list[Problem] = []
    for i, a in enumerate(actions, start=1):
        where = f"{label} {i}"
        kind = a.get("type") if isinstance(a, dict) else None
        if kind not in ACTION_TYPES:
            out.append(Problem(where, f"unknown action {kind!r}"))
            continue
        where = f"{where} ({ACTION_TYPES[kind]})"
        if kind == "move_to_plan" and a.get("plan") not in directory.plans:
            out.append(Problem(where, f"no active plan named '{a.get('plan')}'"))
        elif kind == "assign_manager" or kind == "create_task":
            p = _assignee_problem(a, where, directory)
            if p is not None:
                out.append(p)
            if kind == "create_task" and a.get("kind") not in TASK_KINDS:
                out.append(Problem(where, "task kind must be call or review"))
        elif kind in ("add_tag", "remove_tag") and not str(a.get("tag", "")).strip():
            out.append(Problem(where, "needs a tag"))
        elif kind == "hold" and not (isinstance(a.get("days"), int) and a["days"] > 0):
            out.append(Problem(where, "needs a number of days above 0"))
        elif kind == "notify":
            p = _email_problem(a, where, directory)
            if p is not None:
                out.append(p)
    return out


def _email_problem(a: dict[str, Any], where: str, d: Directory) -> Problem | None:
    """"Also email": to the debtor's account manager, or to a named user who has an email."""
    if not isinstance(a.get("email", False), bool):
        return Problem(where, "'email' must be true or false")
    user = a.get("user")
    if not a.get("email") or not user:
        return None
    if user not in d.users:
        return Problem(where, f"no user named '{user}' to email")
    if not d.emails.get(user):
        return Problem(where, f"{user} has no email address: add one to the user, or email the "
                              "debtor's account manager instead")
    return None


def email_target(a: dict[str, Any], manager: Any, d: Directory) -> tuple[str | None, str | None,
                                                                         str | None]:
    """(user, address, why not) of a notify action's email: the named user, else the debtor's
    account manager (who may be missing or have no address: then why not)."""
    if not a.get("email"):
        return None, None, None
    user = a.get("user") or (manager if isinstance(manager, str) and manager else None)
    if user is None:
        return None, None, "this debtor has no account manager"
    address = d.emails.get(user)
    if not address:
        return user, None, f"{user} has no email address"
    return user, address, None


def plan_action(a: dict[str, Any], row: dict[str, Any], directory: Directory, as_of: date,
                base: dict[str, Any]) -> Change | None:
    """The change `a` makes to the debtor of `row` (its facts), None when nothing would change."""
    kind = a["type"]
    if kind == "move_to_plan":
        if row.get("plan") == a["plan"]:
            return None
        return Change(**base, action=kind, slot="plan", words=f"moved this debtor to {a['plan']}",
                      params=(("plan", a["plan"]),))
    if kind == "assign_manager":
        who = a.get("user") or directory.next_in(a["team"])
        if row.get("account_manager") == who:
            return None
        return Change(**base, action=kind, slot="manager",
                      words=f"assigned this debtor to {who}", params=(("user", who),))
    if kind in ("add_tag", "remove_tag", "flag_over_limit"):
        tag = OVERLIMIT_TAG if kind == "flag_over_limit" else str(a["tag"]).strip()
        adding = kind != "remove_tag"
        if (tag in row.get("tags", ())) == adding:
            return None
        words = ("flagged this debtor over its credit limit" if kind == "flag_over_limit"
                 else f"{'tagged' if adding else 'removed the tag'} {tag}"
                 + (" on this debtor" if adding else " from this debtor"))
        return Change(**base, action=kind, slot=f"tag:{tag}", words=words,
                      params=(("tag", tag), ("add", adding)))
    if kind == "create_task":
        who = a.get("user") or directory.next_in(a["team"])
        due = as_of + timedelta(days=int(a.get("due_in_days", 0)))
        return Change(**base, action=kind, slot=f"task:{base['rule_id']}:{a['kind']}",
                      words=f"created a {a['kind']} task for {who} due {due.isoformat()}",
                      params=(("kind", a["kind"]), ("user", who), ("due", due),
                              ("note", a.get("note"))))
    if kind == "hold":
        until = as_of + timedelta(days=int(a["days"]))
        return Change(**base, action=kind, slot="hold",
                      words=f"put this debtor on hold until {until.isoformat()}",
                      params=(("until", until),))
    words = a.get("message") or "notified the account manager"
    user, address, why_not = email_target(a, row.get("account_manager"), directory)
    params: tuple[tuple[str, Any], ...] = (("message", a.get("message")),)
    if address:
        words += f" and emailed {user} <{address}>"
        params += (("email_user", user), ("email", address))
    elif why_not:
        words += f" (no email sent: {why_not})"
    return Change(**base, action=kind, slot=f"notify:{base['rule_id']}", words=words,
                  params=params)


@dataclass
class Loaded:
    """The rows a run changes, loaded in bulk beforehand (debtor id → row)."""

    debtors: dict[int, Debtor] = field(default_factory=dict)
    plans: dict[int, DebtorPlan] = field(default_factory=dict)

    def debtor(self, session: Session, debtor_id: int) -> Debtor:
        found = self.debtors.get(debtor_id) or session.get(Debtor, debtor_id)
        assert found is not None
        return found


def apply_change(session: Session, c: Change, directory: Directory, as_of: date,
                 author: str, loaded: Loaded | None = None) -> None:
    """Write one change (the caller logs the activity and owns the transaction)."""
    p = dict(c.params)
    rows = loaded if loaded is not None else Loaded()
    if c.action == "move_to_plan":
        row = rows.plans.get(c.debtor_id) if loaded is not None else session.get(
            DebtorPlan, c.debtor_id)
        plan_id = directory.plans[p["plan"]]
        if row is None:
            row = DebtorPlan(debtor_id=c.debtor_id, plan_id=plan_id, assigned_at=utcnow(),
                             assigned_by=author)
            session.add(row)
            rows.plans[c.debtor_id] = row
        else:
            row.plan_id, row.assigned_at, row.assigned_by = plan_id, utcnow(), author
    elif c.action == "assign_manager":
        rows.debtor(session, c.debtor_id).account_manager_id = directory.users[p["user"]]
    elif c.action in ("add_tag", "remove_tag", "flag_over_limit"):
        debtor = rows.debtor(session, c.debtor_id)
        tags = [t for t in (debtor.tags or []) if t != p["tag"]]
        debtor.tags = tags + [p["tag"]] if p["add"] else tags
    elif c.action == "create_task":
        session.add(Task(kind=p["kind"], debtor_id=c.debtor_id,
                         assignee_id=directory.users[p["user"]], due_date=p["due"],
                         status="open", note=p["note"] or c.summary(), created_by=author,
                         created_at=utcnow(), rule_id=c.rule_id))
    elif c.action == "hold":
        new_hold(session, c.debtor_id, "manual", author=author, reason=c.summary(),
                 start=as_of, end=p["until"])


__all__ = ["ACTION_TYPES", "OVERLIMIT_TAG", "Change", "Directory", "Loaded", "action_problems",
           "apply_change", "email_target", "plan_action"]
