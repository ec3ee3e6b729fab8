"""Canonical CSV and mapped CSV/Excel files (issue 3, items 2–3)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.db import session_scope
from app.errors import UserError
from app.models import Allocation, Contact, Debtor, Invoice, Setting
from app.services.ledger.csv_excel import read_canonical, read_table
from app.services.ledger.mapping import (
    ColumnMapping,
    load_profile,
    profile_names,
    save_profile,
    suggest_mapping,
)
from app.services.ledger.pipeline import ImportOptions, ImportRejected, import_batch
from app.services.worklist import worklist_rows
from tests.services.ledger.state import table_rows

AS_OF = date(2025, 6, 30)
DEBTORS = """ref,name,segment,country,language,email,phone,credit_limit,currency
C1,Boulangerie Martin,smb,FR,fr,compta@martin.fr,+33 1 23 45 67 89,5000.00,EUR
C2,Garage Dupont,smb,FR,fr,,,,
"""
INVOICES = """ref,debtor_ref,number,issue_date,due_date,currency,amount,kind
I1,C1,F-001,2025-05-01,2025-05-31,EUR,1000.00,invoice
I2,C1,F-002,2025-06-01,2025-07-01,EUR,500.00,invoice
I3,C2,F-003,2025-04-01,2025-05-01,EUR,300.00,invoice
A1,C1,AV-001,2025-06-10,2025-06-10,EUR,100.00,credit_note
"""
PAYMENTS = """ref,debtor_ref,date,currency,amount,invoice_ref
P1,C1,2025-06-15,EUR,400.00,I2
P2,C2,2025-06-20,EUR,50.00,
"""


def opts(**kw):
    return ImportOptions(source="csv", as_of=AS_OF, **kw)


def load(db, tmp_path, kind, text, encoding="utf-8", name=None):
    path = tmp_path / (name or f"{kind}.csv")
    path.write_bytes(text.encode(encoding))
    return import_batch(db, read_canonical(path, kind), opts())


def test_canonical_csvs_import_without_mapping(db, tmp_path):
    assert load(db, tmp_path, "debtors", DEBTORS).debtors.created == 2
    assert load(db, tmp_path, "invoices", INVOICES).invoices.created == 4
    report = load(db, tmp_path, "payments", PAYMENTS)
    assert report.payments.created == 2
    with session_scope(db) as s:
        rows = {r.ref: r for r in worklist_rows(s, AS_OF)}
        c1 = s.scalars(select(Debtor).where(Debtor.external_ref == "C1")).one()
        assert (c1.credit_limit, c1.credit_limit_currency) == (Decimal("5000.00"), "EUR")
        assert s.scalars(select(Contact.email).where(Contact.debtor_id == c1.id)).all() == [
            "compta@martin.fr"]
        i2 = s.scalars(select(Invoice).where(Invoice.external_ref == "I2")).one()
        assert i2.open_amount == Decimal("100.00")  # P1 named I2: 500 − 400
    # C1: 1000 + 500 − 400 − 100 (credit note, oldest-first onto I1) = 1000
    assert rows["C1"].open_balance == Decimal("1000.00")
    # C2: 300 − 50 unapplied cash … allocated oldest-first onto I3 → 250
    assert rows["C2"].open_balance == Decimal("250.00")


def test_unapplied_cash_stays_visible_as_a_credit(db, tmp_path):
    load(db, tmp_path, "debtors", DEBTORS)
    load(db, tmp_path, "payments", "ref,debtor_ref,date,currency,amount,invoice_ref\n"
                                   "P9,C2,2025-06-20,EUR,75.00,\n")
    with session_scope(db) as s:
        (row,) = worklist_rows(s, AS_OF)
    assert (row.ref, row.open_balance, row.credits) == ("C2", Decimal("-75.00"),
                                                        Decimal("75.00"))


def test_oldest_first_can_be_switched_off(db, tmp_path):
    with session_scope(db) as s:
        s.add(Setting(key="ledger.oldest_first", value=False))
    load(db, tmp_path, "debtors", DEBTORS)
    load(db, tmp_path, "invoices", INVOICES)
    load(db, tmp_path, "payments", PAYMENTS)
    with session_scope(db) as s:
        sources = s.scalars(select(Allocation.source)).all()
    assert sources == ["csv"]  # only P1 → I2, named by the file


def test_reimport_is_idempotent_and_a_changed_due_date_is_logged(db, tmp_path):
    load(db, tmp_path, "debtors", DEBTORS)
    load(db, tmp_path, "invoices", INVOICES)
    again = load(db, tmp_path, "invoices", INVOICES)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
    changed = load(db, tmp_path, "invoices", INVOICES.replace("2025-07-01", "2025-07-15"))
    assert changed.invoices.updated == 1
    with session_scope(db) as s:
        i2 = s.scalars(select(Invoice).where(Invoice.external_ref == "I2")).one()
        assert i2.due_date == date(2025, 7, 15)


def test_a_bad_row_aborts_the_run_and_changes_nothing(db, tmp_path):
    load(db, tmp_path, "debtors", DEBTORS)
    before = table_rows(db)
    bad = INVOICES + "I4,C1,F-004,20231345,,EUR,12,34,5,invoice\nI5,C9,F-5,2025-01-01,,XYZ,1,\n"
    path = tmp_path / "bad.csv"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(ImportRejected) as err:
        import_batch(db, read_canonical(path, "invoices"), opts())
    reasons = [(r.line, r.column, r.reason) for r in err.value.report.rejections]
    assert reasons == [(6, "", "expected 8 fields, found 10"),
                       (7, "currency", "unknown currency (ISO 4217 code expected)")]
    assert table_rows(db) == before


def test_a_threshold_lets_good_rows_through(db, tmp_path):
    load(db, tmp_path, "debtors", DEBTORS)
    path = tmp_path / "inv.csv"
    path.write_text(INVOICES + "I9,C1,F-9,2023-13-45,,EUR,10.00,invoice\n", encoding="utf-8")
    report = import_batch(db, read_canonical(path, "invoices"), opts(max_rejections=5))
    assert report.invoices.created == 4
    (rej,) = report.rejections
    assert (rej.file, rej.line, rej.column, rej.value) == ("inv.csv", 6, "issue_date",
                                                           "2023-13-45")


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp1252", "iso8859_15"])
def test_french_csv_with_semicolons_decimal_commas_and_any_encoding(db, tmp_path, encoding):
    text = ("N° client;Raison sociale\n411CAFE;Café de la Gare\n")
    path = tmp_path / "clients.csv"
    path.write_bytes(text.encode(encoding))
    table = read_table(path)
    assert (table.separator, table.headers) == (";", ["N° client", "Raison sociale"])
    import_batch(db, read_canonical(path, "debtors"), opts())
    inv = tmp_path / "factures.csv"
    inv.write_bytes(("N° client;N° facture;Date facture;Date d'échéance;Montant TTC\n"
                     "411CAFE;FA-1;15/05/2025;14/06/2025;1 234,56\n").encode(encoding))
    import_batch(db, read_canonical(inv, "invoices"), opts())
    with session_scope(db) as s:
        (row,) = worklist_rows(s, AS_OF)
    assert (row.name, row.open_balance, row.max_dpd) == ("Café de la Gare", Decimal("1234.56"),
                                                         16)


def test_mapping_profiles_are_saved_by_name(db, tmp_path):
    headers = ["Code", "Client", "Pièce", "Date", "Montant", "Échéance"]
    guess = suggest_mapping("invoices", headers)
    assert guess.columns["amount"] == "Montant"
    mapping = ColumnMapping("invoices", {"debtor_ref": "Client", "number": "Pièce",
                                         "issue_date": "Date", "due_date": "Échéance",
                                         "amount": "Montant"})
    with session_scope(db) as s:
        save_profile(s, "Export Cegid", mapping)
    with session_scope(db) as s:
        assert profile_names(s, "invoices") == ["Export Cegid"]
        assert load_profile(s, "Export Cegid") == mapping
    path = tmp_path / "cegid.csv"
    path.write_text("Code;Client;Pièce;Date;Montant;Échéance\nx;C2;P-1;2025-06-01;99,90;"
                    "2025-06-30\n", encoding="utf-8")
    load(db, tmp_path, "debtors", DEBTORS)
    report = import_batch(db, read_canonical(path, "invoices", mapping), opts())
    assert report.invoices.created == 1


def test_a_mapping_without_an_amount_is_refused(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("Client;Pièce;Date\nC1;P;2025-01-01\n", encoding="utf-8")
    with pytest.raises(UserError, match="amount"):
        read_canonical(path, "invoices")


def test_example_mapping_files_import_a_french_export_from_the_cli(tmp_path, capsys):
    from app.cli import main
    from app.config import resources_dir

    invoices = tmp_path / "factures.csv"
    invoices.write_text("N° client;Raison sociale;N° facture;Date facture;Date d'échéance;"
                        "Montant TTC;Devise\n411CAFE;Café de la Gare;FA-1;15/05/2025;14/06/2025;"
                        "1 234,56;EUR\n", encoding="cp1252")
    payments = tmp_path / "reglements.csv"
    payments.write_text("N° règlement;N° client;Date de règlement;Montant réglé;N° facture\n"
                        "R1;411CAFE;20/06/2025;234,56;FA-1\n", encoding="utf-8-sig")
    db_url = f"sqlite:///{tmp_path / 'c.db'}"
    maps = resources_dir() / "mappings"
    assert main(["--db", db_url, "import", "csv", str(invoices), "--kind", "invoices",
                 "--mapping", str(maps / "example_invoices_fr.json"), "--as-of",
                 "2025-06-30"]) == 0
    assert main(["--db", db_url, "import", "csv", str(payments), "--kind", "payments",
                 "--mapping", str(maps / "example_payments_fr.json"), "--as-of",
                 "2025-06-30"]) == 0
    capsys.readouterr()
    assert main(["--db", db_url, "debtors", "list", "--as-of", "2025-06-30", "--format",
                 "csv"]) == 0
    assert capsys.readouterr().out.splitlines()[1] == (
        "411CAFE,Café de la Gare,,,EUR,1000.00,1000.00,16")
