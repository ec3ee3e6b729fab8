"""The demo ledger: deterministic, believable, and faithful to every ledger invariant.

Each `db` test runs on SQLite and, with COLLECTA_TEST_PG, on PostgreSQL (COPY path).
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import numpy as np
import phonenumbers
import pytest
from sqlalchemy import inspect, text
from stdnum import bic, iban
from stdnum.fr import tva

from app.db import Database, open_database, session_scope
from app.errors import UserError
from app.services.demo import DemoCancelled, generate_demo
from app.services.demo_ledger import day_number, debtor_profiles, generate_ledger
from app.services.worklist import worklist_rows
from tests import factories as f

AS_OF = date(2025, 6, 30)
CENTS = "CAST(ROUND({} * 100) AS BIGINT)"


def c(col: str) -> str:
    return CENTS.format(col)


def scalar(db: Database, sql: str, **params: object) -> int:
    with db.engine.connect() as conn:
        return conn.execute(text(sql), params).scalar_one()


def figures(db: Database) -> dict[str, object]:
    """Counts per table and open totals per currency, in cents."""
    with db.engine.connect() as conn:
        counts = {t: conn.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar_one()
                  for t in ("debtor", "contact", "invoice", "payment", "allocation", "activity")}
        opens = conn.execute(text(
            f"SELECT currency, kind, SUM({c('open_amount')}), SUM({c('amount')}) FROM invoice "
            "GROUP BY currency, kind ORDER BY currency, kind")).all()
        names = conn.execute(text("SELECT name FROM debtor ORDER BY id")).scalars().all()
    return {"counts": counts, "open": [tuple(r) for r in opens], "names": names}


def second_sqlite(tmp_path: Path, sqlite_template: Path, name: str) -> Database:
    path = tmp_path / name
    shutil.copyfile(sqlite_template, path)
    return open_database(f"sqlite:///{path}")


def test_same_seed_gives_the_same_ledger_on_any_engine(db, tmp_path, sqlite_template):
    summary = generate_demo(db, debtors=40, seed=11, as_of=AS_OF)
    other = second_sqlite(tmp_path, sqlite_template, "again.db")
    different = second_sqlite(tmp_path, sqlite_template, "seed12.db")
    try:
        assert generate_demo(other, debtors=40, seed=11, as_of=AS_OF) == summary
        generate_demo(different, debtors=40, seed=12, as_of=AS_OF)
        assert figures(other) == figures(db)
        assert figures(different) != figures(db)
    finally:
        other.engine.dispose()
        different.engine.dispose()
    assert summary.debtors == 40 and summary.as_of == AS_OF
    assert figures(db)["counts"]["invoice"] == summary.invoices + summary.credit_notes  # type: ignore[index]


def test_refuses_a_database_that_already_has_a_ledger(db):
    with session_scope(db) as s:
        f.debtor(s, "C1", "Boulangerie Martin")
    with pytest.raises(UserError, match="already has a ledger; use an empty database"):
        generate_demo(db, debtors=10, as_of=AS_OF)
    assert scalar(db, "SELECT COUNT(*) FROM debtor") == 1
    assert scalar(db, "SELECT COUNT(*) FROM app_user") == 0
    assert scalar(db, "SELECT COUNT(*) FROM invoice") == 0


def index_names(db: Database) -> list[str]:
    found = inspect(db.engine)
    return sorted(i["name"] or "" for t in ("invoice", "payment", "allocation")
                  for i in found.get_indexes(t))


def test_cancelling_leaves_the_database_empty(db):
    calls: list[str] = []
    indexes = index_names(db)

    def progress(done: int, total: int, message: str) -> None:
        calls.append(message)

    with pytest.raises(DemoCancelled, match="cancelled"):
        generate_demo(db, debtors=40, as_of=AS_OF, progress=progress,
                      cancelled=lambda: "Writing invoices" in calls)
    for table in ("debtor", "contact", "invoice", "payment", "allocation", "activity",
                  "app_user", "company"):
        assert scalar(db, f"SELECT COUNT(*) FROM {table}") == 0, table
    assert index_names(db) == indexes  # the bulk load's dropped indexes are back
    # And the same database then takes a demo.
    assert generate_demo(db, debtors=5, as_of=AS_OF).debtors == 5


def test_progress_counts_up_to_its_total(db):
    seen: list[tuple[int, int]] = []
    generate_demo(db, debtors=20, as_of=AS_OF, progress=lambda d, t, _m: seen.append((d, t)))
    done = [d for d, _t in seen[1:]]
    assert done == sorted(done)
    assert seen[-1][0] == seen[-1][1] > 0


VIOLATIONS = {
    "invoice open = amount − allocations on either side": f"""
        SELECT COUNT(*) FROM invoice i WHERE {c('i.open_amount')} <> {c('i.amount')}
          - COALESCE((SELECT SUM({c('a.amount')}) FROM allocation a WHERE a.invoice_id = i.id), 0)
          - COALESCE((SELECT SUM({c('a.amount')}) FROM allocation a
                      WHERE a.credit_note_id = i.id), 0)""",
    "payment open = amount − allocations": f"""
        SELECT COUNT(*) FROM payment p WHERE {c('p.open_amount')} <> {c('p.amount')}
          - COALESCE((SELECT SUM({c('a.amount')}) FROM allocation a
                      WHERE a.payment_id = p.id), 0)""",
    "invoice settled_on = latest allocation once fully settled, NULL while open": """
        SELECT COUNT(*) FROM invoice i WHERE
          (i.open_amount = 0) <> (i.settled_on IS NOT NULL)
          OR i.settled_on <> (SELECT MAX(a.date) FROM allocation a
                              WHERE a.invoice_id = i.id OR a.credit_note_id = i.id)""",
    "payment settled_on = latest allocation once fully applied": """
        SELECT COUNT(*) FROM payment p WHERE
          (p.open_amount = 0) <> (p.settled_on IS NOT NULL)
          OR p.settled_on <> (SELECT MAX(a.date) FROM allocation a WHERE a.payment_id = p.id)""",
    "open amounts between 0 and the amount": """
        SELECT (SELECT COUNT(*) FROM invoice WHERE open_amount < 0 OR open_amount > amount
                  OR amount < 0)
             + (SELECT COUNT(*) FROM payment WHERE open_amount < 0 OR open_amount > amount
                  OR amount <= 0)""",
    "allocation: positive, one counterpart, right kinds, same currency and debtor": """
        SELECT COUNT(*) FROM allocation a
          JOIN invoice i ON i.id = a.invoice_id
          LEFT JOIN payment p ON p.id = a.payment_id
          LEFT JOIN invoice cn ON cn.id = a.credit_note_id
        WHERE a.amount <= 0 OR (p.id IS NULL) = (cn.id IS NULL) OR i.kind <> 'invoice'
          OR (cn.id IS NOT NULL AND cn.kind <> 'credit_note')
          OR COALESCE(p.currency, cn.currency) <> i.currency
          OR COALESCE(p.debtor_id, cn.debtor_id) <> i.debtor_id""",
    "allocation dated on or after both items and not after as_of": """
        SELECT COUNT(*) FROM allocation a
          JOIN invoice i ON i.id = a.invoice_id
          LEFT JOIN payment p ON p.id = a.payment_id
          LEFT JOIN invoice cn ON cn.id = a.credit_note_id
        WHERE a.date < i.issue_date OR a.date < COALESCE(p.date, cn.issue_date)
          OR a.date > :as_of""",
    "issue and payment dates not after as_of, due not before issue": """
        SELECT (SELECT COUNT(*) FROM invoice WHERE issue_date > :as_of OR due_date < issue_date)
             + (SELECT COUNT(*) FROM payment WHERE date > :as_of)""",
    "source demo and unique references": """
        SELECT (SELECT COUNT(*) FROM invoice WHERE source <> 'demo')
             + (SELECT COUNT(*) FROM payment WHERE source <> 'demo')
             + (SELECT COUNT(*) FROM allocation WHERE source <> 'demo')
             + (SELECT COUNT(*) - COUNT(DISTINCT external_ref) FROM invoice)
             + (SELECT COUNT(*) - COUNT(DISTINCT external_ref) FROM payment)
             + (SELECT COUNT(*) - COUNT(DISTINCT external_ref) FROM debtor)""",
    "debtor currency is the currency of all its items": """
        SELECT COUNT(*) FROM (SELECT debtor_id FROM invoice GROUP BY debtor_id
                              HAVING COUNT(DISTINCT currency) > 1) x""",
    "every debtor: version 1, a manager, one primary contact among 1 to 3": """
        SELECT COUNT(*) FROM debtor d WHERE d.version <> 1 OR d.account_manager_id IS NULL
          OR (SELECT COUNT(*) FROM contact k WHERE k.debtor_id = d.id AND k.is_primary) <> 1
          OR (SELECT COUNT(*) FROM contact k WHERE k.debtor_id = d.id) NOT BETWEEN 1 AND 3""",
    "touches dated before as_of": """
        SELECT COUNT(*) FROM activity WHERE debtor_id IS NOT NULL
          AND (at >= :as_of OR kind NOT IN ('email_sent', 'call', 'note'))""",
}


@pytest.mark.parametrize("rule", list(VIOLATIONS))
def test_every_ledger_invariant_holds(db, rule):
    generate_demo(db, debtors=40, seed=3, as_of=AS_OF)
    assert scalar(db, VIOLATIONS[rule], as_of=AS_OF) == 0


def test_indexes_are_rebuilt_after_the_load(db):
    indexes = index_names(db)
    generate_demo(db, debtors=10, as_of=AS_OF)
    assert index_names(db) == indexes
    assert "ix_invoice_open" in indexes


def test_the_numpy_ledger_keeps_the_invariants_at_scale():
    # 2,000 debtors ≈ 100,000 invoices: the same rules as the SQL checks, on the arrays.
    rng = np.random.default_rng(5)
    profiles, rate = debtor_profiles(rng, 2000)
    L = generate_ledger(rng, profiles, rate, AS_OF)
    n = len(L.inv_debtor)
    by_invoice = np.bincount(L.alloc_invoice - 1, L.alloc_amount, n)
    by_credit = np.bincount(L.alloc_credit, L.alloc_amount, n + 1)[1:]
    assert np.array_equal(L.inv_amount - by_invoice - by_credit, L.inv_open)
    by_payment = np.bincount(L.alloc_payment, L.alloc_amount, len(L.pay_day) + 1)[1:]
    assert np.array_equal(L.pay_amount - by_payment, L.pay_open)
    assert (L.alloc_amount > 0).all()
    assert ((L.alloc_payment > 0) != (L.alloc_credit > 0)).all()
    assert L.alloc_day.max() <= day_number(AS_OF) and L.pay_day.max() <= day_number(AS_OF)
    assert (L.alloc_day >= L.inv_issue[L.alloc_invoice - 1]).all()
    assert 40 <= L.invoice_count / 2000 <= 60
    assert 0.01 <= L.credit_note_count / L.invoice_count <= 0.03


def test_the_book_has_partial_payments_unapplied_cash_and_an_ageing_tail():
    rng = np.random.default_rng(5)
    profiles, rate = debtor_profiles(rng, 2000)
    L = generate_ledger(rng, profiles, rate, AS_OF)
    invoice = ~L.inv_kind
    open_ = invoice & (L.inv_open > 0)
    assert 0.10 <= open_.sum() / invoice.sum() <= 0.20
    dpd = day_number(AS_OF) - L.inv_due[open_]
    assert (dpd <= 30).mean() > 0.6  # most open items current or 1–30 days past due
    assert 0.03 <= (dpd > 90).mean() <= 0.20  # and a tail over 90
    assert (open_ & (L.inv_open < L.inv_amount)).sum() > 100  # partly paid
    assert (L.pay_open > 0).sum() > 50  # unapplied cash
    assert (L.inv_kind & (L.inv_open > 0)).sum() > 0  # credit notes waiting to be lettered
    assert (L.alloc_payment > 0).sum() > len(L.pay_day)  # some transfers settle several invoices


def test_worklist_as_of_the_demo_date_has_a_realistic_spread(db):
    summary = generate_demo(db, debtors=120, seed=7, as_of=AS_OF)
    with session_scope(db) as s:
        rows = worklist_rows(s, AS_OF)
    assert {r.currency for r in rows} == {"EUR", "GBP", "USD"}
    assert any(r.max_dpd > 90 for r in rows)
    assert any(r.max_dpd == 0 and r.open_balance > 0 for r in rows)
    assert sum(r.last_touch is not None for r in rows) > len(rows) / 2
    open_items = scalar(db, "SELECT COUNT(*) FROM invoice WHERE kind = 'invoice' "
                            "AND settled_on IS NULL")
    assert 0.10 <= open_items / summary.invoices <= 0.20
    dpd = scalar(db, "SELECT COUNT(*) FROM invoice WHERE kind = 'invoice' AND settled_on IS NULL "
                     "AND due_date >= :cut", as_of=AS_OF, cut=date(2025, 5, 31))
    assert dpd / open_items > 0.5  # most open items are current or 1–30 days past due


def test_debtors_look_like_a_european_sme_book(db):
    generate_demo(db, debtors=120, seed=7, as_of=AS_OF)
    with db.engine.connect() as conn:
        debtors = conn.execute(text(
            "SELECT d.id, d.country, d.language, d.segment, d.credit_limit, d.tags, "
            "(SELECT MIN(currency) FROM invoice i WHERE i.debtor_id = d.id) FROM debtor d"
        )).all()
        users = {r.name: r.role for r in conn.execute(text("SELECT name, role FROM app_user"))}
    assert {d.segment for d in debtors} == {"key_accounts", "smb", "public_sector"}
    assert {d.country for d in debtors} >= {"FR", "BE", "DE", "GB", "US"}
    pairs = {(d.country, d.language) for d in debtors}
    assert pairs <= {("FR", "fr"), ("BE", "fr"), ("BE", "nl"), ("DE", "de"), ("ES", "es"),
                     ("IT", "it"), ("NL", "nl"), ("GB", "en"), ("IE", "en"), ("US", "en")}
    home = {"GBP": "GB", "USD": "US"}
    assert all(home.get(d[6], d.country) == d.country for d in debtors)
    assert {d.country for d in debtors if d[6] == "EUR"}.isdisjoint({"GB", "US"})
    with_limit = sum(d.credit_limit is not None for d in debtors) / len(debtors)
    assert 0.55 <= with_limit <= 0.85
    assert users["Claire Dubois"] == "manager"
    assert sorted(users.values()).count("controller") == 4
    assert "admin" in users.values()


def test_contacts_have_valid_phones_and_example_emails(db):
    generate_demo(db, debtors=80, seed=9, as_of=AS_OF)
    with db.engine.connect() as conn:
        contacts = conn.execute(text("SELECT phone, mobile, email, country FROM contact")).all()
    assert contacts
    for phone, mobile, email, country in contacts:
        for number in (phone, mobile):
            if number is None:
                continue
            parsed = phonenumbers.parse(number, None)
            assert phonenumbers.is_valid_number(parsed), number
            assert phonenumbers.region_code_for_number(parsed) == country, number
        assert email.endswith(".example") and "@" in email


def test_the_company_has_a_valid_iban_bic_and_vat_number(db):
    generate_demo(db, debtors=5, as_of=AS_OF)
    with db.engine.connect() as conn:
        company = conn.execute(text("SELECT * FROM company")).one()
    assert company.name == "Atelier Durand SAS" and company.country == "FR"
    assert iban.is_valid(company.iban) and company.iban.startswith("FR")
    assert bic.is_valid(company.bic)
    assert tva.is_valid(company.vat_number)
    assert (company.default_currency, company.default_language) == ("EUR", "fr")


def test_bad_sizes_and_seeds_are_refused(db):
    with pytest.raises(UserError, match="between 1 and"):
        generate_demo(db, debtors=0, as_of=AS_OF)
    with pytest.raises(UserError, match="seed"):
        generate_demo(db, debtors=5, seed=-1, as_of=AS_OF)
