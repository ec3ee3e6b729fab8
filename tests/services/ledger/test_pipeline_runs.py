"""One run, one transaction: progress is reported, cancel and refusals leave nothing behind."""

from __future__ import annotations

from datetime import date

import pytest

from app.cli import main
from app.errors import UserError
from app.services.ledger.fec import FecOptions, read_fec
from app.services.ledger.pipeline import ImportCancelled, ImportOptions, import_batch
from app.services.ledger.sage100 import read_sage100
from tests.conftest import FEC_DIR
from tests.services.ledger.state import table_rows

FEC = FEC_DIR / "111111111FEC20221231.TXT"
OPTS = ImportOptions(source="fec", as_of=date(2023, 6, 29))


def test_progress_goes_through_every_stage(db):
    seen = []
    import_batch(db, read_fec(FEC), OPTS, progress=lambda d, t, m: seen.append((d, t)))
    assert [d for d, _ in seen] == list(range(7))
    assert {t for _, t in seen} == {6}


def test_cancel_midway_leaves_the_database_as_it_was(db):
    before = table_rows(db)
    calls = []

    def cancelled() -> bool:
        calls.append(1)
        return len(calls) > 3  # after debtors and invoices were written

    with pytest.raises(ImportCancelled, match="nothing changed"):
        import_batch(db, read_fec(FEC), OPTS, cancelled=cancelled)
    assert table_rows(db) == before


def test_a_refused_file_exits_2_with_one_line_naming_line_and_reason(tmp_path, capsys):
    path = tmp_path / "inv.csv"
    path.write_text("ref,debtor_ref,number,issue_date,due_date,currency,amount,kind\n"
                    "I1,C1,F1,2025-01-01,,EUR,10.00,invoice\n", encoding="utf-8")
    db_url = f"sqlite:///{tmp_path / 'c.db'}"
    assert main(["--db", db_url, "import", "csv", str(path), "--kind", "invoices"]) == 2
    err = capsys.readouterr().err
    assert err == ("collecta: Import of csv refused, nothing changed: 1 rejected row(s): "
                   "inv.csv, line 2, column debtor_ref ('C1'): unknown debtor\n")


def test_a_database_source_that_is_random_bytes_is_refused(tmp_path):
    bogus = tmp_path / "sage.db"
    bogus.write_bytes(b"\x00\x01 definitely not sqlite " * 40)
    with pytest.raises(UserError, match="Cannot read"):
        read_sage100(f"sqlite:///{bogus}")


def test_due_dates_from_a_mapped_fec_column(db):
    # 000000000…: the treasury variant carries DateRglt; its first sales line (CCB, 2023-01-31)
    # has DateRglt 2023-01-31, so the item is due that day instead of 30 days later.
    batch = read_fec(FEC_DIR / "000000000FEC20231231.txt", FecOptions(due_column="DateRglt"))
    inv = batch.invoices
    first = inv[inv["debtor_ref"] == "CCB"].iloc[0]
    assert (first["issue_date"], first["due_date"]) == ("2023-01-31", "2023-01-31")
    with pytest.raises(UserError, match="not in the file"):
        read_fec(FEC, FecOptions(due_column="DateRglt"))
