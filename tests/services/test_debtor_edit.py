"""A credit controller corrects a debtor's collection fields (app/services/debtor_edit.py): each
field is checked with a message naming the customer, a change writes one activity saying what
changed from what to what, and a stale version changes nothing."""

from decimal import Decimal

import pytest
from sqlalchemy import select

from app.db import session_scope
from app.errors import ConflictError, UserError
from app.models import Activity, Debtor
from app.services.debtor_edit import edit_choices, editable_debtor, update_debtor
from tests import factories as f

WHO = "Customer C1 (Boulangerie Martin)"


@pytest.fixture
def c1(db):
    with session_scope(db) as s:
        alice = f.user(s, "Alice Martin", role="admin")
        f.user(s, "Bruno Petit", role="manager")
        gone = f.user(s, "Chloé Roux")
        gone.active = False
        d = f.debtor(s, "C1", "Boulangerie Martin", segment="smb", account_manager_id=alice.id,
                     credit_limit=f.D(5000), credit_limit_currency="EUR", tags=["bakery"])
        return d.id


def version(db, debtor_id):
    with session_scope(db) as s:
        return editable_debtor(s, debtor_id).version


def activities(db, debtor_id):
    with session_scope(db) as s:
        return s.execute(select(Activity.author, Activity.kind, Activity.summary)
                         .where(Activity.debtor_id == debtor_id).order_by(Activity.id)).all()


def test_changing_every_field_writes_one_activity_with_before_and_after(db, c1):
    v = version(db, c1)
    with session_scope(db) as s:
        change = update_debtor(s, c1, expected_version=v, account_manager="bruno petit",
                               language="EN", segment="key_accounts",
                               credit_limit=Decimal("8000"), credit_limit_currency="chf",
                               tags=[" bakery", "vip", "VIP", ""], author="Alice Martin")
    summary = ("Collection details changed: account manager Alice Martin → Bruno Petit; "
               "language fr → en; segment smb → key_accounts; "
               "credit limit 5000.00 EUR → 8000.00 CHF; tags bakery → bakery, vip")
    assert (change.message, change.version) == (summary, v + 1)
    assert activities(db, c1) == [("Alice Martin", "debtor_edited", summary)]
    with session_scope(db) as s:
        d = editable_debtor(s, c1)
    assert (d.account_manager, d.language, d.segment, d.credit_limit, d.credit_limit_currency,
            d.tags) == ("Bruno Petit", "en", "key_accounts", Decimal("8000.00"), "CHF",
                        ("bakery", "vip"))


def test_clearing_the_limit_clears_its_currency_and_the_manager(db, c1):
    with session_scope(db) as s:
        change = update_debtor(s, c1, expected_version=version(db, c1), credit_limit=None,
                               account_manager="", segment=" ", tags=[], author="Alice Martin")
    assert change.message == ("Collection details changed: account manager Alice Martin → "
                              "(none); segment smb → (none); credit limit 5000.00 EUR → (none); "
                              "tags bakery → (none)")
    with session_scope(db) as s:
        d = s.get(Debtor, c1)
        assert (d.credit_limit, d.credit_limit_currency, d.account_manager_id, d.segment,
                d.tags) == (None, None, None, None, [])


def test_nothing_changed_writes_nothing(db, c1):
    v = version(db, c1)
    with session_scope(db) as s:
        change = update_debtor(s, c1, expected_version=v, language="fr", segment="smb",
                               tags=["bakery"], author="Alice Martin")
    assert (change.changed, change.message) == (False, f"{WHO}: nothing to change")
    assert activities(db, c1) == [] and version(db, c1) == v


