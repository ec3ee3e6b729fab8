"""FEC files (DOMAIN.md §8): the four real fixtures import, balances match the unlettered lines."""

from __future__ import annotations

import csv
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.db import session_scope
from app.models import Activity, Allocation, Invoice, LedgerClosure, Payment
from app.services.ledger.fec import FecOptions, read_fec
from app.services.ledger.pipeline import ImportOptions, import_batch
from app.services.ledger.validate import apply_terms
from app.services.worklist import worklist_rows
from tests.conftest import FEC_DIR
from tests.services.ledger.state import ledger_rows

FILES = sorted(p.name for p in FEC_DIR.glob("*FEC*"))


def unlettered_balances(path: Path) -> tuple[dict[str, Decimal], date]:
    """Independent of the reader: sum Debit − Credit of unlettered 411 lines per account."""
    raw = path.read_bytes()
    for enc in ("utf-8-sig", "cp850"):
        try:
            text = raw.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    sep = "|" if "|" in lines[0] else "\t"
    head = [h.strip().lower() for h in lines[0].split(sep)]
    out: dict[str, Decimal] = defaultdict(Decimal)
    last = date.min
    for row in csv.reader(lines[1:], delimiter=sep, quoting=csv.QUOTE_NONE):
        if not row:
            continue
        r = dict(zip(head, (v.strip() for v in row), strict=False))
        last = max(last, date.fromisoformat(f"{r['ecrituredate'][:4]}-{r['ecrituredate'][4:6]}-"
                                            f"{r['ecrituredate'][6:]}"))
        if r.get("datelet"):
            d = r["datelet"]
            last = max(last, date(int(d[:4]), int(d[4:6]), int(d[6:])))
        if not r["comptenum"].startswith("411") or r["ecriturelet"]:
            continue
        amount = Decimal(r["debit"].replace(",", ".")) - Decimal(r["credit"].replace(",", "."))
        out[r["compauxnum"] or r["comptenum"]] += amount
    return {k: v for k, v in out.items() if v}, last


@pytest.mark.parametrize("name", FILES)
def test_every_real_fec_imports_and_balances_match_unlettered_lines(db, name):
    path = FEC_DIR / name
    expected, last = unlettered_balances(path)
    batch = read_fec(path)
    assert batch.last_date == last
    report = import_batch(db, batch, ImportOptions(source="fec", as_of=last))
    assert report.rejected == 0
    assert report.created > 0
    with session_scope(db) as s:
        rows = worklist_rows(s, last)
    got = {r.ref: r.open_balance for r in rows if r.open_balance}
    assert got == expected


def test_second_import_of_the_same_file_changes_nothing(db):
    path = FEC_DIR / "0000000001FEC20220831.txt"
    first = import_batch(db, read_fec(path), ImportOptions(source="fec", as_of=date(2022, 8, 31)))
    before = ledger_rows(db)
    again = import_batch(db, read_fec(path), ImportOptions(source="fec", as_of=date(2022, 8, 31)))
    assert again.created == again.updated == again.closed == 0
    assert again.unchanged == first.created
    assert ledger_rows(db) == before


def test_lettering_settles_groups_on_datelet_and_closes_unbalanced_groups(db):
    # 111111111…: every lettered line carries DateLet; the first invoice of 41101590 (74.70 on
    # 2023-01-09, letter AA) is settled on its DateLet 2023-02-09.
    path = FEC_DIR / "111111111FEC20221231.TXT"
    import_batch(db, read_fec(path), ImportOptions(source="fec", as_of=date(2023, 6, 29)))
    with session_scope(db) as s:
        inv = s.scalars(select(Invoice).where(Invoice.amount == Decimal("74.70"),
                                              Invoice.issue_date == date(2023, 1, 9))).one()
        assert inv.open_amount == 0
        assert inv.settled_on == date(2023, 2, 9)
        assert s.scalar(select(func.count()).select_from(Allocation)) > 0
    # 0000000001…: DateLet is empty; CFLORE's group AABD is a 34.71 credit whose debit is an
    # unlettered opening line: the credit is closed ("lettered"), the opening line stays open.
    path = FEC_DIR / "0000000001FEC20220831.txt"
    import_batch(db, read_fec(path), ImportOptions(source="fec2", as_of=date(2022, 8, 31)))
    with session_scope(db) as s:
        closed = s.execute(select(LedgerClosure.amount, LedgerClosure.reason)
                           .join(Payment, Payment.id == LedgerClosure.payment_id)
                           .where(Payment.source == "fec2", Payment.amount == Decimal("34.71"))
                           ).all()
        assert closed == [(Decimal("34.71"), "lettered")]
    with session_scope(db) as s:
        florette = [r for r in worklist_rows(s, date(2022, 8, 31)) if r.ref == "CFLORE"]
    assert [r.open_balance for r in florette] == [Decimal("34.71")]


def test_due_dates_follow_the_default_terms(db):
    path = FEC_DIR / "000000000FEC20231231.txt"
    batch = read_fec(path, FecOptions(terms="eom30"))
    import_batch(db, batch, ImportOptions(source="fec", as_of=date(2023, 6, 30)))
    with session_scope(db) as s:
        inv = s.scalars(select(Invoice).where(Invoice.issue_date == date(2023, 1, 31))
                        .order_by(Invoice.id)).first()
    assert inv is not None
    assert inv.due_date == date(2023, 3, 31)  # 31 Jan + 30 days = 2 Mar → end of March


def test_terms_arithmetic():
    import pandas as pd

    issued = pd.Series(pd.to_datetime(["2025-01-15", "2025-01-31"]))
    assert list(apply_terms(issued, "net30").dt.date) == [date(2025, 2, 14), date(2025, 3, 2)]
    assert list(apply_terms(issued, "eom30").dt.date) == [date(2025, 2, 28), date(2025, 3, 31)]


def test_a_changed_amount_updates_the_row_and_logs_it_and_a_vanished_item_is_closed(db, tmp_path):
    lines = [
        "JournalCode|JournalLib|EcritureNum|EcritureDate|CompteNum|CompteLib|CompAuxNum|"
        "CompAuxLib|PieceRef|PieceDate|EcritureLib|Debit|Credit|EcritureLet|DateLet|ValidDate|"
        "Montantdevise|Idevise",
        "VE|Ventes|1|20250110|411000|Clients|C1|Boulangerie Martin|F1|20250110|F1|100,00|0,00"
        "|||||",
        "VE|Ventes|2|20250115|411000|Clients|C1|Boulangerie Martin|F2|20250115|F2|250,00|0,00"
        "|||||",
    ]
    path = tmp_path / "FEC.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    opts = ImportOptions(source="fec", as_of=date(2025, 2, 1))
    import_batch(db, read_fec(path), opts)
    lines[1] = lines[1].replace("100,00", "120,00")
    del lines[2]
    path.write_text("\n".join(lines), encoding="utf-8")
    report = import_batch(db, read_fec(path), opts)
    assert (report.invoices.updated, report.invoices.closed) == (1, 1)
    with session_scope(db) as s:
        (row,) = worklist_rows(s, date(2025, 2, 1))
        assert row.open_balance == Decimal("120.00")
        logs = s.scalars(select(Activity.summary).where(Activity.debtor_id == row.debtor_id)
                         .order_by(Activity.id)).all()
    assert logs == ["Invoice F1: amount 100.00 → 120.00 EUR",
                    "1 invoice(s)/credit note(s) no longer in fec closed: "
                    "VE|2|20250115|411000|C1|F2"]
