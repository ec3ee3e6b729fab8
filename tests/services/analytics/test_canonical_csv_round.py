"""Acceptance (issue 4): DOMAIN.md's worked examples through the CLI, canonical CSV in
(`collecta import csv`), `collecta report metrics` out."""

import json

from app.cli import main

DEBTORS = "ref,name,segment,country,currency\nCB1,Countback Industries,smb,FR,EUR\n" \
          "CEI1,Collection Effectiveness GmbH,public_sector,DE,EUR\n"
# Countback (as of 2024-03-31): AR 212,000 on sales Jan 70k, Feb 80k, Mar 100k → 74.17.
COUNTBACK_INVOICES = (
    "ref,debtor_ref,number,issue_date,due_date,currency,amount,kind\n"
    "CB-JAN,CB1,F-JAN,2024-01-15,2024-02-14,EUR,70000.00,invoice\n"
    "CB-FEB,CB1,F-FEB,2024-02-15,2024-03-16,EUR,80000.00,invoice\n"
    "CB-MAR,CB1,F-MAR,2024-03-15,2024-04-14,EUR,100000.00,invoice\n")
COUNTBACK_PAYMENTS = ("ref,debtor_ref,date,currency,amount,invoice_ref\n"
                      "CB-PAY1,CB1,2024-02-20,EUR,38000.00,CB-JAN\n")
# CEI (3 months to 2024-03-31): begin 6,200, sales 10,890, end 6,340, current 3,590 → 79.63 %.
CEI_INVOICES = (
    "ref,debtor_ref,number,issue_date,due_date,currency,amount,kind\n"
    "CEI-DEC,CEI1,G-DEC,2023-12-01,2023-12-31,EUR,6200.00,invoice\n"
    "CEI-JAN,CEI1,G-JAN,2024-01-16,2024-02-15,EUR,7300.00,invoice\n"
    "CEI-MAR,CEI1,G-MAR,2024-03-20,2024-04-19,EUR,3590.00,invoice\n")
CEI_PAYMENTS = ("ref,debtor_ref,date,currency,amount,invoice_ref\n"
                "CEI-PAY1,CEI1,2024-01-20,EUR,6200.00,CEI-DEC\n"
                "CEI-PAY2,CEI1,2024-02-28,EUR,4550.00,CEI-JAN\n")


def _import(db_url, tmp_path, capsys, kind, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    code = main(["--db", db_url, "import", "csv", str(path), "--kind", kind,
                 "--as-of", "2024-03-31"])
    out = capsys.readouterr()
    assert code == 0, out.err


def _metrics(db_url, capsys):
    assert main(["--db", db_url, "report", "metrics", "--as-of", "2024-03-31",
                 "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_countback_example_from_canonical_csv(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'cb.db'}"
    _import(url, tmp_path, capsys, "debtors", "debtors.csv", DEBTORS)
    _import(url, tmp_path, capsys, "invoices", "invoices.csv", COUNTBACK_INVOICES)
    _import(url, tmp_path, capsys, "payments", "payments.csv", COUNTBACK_PAYMENTS)
    eur = _metrics(url, capsys)["EUR"]
    assert eur["open_total"] == "212000.00"
    assert eur["credit_sales"] == "250000.00"
    assert eur["dso_countback"] == 74.17
    assert (eur["period_start"], eur["period_end"]) == ("2024-01-01", "2024-03-31")


def test_cei_example_from_canonical_csv(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'cei.db'}"
    _import(url, tmp_path, capsys, "debtors", "debtors.csv", DEBTORS)
    _import(url, tmp_path, capsys, "invoices", "invoices.csv", CEI_INVOICES)
    _import(url, tmp_path, capsys, "payments", "payments.csv", CEI_PAYMENTS)
    eur = _metrics(url, capsys)["EUR"]
    assert (eur["open_total"], eur["current_total"], eur["credit_sales"]) == (
        "6340.00", "3590.00", "10890.00")
    assert eur["cei"] == 79.63
