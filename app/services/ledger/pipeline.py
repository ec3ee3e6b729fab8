"""The one import pipeline: read → map → validate → upsert → settle, all-or-nothing per run.

Idempotent: the same data twice changes nothing. A changed amount or due date updates the row
and logs an activity; in a full snapshot, an open item that disappeared from the source is
closed with an activity. Rejections above the threshold (setting `ledger.max_rejections`,
default 0: any rejection) abort the run before anything is written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from app.clock import utcnow
from app.db import Database
from app.errors import UserError
from app.models import Activity, Debtor, Invoice, LedgerClosure, Setting
from app.services.ledger import settlement as st
from app.services.ledger.import_activity import log_changes
from app.services.ledger.records import EntityCounts, ImportReport, LedgerBatch, Rejection
from app.services.ledger.upsert import ItemChanges, table_of, upsert_debtors, upsert_items
from app.services.ledger.validate import VALIDATORS, ValidationOptions

Progress = Callable[[int, int, str], None]
Cancelled = Callable[[], bool]
STAGES = 6


class ImportRejected(UserError):
    """Too many rows were refused; nothing was written. Carries the report."""

    def __init__(self, report: ImportReport) -> None:
        first = "; ".join(str(r) for r in report.rejections[:3])
        more = f" (and {report.rejected - 3} more)" if report.rejected > 3 else ""
        super().__init__(f"Import of {report.source} refused, nothing changed: "
                         f"{report.rejected} rejected row(s): {first}{more}")
        self.report = report


class ImportCancelled(UserError):
    def __init__(self, source: str) -> None:
        super().__init__(f"Import of {source} cancelled; nothing changed")


@dataclass(frozen=True)
class ImportOptions:
    source: str
    as_of: date
    author: str = "import"
    max_rejections: int | None = None  # None: the team setting
    oldest_first: bool | None = None  # None: the team setting
    validation: ValidationOptions = field(default_factory=ValidationOptions)


def setting(session: Session, key: str, default: Any) -> Any:
    value = session.scalar(select(Setting.value).where(Setting.key == key))
    return default if value is None else value


def import_batch(db: Database, batch: LedgerBatch, opts: ImportOptions,
                 progress: Progress | None = None, cancelled: Cancelled | None = None
                 ) -> ImportReport:
    """Run the pipeline in one transaction of its own; any failure leaves the database as is."""
    with db.sessions() as session, session.begin():
        return import_in_session(session, batch, opts, progress, cancelled)


def _typed(batch: LedgerBatch, opts: ImportOptions) -> tuple[dict[str, pd.DataFrame],
                                                             list[Rejection]]:
    rejections = list(batch.rejections)
    typed: dict[str, pd.DataFrame] = {}
    for kind, frame in batch.frames().items():
        clean, refused = VALIDATORS[kind](frame.reset_index(drop=True), opts.validation)
        typed[kind] = clean
        rejections += refused
    return typed, rejections


def _refuse_unknown(frame: pd.DataFrame, column: str, known: set[str], what: str,
                    rejections: list[Rejection]) -> pd.DataFrame:
    values = frame[column]
    bad = values.notna() & ~values.isin(known)
    refused = frame[bad]
    for file, line, value in zip(refused["_file"], refused["_line"], refused[column],
                                 strict=True):
        rejections.append(Rejection(str(file), int(line), column, str(value), f"unknown {what}"))
    return frame[~bad]


def _debtors_named_by_invoices(typed: dict[str, pd.DataFrame], known: set[str]) -> None:
    """Invoices carrying a customer name create the debtors not known yet (never rename)."""
    inv = typed.get("invoices")
    if inv is None or "debtor_name" not in inv:
        return
    named = inv[~inv["debtor_ref"].isin(known) & (inv["debtor_name"] != "")]
    new = named.drop_duplicates("debtor_ref")
    if len(new):
        extra = pd.DataFrame({"ref": new["debtor_ref"], "name": new["debtor_name"],
                              "_file": new["_file"], "_line": new["_line"]})
        old = typed.get("debtors")
        typed["debtors"] = extra if old is None else pd.concat([old, extra], ignore_index=True)
        known |= set(extra["ref"])


def dry_run(db: Database, batch: LedgerBatch, opts: ImportOptions) -> ImportReport:
    """What an import would do and refuse, computed in a transaction that is rolled back."""
    import dataclasses

    with db.sessions() as session:
        session.begin()
        try:
            return import_in_session(session, batch, dataclasses.replace(
                opts, max_rejections=10**9))
        finally:
            session.rollback()


def import_in_session(session: Session, batch: LedgerBatch, opts: ImportOptions,
                      progress: Progress | None = None, cancelled: Cancelled | None = None
                      ) -> ImportReport:
    source = opts.source
    if not 0 < len(source) <= 32:
        raise UserError(f"Source name '{source}' must be 1 to 32 characters")

    def step(n: int, what: str) -> None:
        if cancelled is not None and cancelled():
            raise ImportCancelled(source)
        if progress is not None:
            progress(n, STAGES, what)

    step(0, "Checking rows")
    typed, rejections = _typed(batch, opts)
    known_debtors = set(session.scalars(select(Debtor.external_ref)
                                        .where(Debtor.source == source)))
    if "debtors" in typed:
        known_debtors |= set(typed["debtors"]["ref"])
    _debtors_named_by_invoices(typed, known_debtors)
    for kind in ("invoices", "payments"):
        if kind in typed:
            typed[kind] = _refuse_unknown(typed[kind], "debtor_ref", known_debtors, "debtor",
                                          rejections)
    if "payments" in typed:
        known_inv = set(session.scalars(select(Invoice.external_ref)
                                        .where(Invoice.source == source)))
        if "invoices" in typed:
            known_inv |= set(typed["invoices"]["ref"])
        typed["payments"] = _refuse_unknown(typed["payments"], "invoice_ref", known_inv,
                                            "invoice", rejections)
    limit = opts.max_rejections
    if limit is None:
        limit = int(setting(session, "ledger.max_rejections", 0))
    empty = EntityCounts()
    if len(rejections) > limit:
        raise ImportRejected(ImportReport(source, opts.as_of, empty, empty, empty,
                                          tuple(rejections)))

    step(1, "Debtors")
    deb = upsert_debtors(session, source, typed["debtors"]) if "debtors" in typed else \
        ItemChanges(ids=dict(session.execute(select(Debtor.external_ref, Debtor.id)
                                             .where(Debtor.source == source)).all()))
    step(2, "Invoices and credit notes")
    results: dict[str, ItemChanges] = {}
    for kind in ("invoices", "payments"):
        if kind in typed:
            frame = typed[kind]
            frame["debtor_id"] = frame["debtor_ref"].map(deb.ids).astype("int64")
            results[kind] = upsert_items(session, source, kind, frame, batch.snapshot)
            step(3 if kind == "invoices" else 4, "Payments" if kind == "invoices" else
                 "Settlements")
    closed_counts = _settle(session, source, opts, batch, typed, results)
    step(5, "Activity log")
    debtor_ids = log_changes(session, opts.source, opts.author, deb, results)
    report = ImportReport(
        source=source, as_of=opts.as_of,
        debtors=EntityCounts(len(deb.created), len(deb.updated), 0, deb.unchanged),
        invoices=_counts(results.get("invoices"), closed_counts.get("invoices", 0)),
        payments=_counts(results.get("payments"), closed_counts.get("payments", 0)),
        rejections=tuple(rejections), debtor_ids=frozenset(debtor_ids))
    session.add(Activity(at=utcnow(), author=opts.author, debtor_id=None, kind="ledger_import",
                         summary=report.summary(),
                         detail={"source": source, "created": report.created,
                                 "updated": report.updated, "closed": report.closed,
                                 "unchanged": report.unchanged, "rejected": report.rejected}))
    step(6, "Done")
    return report


def _counts(changes: ItemChanges | None, closed: int) -> EntityCounts:
    if changes is None:
        return EntityCounts()
    return EntityCounts(len(changes.created), len(changes.updated), closed, changes.unchanged)


def _settle(session: Session, source: str, opts: ImportOptions, batch: LedgerBatch,
            typed: dict[str, pd.DataFrame], results: dict[str, ItemChanges]) -> dict[str, int]:
    inv_ids = results["invoices"].ids if "invoices" in results else {}
    pay_ids = results["payments"].ids if "payments" in results else {}
    lines = []
    if "invoices" in typed:
        f = typed["invoices"]
        lines.append(pd.DataFrame({"item_kind": f["kind"], "item_ref": f["ref"],
                                   "id": f["ref"].map(inv_ids), "amount_cents": f["amount_cents"],
                                   "currency": f["currency"], "date": f["issue_date"]}))
    if "payments" in typed:
        f = typed["payments"]
        lines.append(pd.DataFrame({"item_kind": "payment", "item_ref": f["ref"],
                                   "id": f["ref"].map(pay_ids), "amount_cents": f["amount_cents"],
                                   "currency": f["currency"], "date": f["date"]}))
    allocs = [pd.DataFrame(columns=st.ALLOC_KEY)]
    closes = pd.DataFrame(columns=st.CLOSE_KEY)
    if batch.lettering is not None and len(batch.lettering) and lines:
        a, closes = st.lettering_settlements(batch.lettering, pd.concat(lines))
        allocs.append(a)
    if "payments" in typed and typed["payments"]["invoice_ref"].notna().any():
        p = typed["payments"]
        named = pd.DataFrame({"id": p["ref"].map(pay_ids),
                              "invoice_id": p["invoice_ref"].map(_all_ids(session, Invoice,
                                                                          source)),
                              "amount_cents": p["amount_cents"], "date": p["date"],
                              "currency": p["currency"]})
        allocs.append(st.reference_settlements(named, _invoice_amounts(
            session, [int(i) for i in named["invoice_id"].dropna().unique()])))
    desired = pd.concat([a for a in allocs if len(a)] or allocs[:1], ignore_index=True)
    old_allocs, old_closes = st.existing_explicit(session, source)
    if not batch.snapshot:
        in_batch = set(pay_ids.get(r) for r in typed.get("payments", pd.DataFrame(
            columns=["ref"]))["ref"])
        old_allocs = old_allocs[old_allocs["payment_id"].isin(in_batch)]
    reset = {("I", i) for i in results.get("invoices", ItemChanges()).reset}
    reset |= {("P", i) for i in results.get("payments", ItemChanges()).reset}
    touched = st.sync_rows(session, st.Allocation, old_allocs, desired, st.ALLOC_KEY,
                           {"source": source})
    touched |= st.sync_rows(session, LedgerClosure, old_closes, closes, st.CLOSE_KEY,
                            {"source": source, "reason": "lettered"})
    closed = _close_missing(session, source, opts.as_of, batch, results) if batch.snapshot \
        else {}
    st.drop_auto_allocations(session, source, touched | reset)
    st.recompute_open(session, source)
    oldest_first = opts.oldest_first
    if oldest_first is None:
        oldest_first = bool(setting(session, "ledger.oldest_first", True))
    if oldest_first and st.auto_allocate(session, source):
        st.recompute_open(session, source)
    return closed


def _all_ids(session: Session, model: Any, source: str) -> dict[str, int]:
    return dict(session.execute(select(model.external_ref, model.id)
                                .where(model.source == source)).all())


def _invoice_amounts(session: Session, ids: list[int]) -> pd.DataFrame:
    rows: list[Any] = []
    for start in range(0, len(ids), 900):
        rows += session.execute(select(Invoice.id, st.cents(Invoice.amount), Invoice.issue_date,
                                       Invoice.currency)
                                .where(Invoice.id.in_(ids[start:start + 900]))).all()
    out = pd.DataFrame(rows, columns=["id", "amount_cents", "issue_date", "currency"])
    out["issue_date"] = pd.to_datetime(out["issue_date"])
    return out


def _close_missing(session: Session, source: str, as_of: date, batch: LedgerBatch,
                   results: dict[str, ItemChanges]) -> dict[str, int]:
    """Snapshot: open items the source no longer lists are closed as of the import date;
    items that come back are reopened."""
    out = {}
    for kind, col in (("invoices", LedgerClosure.invoice_id), ("payments",
                                                              LedgerClosure.payment_id)):
        ch = results.get(kind)
        if ch is None:
            continue
        has_missing = session.scalar(select(LedgerClosure.id).where(
            LedgerClosure.source == source, LedgerClosure.reason == "missing",
            col.is_not(None)).limit(1)) is not None
        listed = set(batch.frames()[kind]["ref"]) if has_missing else set()
        back = [i for r, i in ch.ids.items() if r in listed]
        for start in range(0, len(back), 900):
            session.execute(delete(LedgerClosure).where(
                LedgerClosure.source == source, LedgerClosure.reason == "missing",
                col.in_(back[start:start + 900])))
        gone = ch.missing if ch.missing is not None else pd.DataFrame()
        out[kind] = len(gone)
        if len(gone):
            key = "invoice_id" if kind == "invoices" else "payment_id"
            session.execute(insert(table_of(LedgerClosure)), [
                {key: int(r.id), "amount": st.money(r.open_cents), "date": as_of,
                 "reason": "missing", "source": source} for r in gone.itertuples(index=False)])
    return out
