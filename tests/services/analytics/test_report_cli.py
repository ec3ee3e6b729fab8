"""DOMAIN.md's worked examples through `collecta report …` (ledger built with the factories)."""

import csv
import io
import json

from openpyxl import load_workbook

from app.cli import main
from app.db import session_scope
from tests import factories as f
from tests.services.analytics import worked_examples as ex


def _run(capsys, db, *argv):
    code = main(["--db", db.url, *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _metrics(capsys, db, as_of, months=3):
    code, out, err = _run(capsys, db, "report", "metrics", "--as-of", as_of.isoformat(),
                          "--period-months", str(months), "--format", "json")
    assert code == 0, err
    return json.loads(out)


def test_metrics_json_countback_example(db, capsys):
    with session_scope(db) as s:
        ex.countback_quarter(s)
    eur = _metrics(capsys, db, ex.COUNTBACK_AS_OF)["EUR"]
    assert eur["dso_countback"] == 74.17
    assert eur["open_total"] == "212000.00"
    assert eur["credit_sales"] == "250000.00"
    assert (eur["period_start"], eur["period_end"]) == ("2024-01-01", "2024-03-31")
    assert {"open_total", "overdue_total", "current_total", "credit_sales", "dso_simple",
            "dso_countback", "bpdso", "add", "cei", "period_start", "period_end"} <= set(eur)


def test_metrics_json_simple_dso_add_and_cei_examples(db, capsys):
    with session_scope(db) as s:
        ex.dso_simple_year(s)
    assert round(_metrics(capsys, db, ex.DSO_AS_OF, 12)["EUR"]["dso_simple"], 1) == 30.4


def test_metrics_json_add_example(db, capsys):
    with session_scope(db) as s:
        ex.add_month(s)
    eur = _metrics(capsys, db, ex.ADD_AS_OF, 1)["EUR"]
    assert (eur["dso_simple"], eur["bpdso"], eur["add"]) == (45.0, 12.0, 33.0)
    assert eur["current_total"] == "4000.00"


def test_metrics_json_cei_example_and_currencies_apart(db, capsys):
    with session_scope(db) as s:
        ex.cei_quarter(s)
        d = f.debtor(s, "GB2")
        f.invoice(s, d, 250, due=ex.CEI_AS_OF, issued=ex.CEI_AS_OF, currency="GBP")
    result = _metrics(capsys, db, ex.CEI_AS_OF)
    assert sorted(result) == ["EUR", "GBP"]
    assert result["EUR"]["cei"] == 79.63
    assert result["GBP"]["open_total"] == "250.00"


def test_aged_csv_json_and_xlsx(db, capsys, tmp_path):
    with session_scope(db) as s:
        ex.ageing_a_to_e(s)
    code, out, _ = _run(capsys, db, "report", "aged", "--as-of", "2025-06-30", "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows[0]["key"] == "AGE1"
    assert [rows[0][k] for k in ("current", "d1_30", "d31_60", "d61_90", "d91_plus", "total")] == [
        "1000.00", "2000.00", "1500.00", "500.00", "800.00", "5800.00"]
    assert rows[-1]["key"] == "Total"
    code, out, _ = _run(capsys, db, "report", "aged", "--as-of", "2025-06-30", "--by",
                        "segment", "--basis", "invoice", "--format", "json")
    assert json.loads(out)[0] == {
        "key": "smb", "currency": "EUR", "current": "0.00", "d1_30": "1000.00",
        "d31_60": "2000.00", "d61_90": "1500.00", "d91_plus": "1300.00", "credits": "0.00",
        "total": "5800.00"}
    target = tmp_path / "aged.xlsx"
    code, out, _ = _run(capsys, db, "report", "aged", "--as-of", "2025-06-30", "--format",
                        "xlsx", "-o", str(target))
    assert code == 0
    ws = load_workbook(target).active
    assert ws["A2"].value == "AGE1"
    assert ws["D2"].value == 1000 and ws["D2"].number_format.startswith("#,##0.00")


def test_aged_table_and_errors(db, capsys):
    with session_scope(db) as s:
        ex.ageing_a_to_e(s)
    code, out, _ = _run(capsys, db, "report", "aged", "--as-of", "2025-06-30")
    assert code == 0
    assert "AGE1" in out and "5800.00" in out and "days past due" in out
    code, _, err = _run(capsys, db, "report", "aged", "--format", "xlsx")
    assert code == 2 and "-o FILE.xlsx" in err
    code, _, err = _run(capsys, db, "report", "metrics", "--period-months", "0")
    assert code == 2 and "--period-months" in err


def test_debtor_report_shows_ageing_metrics_and_behaviour(db, capsys):
    with session_scope(db) as s:
        ex.behaviour_two_invoices(s)
    code, out, err = _run(capsys, db, "report", "debtor", "PAY1", "--as-of", "2025-06-30",
                          "--format", "json")
    assert code == 0, err
    result = json.loads(out)
    assert (result["promise_kept_rate"], result["dispute_days_median"]) == (None, None)
    eur = result["currencies"]["EUR"]
    assert eur["days_to_pay_weighted"] == 19.09
    assert eur["days_to_pay_simple"] == 15.0
    code, out, _ = _run(capsys, db, "report", "debtor", "PAY1", "--as-of", "2025-06-30")
    assert "Steady Payer SA" in out and "days_to_pay_weighted" in out
    code, _, err = _run(capsys, db, "report", "debtor", "NOPE", "--as-of", "2025-06-30")
    assert code == 2 and "NOPE" in err
