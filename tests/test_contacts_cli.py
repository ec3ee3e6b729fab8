"""`collecta debtor set` and `collecta contact list|add|set|remove`: what a scheduled script or a
controller at a terminal sees; bad input exits 2 with one line and leaves the database as it was."""

import json

import pytest
from sqlalchemy import select

from app.cli import main
from app.db import session_scope
from app.models import Activity, Contact, Debtor
from tests import factories as f


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def url(db):
    with session_scope(db) as s:
        alice = f.user(s, "Alice Martin", role="admin")
        f.user(s, "Bruno Petit", role="manager")
        c1 = f.debtor(s, "C1", "Boulangerie Martin", segment="smb", account_manager_id=alice.id)
        f.contact(s, c1, name="Jeanne Martin", email="compta@boulangerie-martin.fr",
                  phone="01 23 45 67 89")
        f.debtor(s, "C2", "Garage Dupont", source="csv")
    return db.url


def snapshot(db):
    """Everything the commands may change."""
    with session_scope(db) as s:
        debtors = s.execute(select(Debtor.external_ref, Debtor.version, Debtor.segment,
                                   Debtor.language, Debtor.account_manager_id,
                                   Debtor.credit_limit, Debtor.credit_limit_currency,
                                   Debtor.tags).order_by(Debtor.id)).all()
        contacts = s.execute(select(Contact.id, Contact.name, Contact.email, Contact.phone,
                                    Contact.is_primary).order_by(Contact.id)).all()
        activities = s.scalar(select(Activity.id).order_by(Activity.id.desc()).limit(1))
    return debtors, contacts, activities


def listed(capsys, url, ref="C1"):
    code, out, err = run(capsys, "--db", url, "contact", "list", ref, "--format", "json")
    assert (code, err) == (0, "")
    return json.loads(out)


def test_debtor_set_changes_the_collection_fields(db, url, capsys):
    code, out, err = run(capsys, "--db", url, "debtor", "set", "C1", "--manager", "Bruno Petit",
                         "--language", "en", "--credit-limit", "5000,50", "--currency", "eur",
                         "--tags", "vip, export", "--user", "Alice Martin")
    assert (code, err) == (0, "")
    assert out == ("Collection details changed: account manager Alice Martin → Bruno Petit; "
                   "language fr → en; credit limit (none) → 5000.50 EUR; tags (none) → vip, "
                   "export\n")
    code, out, _ = run(capsys, "--db", url, "debtor", "show", "C1")
    assert "Account manager  Bruno Petit" in out and "Credit limit     5000.50 EUR" in out
    with session_scope(db) as s:
        assert s.scalar(select(Activity.author).where(Activity.kind == "debtor_edited")) == \
            "Alice Martin"


def test_a_debtor_from_a_ledger_is_told_the_sync_replaces_ledger_fields(url, capsys):
    code, out, _ = run(capsys, "--db", url, "debtor", "set", "csv:C2", "--segment",
                       "key_accounts", "--tags", "export")
    assert code == 0
    assert out == ("Collection details changed: segment smb → key_accounts; tags (none) → "
                   "export\nNote: segment comes from the ledger 'csv': the next sync replaces "
                   "it if the ledger has it\n")


def test_contacts_add_list_set_and_remove(db, url, capsys):
    code, out, _ = run(capsys, "--db", url, "contact", "add", "C1", "--name", "Paul Durand",
                       "--email", "paul@boulangerie-martin.fr", "--mobile", "06 12 34 56 78",
                       "--city", "Lyon", "--country", "fr", "--primary")
    assert code == 0
    paul = out.strip().rsplit("#", 1)[1].rstrip(")")
    assert out == ("Contact added: Paul Durand (paul@boulangerie-martin.fr, 06 12 34 56 78); "
                   f"primary contact (contact #{paul})\n")
    rows = listed(capsys, url)
    assert [(r["name"], r["primary"], r["address"]) for r in rows] == [
        ("Paul Durand", True, "Lyon, FR"), ("Jeanne Martin", False, "")]
    jeanne = rows[1]["id"]
    code, out, _ = run(capsys, "--db", url, "contact", "set", "C1", str(jeanne), "--email",
                       "ap@boulangerie-martin.fr", "--phone", "")
    assert (code, out) == (0, "Contact Jeanne Martin changed: email compta@boulangerie-martin.fr"
                              " → ap@boulangerie-martin.fr; phone 01 23 45 67 89 → (none)\n")
    code, out, _ = run(capsys, "--db", url, "contact", "list", "C1")
    assert out.splitlines()[0].split() == ["id", "primary", "name", "role", "email", "phone",
                                           "mobile", "address"]
    code, out, _ = run(capsys, "--db", url, "contact", "remove", "C1", paul)
    assert (code, out) == (0, "Contact removed: Paul Durand; email was "
                              "paul@boulangerie-martin.fr; mobile was 06 12 34 56 78; Jeanne "
                              "Martin is now the primary contact\n")
    assert [(r["name"], r["email"], r["primary"]) for r in listed(capsys, url)] == [
        ("Jeanne Martin", "ap@boulangerie-martin.fr", True)]
    code, out, _ = run(capsys, "--db", url, "contact", "list", "C2")
    assert out == ("Customer C2 (Garage Dupont) has no contact: add one with "
                   "`collecta contact add C2 --name NAME --email ADDRESS`\n")


@pytest.mark.parametrize(("argv", "message"), [
    (("debtor", "set", "C1"), "debtor set C1: give --manager, --language, --segment, "
     "--credit-limit, --currency or --tags"),
    (("debtor", "set", "C1", "--segment", "key_accounts", "--manager", "Zoé"),
     "Customer C1 (Boulangerie Martin): account manager 'Zoé' is not a Collecta user (see "
     "Settings > Users)"),
    (("debtor", "set", "C1", "--credit-limit", "lots", "--currency", "EUR"),
     "Customer C1 (Boulangerie Martin): credit limit 'lots' is not an amount (e.g. 5000 or "
     "5000.50)"),
    (("debtor", "set", "C1", "--credit-limit", "100", "--currency", "EURO"),
     "Customer C1 (Boulangerie Martin): credit limit currency 'EURO' is not an ISO 4217 "
     "currency code (three letters, e.g. EUR, GBP, CHF)"),
    (("debtor", "set", "C9", "--segment", "smb"), "No debtor with reference 'C9'"),
    (("contact", "add", "C1", "--email", "x@y.fr"),
     "contact add: the following arguments are required: --name"),
    (("contact", "add", "C1", "--name", "Paul", "--email", "paul@", "--primary"),
     "Customer C1 (Boulangerie Martin), new contact: email: the email address 'paul@' is not "
     "valid: There must be something after the @-sign."),
    (("contact", "set", "C1", "999", "--email", "a@b.fr"),
     "Customer C1 (Boulangerie Martin) has no contact #999"),
    (("contact", "set", "C1", "1", "--phone", "0"),
     "Customer C1 (Boulangerie Martin), contact Jeanne Martin: phone '0' is not a phone "
     "number for FR (write +CC … for another country)"),
])
def test_bad_input_exits_2_with_one_line_and_changes_nothing(db, url, capsys, argv, message):
    before = snapshot(db)
    code, out, err = run(capsys, "--db", url, *argv)
    assert (code, out, err) == (2, "", f"collecta: {message}\n")
    assert snapshot(db) == before