@pytest.mark.parametrize(("fields", "message"), [
    ({"account_manager": "Zoé"},
     f"{WHO}: account manager 'Zoé' is not a Collecta user (see Settings > Users)"),
    ({"account_manager": "Chloé Roux"},
     f"{WHO}: account manager 'Chloé Roux' is deactivated; choose an active user"),
    ({"language": "nl"}, f"{WHO}: language 'nl' has no reminder templates (one of en, fr)"),
    ({"segment": "x" * 41}, f"{WHO}: segment has 41 characters, at most 40 fit"),
    ({"credit_limit": Decimal("-1")}, f"{WHO}: credit limit -1 must be zero or more"),
    ({"credit_limit": Decimal("10.005")},
     f"{WHO}: credit limit 10.005 must be an amount with at most two decimals"),
    ({"credit_limit": Decimal("100"), "credit_limit_currency": "EURO"},
     f"{WHO}: credit limit currency 'EURO' is not an ISO 4217 currency code (three letters, "
     "e.g. EUR, GBP, CHF)"),
    ({"tags": ["x" * 41]}, f"{WHO}: tag 'xxxxxxxxxxxxxxxxxxxx…' is longer than 40 characters"),
])
def test_a_bad_value_names_the_customer_and_field_and_changes_nothing(db, c1, fields, message):
    v = version(db, c1)
    with pytest.raises(UserError) as err, session_scope(db) as s:
        update_debtor(s, c1, expected_version=v, **{"segment": "public_sector", **fields},
                      author="Alice Martin")
    assert str(err.value) == message
    with session_scope(db) as s:
        assert (s.get(Debtor, c1).segment, s.get(Debtor, c1).tags) == ("smb", ["bakery"])
    assert activities(db, c1) == [] and version(db, c1) == v


def test_a_limit_needs_a_currency(db):
    with session_scope(db) as s:
        d = f.debtor(s, "C9", "Sans Limite")
        debtor_id, v = d.id, d.version
    with pytest.raises(UserError, match=r"^Customer C9 \(Sans Limite\): the credit limit "
                       r"needs a currency \(e\.g\. EUR\)$"), session_scope(db) as s:
        update_debtor(s, debtor_id, expected_version=v, credit_limit=Decimal(100),
                      author="Alice Martin")
    with pytest.raises(UserError, match="a credit limit currency needs a credit limit"), \
            session_scope(db) as s:
        update_debtor(s, debtor_id, expected_version=v, credit_limit_currency="EUR",
                      author="Alice Martin")


def test_a_stale_version_is_a_conflict_naming_the_customer(db, c1):
    seen = version(db, c1)
    with session_scope(db) as s:  # a colleague saves first
        update_debtor(s, c1, expected_version=seen, segment="public_sector", author="Bruno")
    with pytest.raises(ConflictError) as err, session_scope(db) as s:
        update_debtor(s, c1, expected_version=seen, segment="key_accounts", author="Alice")
    assert str(err.value) == (f"{WHO} was changed by someone else since you opened it; nothing "
                              "was saved — reload it and make your change again")
    with session_scope(db) as s:
        assert s.get(Debtor, c1).segment == "public_sector"
    assert [a.author for a in activities(db, c1)] == ["Bruno"]


def test_a_save_racing_another_is_a_conflict_too(db, c1):
    """Both read version v; the second UPDATE finds the row at v + 1 and writes nothing."""
    seen = version(db, c1)
    with pytest.raises(ConflictError, match=r"^Customer C1 \(Boulangerie Martin\) was changed"), \
            session_scope(db) as s:
        s.get(Debtor, c1)  # loaded at v
        with session_scope(db) as other:
            update_debtor(other, c1, expected_version=seen, tags=["late"], author="Bruno")
        update_debtor(s, c1, expected_version=seen, tags=["vip"], author="Alice")
    with session_scope(db) as s:
        assert s.get(Debtor, c1).tags == ["late"]


def test_choices_offer_active_users_template_languages_and_known_segments(db, c1):
    with session_scope(db) as s:
        f.debtor(s, "C2", "Mairie", segment="collectivités")
        choices = edit_choices(s)
    assert choices.managers == ("Alice Martin", "Bruno Petit")
    assert choices.languages == ("en", "fr")
    assert choices.segments == ("key_accounts", "smb", "public_sector", "collectivités")
