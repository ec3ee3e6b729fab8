"""What a ledger sync does to a controller's edits (debtor_edit.py's docstring, and what the edit
dialog says next to each field): segment, language and credit limit come back from a ledger that
carries them; the account manager, the tags and the contacts stay; the sync never fails."""

from datetime import date
from decimal import Decimal

import pytest

from app.db import session_scope
from app.errors import ConflictError
from app.services.contact_edit import add_contact, update_contact
from app.services.debtor_edit import editable_debtor, update_debtor
from app.services.ledger.csv_excel import read_canonical
from app.services.ledger.pipeline import ImportOptions, import_batch
from app.services.worklist import worklist_rows
from tests import factories as f

AS_OF = date(2025, 6, 30)
FULL = """ref,name,segment,country,language,email,phone,credit_limit,currency
C1,Boulangerie Martin,smb,FR,fr,compta@martin.fr,+33 1 23 45 67 89,5000.00,EUR
"""
NAMES_ONLY = "ref,name\nC1,Boulangerie Martin\n"


def sync(db, tmp_path, text):
    path = tmp_path / "debtors.csv"
    path.write_text(text, encoding="utf-8")
    return import_batch(db, read_canonical(path, "debtors"),
                        ImportOptions(source="csv", as_of=AS_OF))


def edit_everything(db):
    with session_scope(db) as s:
        f.user(s, "Bruno Petit", role="manager")
        debtor_id = worklist_rows(s, AS_OF, include_settled=True)[0].debtor_id
        d = editable_debtor(s, debtor_id)
        assert d.from_ledger  # the dialog says "from the ledger" next to those fields
        change = update_debtor(s, debtor_id, expected_version=d.version, segment="key_accounts",
                               language="en", credit_limit=Decimal(9000),
                               account_manager="Bruno Petit", tags=["vip"], author="Alice")
        change = update_contact(s, debtor_id, d.contacts[0].contact_id,
                                {"email": "ap@martin.fr"}, expected_version=change.version,
                                author="Alice")
        add_contact(s, debtor_id, {"name": "Paul Durand", "email": "paul@martin.fr"},
                    expected_version=change.version, author="Alice")
    return debtor_id


def test_a_sync_replaces_ledger_fields_and_keeps_collectas_own(db, tmp_path):
    sync(db, tmp_path, FULL)
    debtor_id = edit_everything(db)
    report = sync(db, tmp_path, FULL)  # the same file again: the ledger did not change
    assert report.debtors.updated == 1
    with session_scope(db) as s:
        d = editable_debtor(s, debtor_id)
    assert (d.segment, d.language, d.credit_limit, d.credit_limit_currency) == (
        "smb", "fr", Decimal("5000.00"), "EUR")
    assert (d.account_manager, d.tags) == ("Bruno Petit", ("vip",))
    assert [(c.name, c.email, c.is_primary) for c in d.contacts] == [
        ("Accounts", "ap@martin.fr", True), ("Paul Durand", "paul@martin.fr", False)]


def test_a_ledger_without_those_columns_keeps_the_edits(db, tmp_path):
    sync(db, tmp_path, FULL)
    debtor_id = edit_everything(db)
    sync(db, tmp_path, NAMES_ONLY)
    with session_scope(db) as s:
        d = editable_debtor(s, debtor_id)
    assert (d.segment, d.language, d.credit_limit, d.account_manager) == (
        "key_accounts", "en", Decimal("9000.00"), "Bruno Petit")


def test_a_dialog_opened_before_a_sync_meets_a_conflict_not_a_silent_overwrite(db, tmp_path):
    sync(db, tmp_path, FULL)
    with session_scope(db) as s:
        debtor_id = worklist_rows(s, AS_OF, include_settled=True)[0].debtor_id
        seen = editable_debtor(s, debtor_id).version
    sync(db, tmp_path, FULL.replace(",smb,", ",public_sector,"))
    with pytest.raises(ConflictError), session_scope(db) as s:
        update_debtor(s, debtor_id, expected_version=seen, segment="key_accounts", author="A")
