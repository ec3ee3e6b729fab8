"""app/services/users.py: the rules a team's user list keeps (first user admin, names unique
whatever their case, the last active admin kept, emails shaped like emails) and a rename that
leaves configuration pointing at the user while history keeps the name it was written with."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from app.db import session_scope
from app.errors import NotFoundError, UserError
from app.models import Activity, AppUser, Campaign, Debtor, Dispute
from app.services.collection.disputes import open_dispute, set_dispute_status
from app.services.rules.store import RuleDraft, draft_of, find_rule, rule_problems, save_rule
from app.services.users import add_user, list_users, manage_refusal, update_user
from tests import factories as f


def users(db):
    with session_scope(db) as s:
        return [(u.name, u.role, u.email, u.active) for u in list_users(s, include_inactive=True)]


def test_the_first_user_becomes_admin_whatever_role_was_asked(db):
    with session_scope(db) as s:
        first = add_user(s, "  Ana Lopez ", "controller", "ana@example.com", author="setup")
        second = add_user(s, "Bruno Petit", "Controller")
    assert first.made_admin and first.user.role == "admin"
    assert first.message == ("User 'Ana Lopez' added as admin (the first user is always an admin, "
                             "so that someone can manage users and approve campaigns; controller "
                             "was asked)")
    assert not second.made_admin
    assert second.message == "User 'Bruno Petit' added as controller"
    assert users(db) == [("Ana Lopez", "admin", "ana@example.com", True),
                         ("Bruno Petit", "controller", None, True)]
    with session_scope(db) as s:
        logged = s.execute(select(Activity.author, Activity.kind, Activity.debtor_id)
                           .order_by(Activity.id)).all()
    assert logged == [("setup", "user_added", None), ("Collecta", "user_added", None)]


@pytest.mark.parametrize(("name", "role", "email", "message"), [
    ("", "manager", None, "New user: a name is required"),
    ("ana lopez", "manager", None, "User 'ana lopez': the name is already taken by 'Ana Lopez' "
                                   "(names are compared without regard to case)"),
    ("Claire", "boss", None, "User 'Claire': role 'boss' is not one of controller, manager, "
                             "admin"),
    ("Claire", "manager", "claire@example", "User 'Claire': 'claire@example' is not an email "
                                            "address (expected name@example.com)"),
    ("Claire", "manager", "claire dubois@example.com", "User 'Claire': 'claire dubois@example.com'"
                                                       " is not an email address (expected "
                                                       "name@example.com)"),
    ("C" * 121, "manager", None, f"User '{'C' * 40}…': the name is longer than 120 characters"),
])
def test_bad_input_is_refused_naming_the_user_and_nothing_is_added(db, name, role, email,
                                                                   message):
    with session_scope(db) as s:
        add_user(s, "Ana Lopez", "admin")
    with pytest.raises(UserError) as err, session_scope(db) as s:
        add_user(s, name, role, email)
    assert str(err.value) == message
    assert users(db) == [("Ana Lopez", "admin", None, True)]


def test_the_last_active_admin_can_be_neither_demoted_nor_deactivated(db):
    with session_scope(db) as s:
        add_user(s, "Ana Lopez", "admin")
        add_user(s, "Bruno Petit", "manager")
    for change, what in (({"role": "manager"}, "made a manager"), ({"active": False},
                                                                   "deactivated")):
        with pytest.raises(UserError) as err, session_scope(db) as s:
            update_user(s, "ana lopez", **change)
        assert str(err.value) == (f"User 'Ana Lopez' is the last active admin and cannot be "
                                  f"{what}; make another user admin first")
    # With a second admin, the first may step down; then the second is the last one.
    with session_scope(db) as s:
        assert update_user(s, "Bruno Petit", role="admin").message == (
            "User 'Bruno Petit': role manager → admin")
        assert update_user(s, "Ana Lopez", active=False).message == (
            "User 'Ana Lopez': deactivated")
    with pytest.raises(UserError, match="'Bruno Petit' is the last active admin"), \
            session_scope(db) as s:
        update_user(s, "Bruno Petit", role="controller")
    assert users(db) == [("Ana Lopez", "admin", None, False), ("Bruno Petit", "admin", None, True)]
    with session_scope(db) as s:  # a deactivated user keeps the name: activate rather than re-add
        with pytest.raises(UserError) as err:
            add_user(s, "Ana Lopez", "manager")
        assert str(err.value) == ("User 'Ana Lopez': the name is already taken by 'Ana Lopez' "
                                  "(deactivated: activate that user instead)")
        update_user(s, "Ana Lopez", active=True)
        assert [u.name for u in list_users(s)] == ["Ana Lopez", "Bruno Petit"]


def test_update_checks_every_field_and_names_a_missing_user(db):
    with session_scope(db) as s:
        add_user(s, "Ana Lopez", "admin", "ana@example.com")
        add_user(s, "Bruno Petit", "controller")
    with pytest.raises(NotFoundError, match="No Collecta user named 'Zoé'"), \
            session_scope(db) as s:
        update_user(s, "Zoé", role="manager")
    with pytest.raises(UserError) as err, session_scope(db) as s:
        update_user(s, "Bruno Petit", new_name="ANA LOPEZ")
    assert str(err.value) == ("User 'ANA LOPEZ': the name is already taken by 'Ana Lopez' "
                              "(names are compared without regard to case)")
    with pytest.raises(UserError, match="^User 'Bruno Petit': a name is required$"), \
            session_scope(db) as s:
        update_user(s, "Bruno Petit", new_name="  ")
    with pytest.raises(UserError, match="^User 'Bruno Petit': 'bruno@' is not an email"), \
            session_scope(db) as s:
        update_user(s, "Bruno Petit", role="manager", email="bruno@")  # role not half-written
    with session_scope(db) as s:
        assert update_user(s, "Ana Lopez", email="").message == "User 'Ana Lopez': email removed"
        assert update_user(s, "Ana Lopez", role="admin").message == (
            "User 'Ana Lopez': nothing to change")
    assert users(db) == [("Ana Lopez", "admin", None, True),
                         ("Bruno Petit", "controller", None, True)]


def test_a_rename_keeps_configuration_pointing_at_the_user_and_history_as_written(db):
    on = date(2025, 6, 30)
    with session_scope(db) as s:
        ana = f.user(s, "Ana Lopez", role="admin")
        f.user(s, "Bruno Petit", role="manager")
        f.default_plans(s)
        d = f.debtor(s, "C1", "Boulangerie Martin", account_manager_id=ana.id)
        inv1 = f.invoice(s, d, 400, due=date(2025, 5, 1))
        inv2 = f.invoice(s, d, 300, due=date(2025, 5, 2))
        open_one = open_dispute(s, d.id, [inv1.id], category="pricing", reason="Wrong price",
                                author="Ana Lopez", on=on).dispute_id
        closed = open_dispute(s, d.id, [inv2.id], category="quality", reason="Broken",
                              author="Ana Lopez", on=on).dispute_id
        set_dispute_status(s, closed, "rejected", author="Ana Lopez", on=on, note="No proof")
        save_rule(s, RuleDraft(
            name="Big accounts to Ana",
            condition={"all": [{"fact": "account_manager", "op": "in",
                                "value": ["Ana Lopez", "Bruno Petit"]},
                               {"any": [{"fact": "account_manager", "op": "=",
                                         "value": "Ana Lopez"}]}]},
            actions=[{"type": "assign_manager", "user": "Ana Lopez"}],
            else_actions=[{"type": "create_task", "kind": "call", "user": "Ana Lopez",
                           "due_in_days": 2}]), author="Ana Lopez")
        s.add(Campaign(as_of=on, as_of_key=on, status="draft", built_by="Ana Lopez",
                       built_at=datetime(2025, 6, 30, 8, 0, tzinfo=UTC)))
    with session_scope(db) as s:
        change = update_user(s, "Ana Lopez", new_name="Ana García", author="Ana Lopez")
    assert change.message == "User 'Ana Lopez': renamed to 'Ana García'"
    with session_scope(db) as s:
        rule = find_rule(s, "Big accounts to Ana")
        assert rule.actions == [{"type": "assign_manager", "user": "Ana García"}]
        assert rule.else_actions[0]["user"] == "Ana García"
        assert rule.condition == {"all": [
            {"fact": "account_manager", "op": "in", "value": ["Ana García", "Bruno Petit"]},
            {"any": [{"fact": "account_manager", "op": "=", "value": "Ana García"}]}]}
        assert rule_problems(s, draft_of(rule)) == []  # the rule still saves as it is
        assert rule.updated_by == "Ana Lopez"
        assert s.get(Dispute, open_one).owner == "Ana García"
        assert s.get(Dispute, closed).owner == "Ana Lopez"  # a closed dispute is history
        assert s.scalar(select(Campaign.built_by)) == "Ana Lopez"
        assert s.scalar(select(func.count()).select_from(Activity).where(
            Activity.author == "Ana Lopez")) >= 4
        manager = s.scalar(select(AppUser.name).join(
            Debtor, Debtor.account_manager_id == AppUser.id))
        assert manager == "Ana García"  # ids need nothing


def test_only_an_active_admin_may_manage_users_once_one_exists(db):
    with session_scope(db) as s:
        assert manage_refusal(s, "anyone") is None  # nobody yet: anyone adds the first admin
        add_user(s, "Ana Lopez", "admin")
        add_user(s, "Bruno Petit", "manager")
        assert manage_refusal(s, "Ana Lopez") is None
        assert manage_refusal(s, "Bruno Petit") == ("Only an admin can add or change users; "
                                                     "Bruno Petit is a manager")
        assert manage_refusal(s, "jdoe") == ("Only an admin can add or change users; 'jdoe' is "
                                             "not an active user of this database")
