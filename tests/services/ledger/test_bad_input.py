"""Bad input never crashes an import: every reader, fed random bytes, truncated lines, wrong
column counts, impossible dates, malformed amounts, unknown currencies or duplicate refs,
either imports or refuses with the line and the reason — and the database is unchanged."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.db import session_scope
from app.errors import UserError
from app.services.ledger.csv_excel import read_canonical
from app.services.ledger.fec import read_fec
from app.services.ledger.pipeline import ImportOptions, ImportRejected, import_batch
from tests import factories as f
from tests.services.ledger.state import table_rows

AS_OF = date(2025, 6, 30)
SETTINGS = settings(max_examples=50, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])
FEC_HEADER = ("JournalCode|JournalLib|EcritureNum|EcritureDate|CompteNum|CompteLib|CompAuxNum|"
              "CompAuxLib|PieceRef|PieceDate|EcritureLib|Debit|Credit|EcritureLet|DateLet|"
              "ValidDate|Montantdevise|Idevise")
GOOD_FEC = [
    "VE|Ventes|1|20250110|411000|Clients|C1|Martin|F1|20250110|F1|100,00|0,00|||||",
    "VE|Ventes|1|20250110|706000|Ventes||||20250110|F1|0,00|100,00|||||",
    "BQ|Banque|2|20250120|411000|Clients|C1|Martin|V1|20250120|V1|0,00|60,00|||||",
]
BAD_VALUES = {
    "date": ["20231345", "2023-02-30", "31/31/2023", "", "yesterday"],
    "amount": ["12,34,5", "1.2.3", "abc", "", "--5", "12e3"],
    "currency": ["XYZ", "EURO", "€", "12"],
}


def seeded(db):
    with session_scope(db) as s:
        d = f.debtor(s, "C1", "Boulangerie Martin", source="csv")
        f.invoice(s, d, 100, due=date(2025, 5, 1))
    return table_rows(db)


def attempt(db, read, path: Path, before) -> None:
    """Import; on refusal the database must be exactly as before and each rejection precise."""
    try:
        batch = read(path)
        import_batch(db, batch, ImportOptions(source="csv", as_of=AS_OF))
    except ImportRejected as exc:
        assert exc.report.rejections
        for r in exc.report.rejections:
            assert r.file == path.name and r.line >= 1 and r.reason
        assert table_rows(db) == before
    except UserError as exc:
        assert str(exc)
        assert table_rows(db) == before


@SETTINGS
@given(data=st.binary(max_size=600))
def test_random_bytes_never_crash_any_reader(sqlite_db, tmp_path_factory, data):
    before = seeded(sqlite_db) if not table_rows(sqlite_db)["debtor"] else table_rows(sqlite_db)
    folder = tmp_path_factory.mktemp("bytes")
    for name, read in (("FEC.txt", read_fec),
                       ("inv.csv", lambda p: read_canonical(p, "invoices")),
                       ("deb.csv", lambda p: read_canonical(p, "debtors")),
                       ("book.xlsx", lambda p: read_canonical(p, "payments"))):
        path = folder / name
        path.write_bytes(data)
        attempt(sqlite_db, read, path, before)
        before = table_rows(sqlite_db)


row = st.fixed_dictionaries({
    "ref": st.sampled_from(["I1", "I2", "I3", "I1"]),
    "date": st.one_of(st.just("2025-05-01"), st.sampled_from(BAD_VALUES["date"])),
    "amount": st.one_of(st.just("120,50"), st.sampled_from(BAD_VALUES["amount"])),
    "currency": st.one_of(st.just("EUR"), st.sampled_from(BAD_VALUES["currency"])),
    "cut": st.integers(min_value=0, max_value=9),
})


@SETTINGS
@given(rows=st.lists(row, min_size=1, max_size=6))
def test_bad_canonical_rows_are_rejected_with_line_and_reason(sqlite_db, tmp_path_factory, rows):
    before = seeded(sqlite_db) if not table_rows(sqlite_db)["debtor"] else table_rows(sqlite_db)
    lines = ["ref;debtor_ref;number;issue_date;due_date;currency;amount;kind"]
    for r in rows:
        fields = [r["ref"], "C1", r["ref"], r["date"], "", r["currency"], r["amount"], "invoice"]
        text = ";".join(fields)
        lines.append(text[: len(text) - r["cut"]] if r["cut"] > 6 else text)
    path = tmp_path_factory.mktemp("rows") / "inv.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    refs_seen: set[str] = set()
    expect_bad: set[int] = set()
    for n, (r, text) in enumerate(zip(rows, lines[1:], strict=True), start=2):
        bad = (text.count(";") != 7 or r["date"] != "2025-05-01" or r["amount"] != "120,50"
               or r["currency"] != "EUR" or r["ref"] in refs_seen)
        if text.count(";") == 7 and text.split(";")[0]:
            refs_seen.add(r["ref"])
        if bad:
            expect_bad.add(n)
    try:
        report = import_batch(sqlite_db, read_canonical(path, "invoices"),
                              ImportOptions(source="csv", as_of=AS_OF))
    except ImportRejected as exc:
        assert {r.line for r in exc.report.rejections} == expect_bad
        assert all(r.reason for r in exc.report.rejections)
        assert table_rows(sqlite_db) == before
    except UserError:
        assert table_rows(sqlite_db) == before
    else:
        assert not expect_bad and report.rejected == 0


fec_mutation = st.sampled_from(["truncate", "date", "amount", "columns", "none", "blank"])


@SETTINGS
@given(mutations=st.lists(st.tuples(st.integers(0, 2), fec_mutation), max_size=3))
def test_damaged_fec_lines_are_rejected_or_imported_never_crash(sqlite_db, tmp_path_factory,
                                                                mutations):
    before = table_rows(sqlite_db)
    lines = list(GOOD_FEC)
    for index, how in mutations:
        fields = lines[index].split("|")
        if how == "truncate":
            lines[index] = lines[index][: len(lines[index]) // 2]
        elif how == "date" and len(fields) > 3:
            fields[3] = "20231345"
            lines[index] = "|".join(fields)
        elif how == "amount" and len(fields) > 11:
            fields[11] = "12,34,5"
            lines[index] = "|".join(fields)
        elif how == "columns":
            lines[index] = "|".join(fields[:-3])
        elif how == "blank":
            lines[index] = ""
    path = tmp_path_factory.mktemp("fec") / "FEC.txt"
    path.write_text("\r\n".join([FEC_HEADER, *lines]), encoding="utf-8")
    try:
        report = import_batch(sqlite_db, read_fec(path),
                              ImportOptions(source="fec", as_of=AS_OF))
    except ImportRejected as exc:
        for r in exc.report.rejections:
            assert r.line in (2, 3, 4) and r.reason
        assert table_rows(sqlite_db) == before
    else:
        assert report.rejected == 0
