"""The source dialog's decisions without Qt: plain names for the kinds, which fields each kind
shows, the Sage 100 URL built from host / database / user (and read back), and the options
dict a kind stores. The dialog only lays out widgets and forwards what they hold."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

KIND_LABELS = {
    "fec": "FEC export (France)",
    "csv": "CSV file",
    "excel": "Excel workbook",
    "sage100": "Sage 100 (SQL Server)",
    "sql": "Other SQL database",
}
CONTENT_LABELS = {"invoices": "Invoices", "payments": "Payments", "debtors": "Customers"}
FILE_FILTERS = {
    "fec": "FEC files (*.txt *.TXT *.csv);;All files (*)",
    "csv": "CSV files (*.csv *.txt);;All files (*)",
    "excel": "Excel workbooks (*.xlsx *.xlsm);;All files (*)",
}
TERMS = ("net30", "net45", "net60", "eom30", "eom45", "immediate")
ODBC_DRIVERS = ("ODBC Driver 17 for SQL Server", "ODBC Driver 18 for SQL Server", "SQL Server")
FEC_DUE_COLUMNS = ("DateRglt", "DateLet")
# Options the form edits, per kind; any other option (set from the command line) is kept.
FORM_OPTIONS = {
    "csv": ("kind", "mapping", "snapshot", "terms", "currency"),
    "excel": ("kind", "mapping", "snapshot", "terms", "currency"),
    "fec": ("terms", "currency", "due_column", "sales_journals", "customer_prefixes"),
    "sage100": ("terms", "currency", "mapping_file"),
    "sql": (),
}
ALL_FORM_OPTIONS = frozenset(k for keys in FORM_OPTIONS.values() for k in keys)

# Which rows of the form each kind shows.
ROWS = {
    "file": ("csv", "excel", "fec"),
    "content": ("csv", "excel"),
    "mapping": ("csv", "excel"),
    "snapshot": ("csv", "excel"),
    "sage": ("sage100",),
    "config": ("sql",),
    "password": ("sage100", "sql"),
    "fec": ("fec",),
    "sage_mapping": ("sage100",),
    "terms": ("csv", "excel", "fec", "sage100"),
}


def shows(row: str, kind: str) -> bool:
    return kind in ROWS[row]


@dataclass(frozen=True)
class SageParts:
    host: str = ""
    database: str = ""
    user: str = ""
    driver: str = ODBC_DRIVERS[0]


def sage_url(parts: SageParts) -> str:
    """mssql+pyodbc://user@HOST\\INSTANCE/DATABASE?driver=…, without a password."""
    url = URL.create("mssql+pyodbc", username=parts.user.strip() or None,
                     host=parts.host.strip() or None, database=parts.database.strip() or None,
                     query={"driver": parts.driver.strip()} if parts.driver.strip() else {})
    return url.render_as_string(hide_password=False)


def sage_parts(url: str) -> SageParts | None:
    """The fields a URL typed by hand fills in; None while it does not parse."""
    try:
        parsed = make_url(url.strip())
    except ArgumentError:
        return None
    driver = parsed.query.get("driver", "")
    return SageParts(parsed.host or "", parsed.database or "", parsed.username or "",
                     driver if isinstance(driver, str) else driver[0])


def _names(text: str) -> list[str]:
    return [t.strip() for t in text.split(",") if t.strip()]


@dataclass
class OptionFields:
    """What the option widgets hold, as text."""

    content: str = "invoices"
    mapping: str = ""
    snapshot: bool = False
    terms: str = "net30"
    currency: str = "EUR"
    due_column: str = ""
    sales_journals: str = ""
    customer_prefixes: str = ""
    mapping_file: str = ""
    kept: dict[str, Any] = field(default_factory=dict)


def fields_from(options: dict[str, Any]) -> OptionFields:
    def text(key: str) -> str:
        value = options.get(key)
        if value is None:
            return ""
        return ", ".join(map(str, value)) if isinstance(value, list | tuple) else str(value)

    return OptionFields(content=text("kind") or "invoices", mapping=text("mapping"),
                        snapshot=bool(options.get("snapshot", False)),
                        terms=text("terms") or "net30", currency=text("currency") or "EUR",
                        due_column=text("due_column"), sales_journals=text("sales_journals"),
                        customer_prefixes=text("customer_prefixes"),
                        mapping_file=text("mapping_file"),
                        kept={k: v for k, v in options.items() if k not in ALL_FORM_OPTIONS})


def options_for(kind: str, f: OptionFields) -> dict[str, Any]:
    """The options dict a source of `kind` stores; empty fields are left out."""
    values: dict[str, Any] = {
        "kind": f.content, "mapping": f.mapping.strip(), "snapshot": f.snapshot,
        "terms": f.terms.strip().lower(), "currency": f.currency.strip().upper(),
        "due_column": f.due_column.strip(), "sales_journals": _names(f.sales_journals),
        "customer_prefixes": _names(f.customer_prefixes), "mapping_file": f.mapping_file.strip(),
    }
    out = dict(f.kept)
    out.update({k: values[k] for k in FORM_OPTIONS[kind] if values[k]})
    return out
