"""`collecta import csv|fec|sage100|sql`, `collecta sync`, `collecta sources …`,
`collecta export csv`: the ledger in and out, headless (scheduled tasks, tests, benchmarks)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Literal

from app.cli.common import (
    add_as_of,
    add_db_option,
    add_format,
    as_of,
    emit_json,
    emit_rows,
    open_db,
)
from app.db import session_scope
from app.errors import UserError
from app.services.ledger.csv_excel import read_canonical
from app.services.ledger.export import export_csv
from app.services.ledger.fec import FecOptions, read_fec
from app.services.ledger.mapping import ColumnMapping, load_profile, mapping_from_file
from app.services.ledger.pipeline import ImportOptions, import_batch
from app.services.ledger.records import ImportReport, LedgerBatch
from app.services.ledger.sage100 import read_sage100
from app.services.ledger.sources import (
    add_source,
    list_sources,
    remove_source,
    sync_all,
    update_source,
)
from app.services.ledger.sql_source import load_sql_config, read_sql_source
from app.services.ledger.validate import ValidationOptions

KINDS = ("debtors", "invoices", "payments")


def _common(p: argparse.ArgumentParser, default_source: str) -> None:
    p.add_argument("--source", default=default_source,
                   help=f"name stored with the imported rows (default {default_source})")
    p.add_argument("--max-rejections", type=int, default=None, metavar="N",
                   help="accept up to N rejected rows (default: the team setting, 0)")
    add_as_of(p)
    add_format(p, ("table", "json"))
    add_db_option(p)


def register(sub: Any) -> None:
    imp = sub.add_parser("import", help="import a ledger file or database")
    isub = imp.add_subparsers(dest="import_command", metavar="FORMAT", required=True)
    c = isub.add_parser("csv", help="canonical or mapped CSV / Excel file")
    c.add_argument("file", type=Path)
    c.add_argument("--kind", choices=KINDS, required=True)
    c.add_argument("--mapping", metavar="NAME|FILE.json", help="saved profile or mapping file")
    c.add_argument("--snapshot", action="store_true",
                   help="the file lists every open item: close those it no longer lists")
    c.add_argument("--currency", default="EUR", help="currency when the file has none")
    c.add_argument("--terms", default="net30", help="due date when the file has none")
    _common(c, "csv")
    c.set_defaults(handler=cmd_import_csv)
    f = isub.add_parser("fec", help="French FEC ledger export")
    f.add_argument("file", type=Path)
    f.add_argument("--terms", default="net30", help="default payment terms: net30, eom30 …")
    f.add_argument("--due-column", default=None, help="FEC column holding due dates")
    _common(f, "fec")
    f.set_defaults(handler=cmd_import_fec)
    s = isub.add_parser("sage100", help="Sage 100 SQL database (F_COMPTET, F_ECRITUREC)")
    s.add_argument("--url", required=True, help="SQLAlchemy URL (password from the keyring)")
    s.add_argument("--mapping-file", type=Path, default=None)
    s.add_argument("--terms", default="net30")
    _common(s, "sage100")
    s.set_defaults(handler=cmd_import_sage)
    q = isub.add_parser("sql", help="any database: URL plus three SELECTs (JSON/TOML config)")
    q.add_argument("--config", type=Path, required=True)
    _common(q, "sql")
    q.set_defaults(handler=cmd_import_sql)

    sy = sub.add_parser("sync", help="sync every configured ledger source (or one)")
    sy.add_argument("--source", default=None)
    sy.add_argument("--force", action="store_true", help="import even if unchanged")
    add_as_of(sy)
    add_db_option(sy)
    sy.set_defaults(handler=cmd_sync)

    so = sub.add_parser("sources", help="configured ledger sources")
    ssub = so.add_subparsers(dest="sources_command", metavar="ACTION", required=True)
    ls = ssub.add_parser("list")
    add_format(ls)
    add_db_option(ls)
    ls.set_defaults(handler=cmd_sources_list)
    ad = ssub.add_parser("add")
    ad.add_argument("name")
    ad.add_argument("--kind", required=True, choices=("csv", "excel", "fec", "sage100", "sql"))
    ad.add_argument("--location", required=True, help="file path, URL, or SQL config file")
    ad.add_argument("--option", action="append", default=[], metavar="KEY=VALUE",
                    help="kind=invoices, mapping=NAME, terms=eom30, snapshot=true …")
    ad.add_argument("--every", type=int, default=None, metavar="MINUTES")
    add_db_option(ad)
    ad.set_defaults(handler=cmd_sources_add)
    rm = ssub.add_parser("remove")
    rm.add_argument("name")
    add_db_option(rm)
    rm.set_defaults(handler=cmd_sources_remove)
    st = ssub.add_parser("set", help="change a source; what is not given stays")
    st.add_argument("name")
    st.add_argument("--location", default=None, help="new file path, URL, or SQL config file")
    st.add_argument("--option", action="append", default=[], metavar="KEY=VALUE",
                    help="set an option (KEY= with no value removes it)")
    when = st.add_mutually_exclusive_group()
    when.add_argument("--every", type=int, default=None, metavar="MINUTES")
    when.add_argument("--manual", action="store_true", help="sync only on request")
    on = st.add_mutually_exclusive_group()
    on.add_argument("--enable", dest="enabled", action="store_const", const=True, default=None)
    on.add_argument("--disable", dest="enabled", action="store_const", const=False)
    add_db_option(st)
    st.set_defaults(handler=cmd_sources_set)
    te = ssub.add_parser("test", help="read a source without importing it; print what it holds")
    te.add_argument("name")
    add_db_option(te)
    te.set_defaults(handler=cmd_sources_test)

    ex = sub.add_parser("export", help="export the ledger")
    esub = ex.add_subparsers(dest="export_command", metavar="FORMAT", required=True)
    e = esub.add_parser("csv", help="canonical CSV (imports back with no mapping)")
    e.add_argument("--kind", choices=KINDS, required=True)
    e.add_argument("-o", "--output", type=Path, required=True)
    add_db_option(e)
    e.set_defaults(handler=cmd_export_csv)


def _run(args: argparse.Namespace, batch: LedgerBatch, validation: ValidationOptions) -> int:
    db = open_db(args)

    def progress(done: int, total: int, what: str) -> None:
        if sys.stderr.isatty():
            print(f"\r{what} ({done}/{total})      ", end="", file=sys.stderr, flush=True)

    report = import_batch(db, batch, ImportOptions(
        source=args.source, as_of=as_of(args), author="cli",
        max_rejections=args.max_rejections, validation=validation), progress)
    if sys.stderr.isatty():
        print(file=sys.stderr)
    print_report(report, args.format)
    return 0


def print_report(report: ImportReport, fmt: str = "table") -> None:
    if fmt == "json":
        emit_json({"source": report.source, "created": report.created,
                   "updated": report.updated, "closed": report.closed,
                   "unchanged": report.unchanged, "rejected": report.rejected,
                   "debtors": report.debtors, "invoices": report.invoices,
                   "payments": report.payments, "rejections": list(report.rejections)})
        return
    rows = [{"entity": n, "created": c.created, "updated": c.updated, "closed": c.closed,
             "unchanged": c.unchanged}
            for n, c in (("debtors", report.debtors), ("invoices", report.invoices),
                         ("payments", report.payments))]
    emit_rows(rows, ("entity", "created", "updated", "closed", "unchanged"), "table")
    for r in report.rejections:
        print(f"rejected: {r}")
    print(report.summary())


def _mapping(args: argparse.Namespace) -> ColumnMapping | None:
    if not args.mapping:
        return None
    if args.mapping.endswith(".json"):
        return mapping_from_file(Path(args.mapping))
    with session_scope(open_db(args)) as s:
        return load_profile(s, args.mapping)


def _readable(path: Path) -> Path:
    if not path.is_file():
        raise UserError(f"File {path} not found")
    return path


def cmd_import_csv(args: argparse.Namespace) -> int:
    batch = read_canonical(_readable(args.file), args.kind, _mapping(args))
    batch.snapshot = args.snapshot
    return _run(args, batch, ValidationOptions(default_currency=args.currency.upper(),
                                               terms=args.terms))


def cmd_import_fec(args: argparse.Namespace) -> int:
    batch = read_fec(_readable(args.file), FecOptions(terms=args.terms,
                                                       due_column=args.due_column))
    if args.as_of is None and batch.last_date is not None:
        args.as_of = batch.last_date
    return _run(args, batch, ValidationOptions(terms=args.terms))


def cmd_import_sage(args: argparse.Namespace) -> int:
    batch = read_sage100(args.url, mapping_path=args.mapping_file, source_name=args.source,
                         terms=args.terms)
    return _run(args, batch, ValidationOptions(terms=args.terms))


def cmd_import_sql(args: argparse.Namespace) -> int:
    cfg = load_sql_config(_readable(args.config))
    return _run(args, read_sql_source(cfg, args.source), ValidationOptions())


def cmd_sync(args: argparse.Namespace) -> int:
    db = open_db(args)
    day = as_of(args)
    if args.source:
        from app.services.ledger.sources import sync_source

        print(sync_source(db, args.source, day, force=args.force).summary())
        return 0
    outcomes = sync_all(db, day)
    if not outcomes:
        print("No ledger sources configured (collecta sources add …)")
    failed = 0
    for o in outcomes:
        if o.report is not None:
            print(o.report.summary())
        else:
            failed += 1
            print(f"{o.name}: FAILED: {o.error}", file=sys.stderr)
    return 2 if failed else 0


def cmd_sources_list(args: argparse.Namespace) -> int:
    rows = [{"name": s.name, "kind": s.kind, "location": s.location,
             "options": json.dumps(s.options, ensure_ascii=False),
             "every_minutes": s.schedule_minutes, "last_sync": s.last_sync_at,
             "outcome": s.last_outcome, "message": s.last_message}
            for s in list_sources(open_db(args))]
    emit_rows(rows, ("name", "kind", "location", "options", "every_minutes", "last_sync",
                     "outcome", "message"), args.format)
    return 0


def _option_value(v: str) -> Any:
    if v.lower() in ("true", "false"):
        return v.lower() == "true"
    if "," in v:
        return [x.strip() for x in v.split(",")]
    return v


def _options(items: list[str], opts: dict[str, Any] | None = None) -> dict[str, Any]:
    opts = dict(opts or {})
    for item in items:
        key, sep, value = item.partition("=")
        if not sep:
            raise UserError(f"--option {item}: use KEY=VALUE")
        if value.strip():
            opts[key.strip()] = _option_value(value.strip())
        else:
            opts.pop(key.strip(), None)
    return opts


def cmd_sources_add(args: argparse.Namespace) -> int:
    opts = _options(args.option)
    src = add_source(open_db(args), args.name, args.kind, args.location, options=opts,
                     schedule_minutes=args.every)
    print(f"Source {src.name} ({src.kind}) added")
    return 0


def cmd_sources_remove(args: argparse.Namespace) -> int:
    remove_source(open_db(args), args.name)
    print(f"Source {args.name} removed")
    return 0


def cmd_sources_set(args: argparse.Namespace) -> int:
    db = open_db(args)
    current = {s.name: s for s in list_sources(db)}.get(args.name)
    if current is None:
        raise UserError(f"No ledger source named '{args.name}'")
    schedule: int | None | Literal["keep"] = (None if args.manual else args.every
                                              if args.every is not None else "keep")
    src = update_source(db, args.name, location=args.location,
                        options=_options(args.option, current.options) if args.option else None,
                        schedule_minutes=schedule, enabled=args.enabled)
    every = f"every {src.schedule_minutes} min" if src.schedule_minutes else "manual"
    print(f"Source {src.name} ({src.kind}) updated: {src.location}, {every}, "
          f"{'enabled' if src.enabled else 'disabled'}")
    return 0


def cmd_sources_test(args: argparse.Namespace) -> int:
    from app.services.ledger.source_probe import probe_saved_source

    print(f"{args.name}: {probe_saved_source(open_db(args), args.name).describe()}")
    return 0


def cmd_export_csv(args: argparse.Namespace) -> int:
    with session_scope(open_db(args)) as s:
        n = export_csv(s, args.kind, args.output)
    print(f"{n} {args.kind} written to {args.output}")
    return 0
