"""Importing a credit insurer's file (issue 7 follow-up): all or nothing, errors that name the
file, the line, the column and the value, and an idempotent re-import."""

from datetime import date
from decimal import Decimal

import pandas as pd
import pytest
from sqlalchemy import func, select

from app.db import session_scope
from app.errors import UserError
from app.models import Activity, InsurerAssessment
from app.services.risk.assessments import latest_assessment, latest_assessments
from app.services.risk.insurer_file import InsurerFileError
from app.services.risk.insurer_import import import_insurer_file
from tests import factories as f

GOOD = """debtor ref;insurer;score;limit;currency;date
C001;Coface;7,5;50 000,00;EUR;2025-05-01
C002;Coface;3;10000;EUR;01/05/2025
C001;Coface;6;40000;EUR;2025-06-15
C003;Allianz Trade;42;20000.50;GBP;2025-06-01
"""


@pytest.fixture
def debtors(db):
    with session_scope(db) as s:
        ids = {ref: f.debtor(s, ref, f"Customer {ref}").id for ref in ("C001", "C002", "C003")}
        f.debtor(s, "D9", "Twin in Sage", source="sage")
        f.debtor(s, "D9", "Twin in FEC", source="fec")
        return ids


def write(tmp_path, text, name="coface.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def load(db, path, **kw):
    with session_scope(db) as s:
        return import_insurer_file(s, path, user="Alice Martin", **kw)


def rows(db):
    with session_scope(db) as s:
        return sorted((r.debtor_id, r.insurer, r.score, r.limit_amount, r.limit_currency,
                       r.assessed_on) for r in s.scalars(select(InsurerAssessment)))


def test_a_file_creates_one_assessment_per_line_and_reports_counts(db, debtors, tmp_path):
    result = load(db, write(tmp_path, GOOD))
    assert (result.lines, result.created, result.updated, result.unchanged) == (4, 4, 0, 0)
    assert result.insurers == ("Allianz Trade", "Coface")
    assert result.summary() == ("Insurer data from coface.csv (Allianz Trade, Coface): 4 line(s), "
                                "4 created, 0 updated, 0 unchanged")
    assert rows(db)[:2] == [
        (debtors["C001"], "Coface", Decimal("6.00"), Decimal("40000.00"), "EUR",
         date(2025, 6, 15)),
        (debtors["C001"], "Coface", Decimal("7.50"), Decimal("50000.00"), "EUR",
         date(2025, 5, 1))]
    with session_scope(db) as s:
        assert s.scalar(select(Activity.summary).where(Activity.kind == "insurer_import")) \
            == result.summary()


def test_importing_the_same_file_again_changes_nothing(db, debtors, tmp_path):
    path = write(tmp_path, GOOD)
    load(db, path)
    before = rows(db)
    again = load(db, path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
    assert rows(db) == before


def test_a_corrected_line_updates_its_assessment(db, debtors, tmp_path):
    load(db, write(tmp_path, GOOD))
    fixed = load(db, write(tmp_path, GOOD.replace("C002;Coface;3;10000", "C002;Coface;4;12000"),
                           "coface-fixed.csv"))
    assert (fixed.created, fixed.updated, fixed.unchanged) == (0, 1, 3)
    with session_scope(db) as s:
        c2 = s.scalar(select(InsurerAssessment).where(
            InsurerAssessment.debtor_id == debtors["C002"]))
        assert (c2.score, c2.limit_amount, c2.source_file) == (
            Decimal("4.00"), Decimal("12000.00"), "coface-fixed.csv")


@pytest.mark.parametrize("line, message", [
    ("C404;Coface;5;1000;EUR;2025-05-01",
     "coface.csv line 3, column 'debtor ref': 'C404' no debtor has this reference"),
    ("C002;Coface;abc;1000;EUR;2025-05-01",
     "coface.csv line 3, column 'score': 'abc' is not a number"),
    ("C002;Coface;5;12O0;EUR;2025-05-01",
     "coface.csv line 3, column 'limit': '12O0' is not an amount"),
    ("C002;Coface;5;1000;EURO;2025-05-01",
     "coface.csv line 3, column 'currency': 'EURO' is not an ISO 4217 currency code (like EUR)"),
    ("C002;Coface;5;1000;EUR;2025-02-30",
     "coface.csv line 3, column 'date': '2025-02-30' is not a date (use YYYY-MM-DD or "
     "DD/MM/YYYY)"),
    ("D9;Coface;5;1000;EUR;2025-05-01",
     "coface.csv line 3, column 'debtor ref': 'D9' this reference exists in several sources "
     "(fec, sage); write it as SOURCE:REF"),
    ("C002;Coface;5;1000;;2025-05-01",
     "coface.csv line 3, column 'currency': a limit needs its currency"),
])
def test_one_bad_line_imports_nothing_and_names_line_column_and_value(db, debtors, tmp_path,
                                                                      line, message):
    text = "debtor ref;insurer;score;limit;currency;date\nC001;Coface;7;5000;EUR;2025-05-01\n" \
        + line + "\n"
    with pytest.raises(InsurerFileError) as caught:
        load(db, write(tmp_path, text))
    assert str(caught.value) == f"coface.csv was not imported: {message}"
    assert rows(db) == []
    with session_scope(db) as s:
        assert s.scalar(select(func.count()).select_from(Activity)) == 0


def test_source_ref_picks_one_of_twin_references_and_insurer_comes_from_the_option(db, debtors,
                                                                                  tmp_path):
    text = "Customer;Grade;Limite;Devise;Date de décision\nsage:D9;8;1000;EUR;2025-05-01\n"
    result = load(db, write(tmp_path, text), insurer="Atradius")
    assert (result.created, result.insurers) == (1, ("Atradius",))
    with pytest.raises(UserError, match=r"line 2, column 'insurer': no insurer named"):
        load(db, write(tmp_path, text, "other.csv"))


def test_a_line_twice_in_one_file_is_refused(db, debtors, tmp_path):
    text = GOOD + "C001;Coface;6.5;40000;EUR;2025-06-15\n"
    with pytest.raises(InsurerFileError, match=r"line 6, column 'date': '2025-06-15' C001 already "
                                               r"has a Coface assessment on this date at line 4"):
        load(db, write(tmp_path, text))


def test_an_excel_file_imports_like_a_csv(db, debtors, tmp_path):
    path = tmp_path / "allianz.xlsx"
    pd.DataFrame({"Debtor ref": ["C003"], "Insurer": ["Allianz Trade"], "Score": ["55"],
                  "Limit": ["15000"], "Currency": ["EUR"],
                  "Date": [pd.Timestamp("2025-04-01")]}).to_excel(path, index=False)
    assert load(db, path).created == 1
    assert rows(db) == [(debtors["C003"], "Allianz Trade", Decimal("55.00"), Decimal("15000.00"),
                         "EUR", date(2025, 4, 1))]


def test_the_latest_assessment_as_of_a_date(db, debtors, tmp_path):
    load(db, write(tmp_path, GOOD))
    with session_scope(db) as s:
        may = latest_assessments(s, date(2025, 5, 31))
        june = latest_assessments(s, date(2025, 6, 30))
        one = latest_assessment(s, debtors["C001"], date(2025, 6, 30))
        none = latest_assessment(s, debtors["C001"], date(2025, 4, 30))
    assert may.loc[debtors["C001"], "external_score"] == 7.5
    assert may.loc[debtors["C001"], "external_limit"] == 5_000_000  # cents
    assert debtors["C003"] not in may.index
    assert june.loc[debtors["C001"], ["external_score", "insurer_assessed_on"]].tolist() == [
        6.0, date(2025, 6, 15)]
    assert june.loc[debtors["C003"], "external_limit_currency"] == "GBP"
    assert (one.insurer, one.score, one.limit_amount) == ("Coface", Decimal("6.00"),
                                                          Decimal("40000.00"))
    assert none is None
