"""A credit controller fixes a debtor's contacts (app/services/contact_edit.py): checked fields,
one activity per change, the debtor's version guards every write, queued reminders follow the
primary contact, and the last contact stays while reminders wait for it."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from app.db import session_scope
from app.errors import ConflictError, NotFoundError, UserError
from app.models import Activity, Contact, Debtor, OutboxMessage
from app.services.contact_edit import (
    add_contact,
    remove_contact,
    set_primary_contact,
    update_contact,
)
from app.services.debtor_edit import editable_debtor
from app.services.dispatch.enqueue import enqueue_campaign
from app.services.dispatch.sender import run_dispatch
from tests import factories as f
from tests.services.dispatch.conftest import AS_OF, RecordingChannel, approved_campaign

WHO = "Customer C1 (Boulangerie Martin)"


@pytest.fixture
def c1(db):
    with session_scope(db) as s:
        d = f.debtor(s, "C1", "Boulangerie Martin", country="FR")
        f.contact(s, d, name="Jeanne Martin", email="compta@boulangerie-martin.fr",
                  phone="01 23 45 67 89")
        return d.id


def state(db, debtor_id):
    with session_scope(db) as s:
        return editable_debtor(s, debtor_id)


def summaries(db, debtor_id):
    with session_scope(db) as s:
        return s.scalars(select(Activity.kind + ": " + Activity.summary)
                         .where(Activity.debtor_id == debtor_id).order_by(Activity.id)).all()


def test_fix_an_email_add_a_second_contact_make_it_primary_then_remove_the_first(db, c1):
    d = state(db, c1)
    jeanne = d.contacts[0].contact_id
    with session_scope(db) as s:
        change = update_contact(s, c1, jeanne, {"email": "ap@boulangerie-martin.fr; "
                                                "dg@boulangerie-martin.fr", "role": "Compta"},
                                expected_version=d.version, author="Alice Martin")
    assert change.version == d.version + 1
    with session_scope(db) as s:
        added = add_contact(s, c1, {"name": " Paul Durand ", "mobile": "06 12 34 56 78",
                                    "address_line1": "3 rue Neuve", "postal_code": "75011",
                                    "city": "Paris", "country": "fr"},
                            expected_version=change.version, author="Alice Martin")
    with session_scope(db) as s:
        primary = set_primary_contact(s, c1, added.contact_id, expected_version=added.version,
                                      author="Alice Martin")
    with session_scope(db) as s:
        removed = remove_contact(s, c1, jeanne, expected_version=primary.version,
                                 author="Alice Martin")
    assert summaries(db, c1) == [
        "contact_changed: Contact Jeanne Martin changed: role (none) → Compta; email "
        "compta@boulangerie-martin.fr → ap@boulangerie-martin.fr; dg@boulangerie-martin.fr",
        "contact_added: Contact added: Paul Durand (06 12 34 56 78)",
        "contact_primary: Primary contact: Jeanne Martin → Paul Durand",
        "contact_removed: Contact removed: Jeanne Martin; email was ap@boulangerie-martin.fr; "
        "dg@boulangerie-martin.fr; phone was 01 23 45 67 89"]
    (paul,) = state(db, c1).contacts
    assert (paul.name, paul.mobile, paul.address, paul.is_primary) == (
        "Paul Durand", "06 12 34 56 78", "3 rue Neuve, 75011 Paris, FR", True)
    assert state(db, c1).version == removed.version == d.version + 4


def test_removing_the_primary_contact_makes_the_next_one_primary(db, c1):
    d = state(db, c1)
    with session_scope(db) as s:
        added = add_contact(s, c1, {"name": "Paul Durand"}, expected_version=d.version,
                            author="A")
    with session_scope(db) as s:
        change = remove_contact(s, c1, d.contacts[0].contact_id, expected_version=added.version,
                                author="A")
    assert change.message == ("Contact removed: Jeanne Martin; email was "
                              "compta@boulangerie-martin.fr; phone was 01 23 45 67 89; "
                              "Paul Durand is now the primary contact")
    assert [(c.name, c.is_primary) for c in state(db, c1).contacts] == [("Paul Durand", True)]


def test_the_first_contact_of_a_debtor_is_primary(db):
    with session_scope(db) as s:
        d = f.debtor(s, "C7", "Nouveau Client")
        debtor_id, v = d.id, d.version
    with session_scope(db) as s:
        change = add_contact(s, debtor_id, {"name": "Accounts", "email": "ap@nouveau.fr"},
                             expected_version=v, author="A")
    assert change.message == "Contact added: Accounts (ap@nouveau.fr); primary contact"
    assert state(db, debtor_id).contacts[0].is_primary


@pytest.mark.parametrize(("fields", "message"), [
    ({"email": "compta@boulangerie"},
     f"{WHO}, contact Jeanne Martin: email: the email address 'compta@boulangerie' is not "
     "valid: The part after the @-sign is not valid. It should have a period."),
    ({"email": "ok@martin.fr; faux@"},
     f"{WHO}, contact Jeanne Martin: email: the email address 'faux@' (in 'ok@martin.fr; faux@')"
     " is not valid: There must be something after the @-sign."),
    ({"phone": "12 34"}, f"{WHO}, contact Jeanne Martin: phone '12 34' is not a valid phone "
     "number for FR (write +CC … for another country)"),
    ({"mobile": "call me"}, f"{WHO}, contact Jeanne Martin: mobile 'call me' is not a phone "
     "number for FR (write +CC … for another country)"),
    ({"country": "France"}, f"{WHO}, contact Jeanne Martin: country 'France' is not an ISO 3166"
     " country code (two letters, e.g. FR, BE, DE)"),
    ({"name": " "}, f"{WHO}, contact Jeanne Martin: a contact needs a name (e.g. Accounts "
     "payable)"),
    ({"city": "x" * 121}, f"{WHO}, contact Jeanne Martin: city has 121 characters, at most 120 "
     "fit"),
])
def test_a_bad_field_names_customer_contact_and_field_and_changes_nothing(db, c1, fields,
                                                                          message):
    d = state(db, c1)
    with pytest.raises(UserError) as err, session_scope(db) as s:
        update_contact(s, c1, d.contacts[0].contact_id, {"role": "Compta", **fields},
                       expected_version=d.version, author="A")
    assert str(err.value) == message
    assert state(db, c1) == d and summaries(db, c1) == []


def test_a_foreign_number_is_valid_in_international_form(db, c1):
    d = state(db, c1)
    with session_scope(db) as s:
        update_contact(s, c1, d.contacts[0].contact_id, {"phone": "+32 2 555 12 12"},
                       expected_version=d.version, author="A")
    assert state(db, c1).contacts[0].phone == "+32 2 555 12 12"


def test_a_stale_version_or_someone_elses_contact_changes_nothing(db, c1):
    seen = state(db, c1)
    with session_scope(db) as s:
        add_contact(s, c1, {"name": "Paul Durand"}, expected_version=seen.version, author="B")
    with pytest.raises(ConflictError, match=f"^{WHO.replace('(', '.').replace(')', '.')} was "
                       "changed by someone else since you opened it"), session_scope(db) as s:
        update_contact(s, c1, seen.contacts[0].contact_id, {"email": "new@martin.fr"},
                       expected_version=seen.version, author="A")
    with session_scope(db) as s:
        other = f.debtor(s, "C2", "Autre")
        foreign = f.contact(s, other).id
    with pytest.raises(NotFoundError, match=r"has no contact #\d+$"), session_scope(db) as s:
        remove_contact(s, c1, foreign, expected_version=state(db, c1).version, author="A")
    assert state(db, c1).contacts[0].email == "compta@boulangerie-martin.fr"
    assert len(summaries(db, c1)) == 1


def queued(db):
    campaign_id = approved_campaign(db, ("F1", "1200", AS_OF.replace(day=2)), mobile=None)
    with session_scope(db) as s:
        enqueue_campaign(s, campaign_id, author="A", at=datetime(2025, 6, 12, tzinfo=UTC))
        return s.scalar(select(Debtor.id).where(Debtor.external_ref == "C-F1"))


def test_queued_reminders_go_to_the_corrected_address(db):
    debtor_id = queued(db)
    d = state(db, debtor_id)
    with session_scope(db) as s:
        update_contact(s, debtor_id, d.contacts[0].contact_id,
                       {"email": "nouvelle.compta@client.example"}, expected_version=d.version,
                       author="Alice Martin")
        shown = s.execute(select(OutboxMessage.channel, OutboxMessage.recipient)
                          .order_by(OutboxMessage.channel)).all()
    # the outbox shows the new address (the contact has no mobile for the SMS of this step)
    assert shown == [("email", "nouvelle.compta@client.example"), ("sms", None)]
    email = RecordingChannel("email")
    run_dispatch(db, AS_OF, {"email": email})
    assert [m.recipient for m in email.sent] == ["nouvelle.compta@client.example"]


def test_the_last_contact_stays_while_reminders_wait_for_it(db):
    debtor_id = queued(db)
    d = state(db, debtor_id)
    with pytest.raises(UserError) as err, session_scope(db) as s:
        remove_contact(s, debtor_id, d.contacts[0].contact_id, expected_version=d.version,
                       author="A")
    assert str(err.value) == ("Customer C-F1 (Client F1): Jean Payeur is the only contact and 2 "
                              "reminder(s) to this customer wait in the outbox; add another "
                              "contact first")
    with session_scope(db) as s:
        assert s.scalar(select(Contact.name)) == "Jean Payeur"
