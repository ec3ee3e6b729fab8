"""GUI tests: offscreen, French formatting, settings and data folder in the test's tmp dir."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from app.db import Database, session_scope
from app.services.activity import log_activity
from app.views.context import AppContext
from app.views.main_window import MainWindow
from tests import factories as f

AS_OF = date(2025, 6, 30)


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "settings"
    monkeypatch.setenv("COLLECTA_SETTINGS_DIR", str(folder))
    monkeypatch.setenv("COLLECTA_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("COLLECTA_LOCALE", "fr_FR")
    monkeypatch.delenv("COLLECTA_DB", raising=False)
    return folder


@pytest.fixture
def ledger(sqlite_db: Database) -> Database:
    """Four debtors as of 2025-06-30 (the figures the tests expect are in their comments).

    C1 Boulangerie Martin  smb            Alice  DOMAIN.md §3 items A–E: open 5,800, overdue
                                                 4,800, max DPD 121, oldest due 2025-03-01
    C2 Garage Dupont       key_accounts   Bruno  300 due 06-20 (10 days), called on 06-25
    C3 Atelier Nord        public_sector  —      1,200 due 07-31 (not due yet)
    C4 Pharmacie Lenoir    smb            Alice  GBP 700 due 05-31 (30 days), emailed on 06-02
    """
    with session_scope(sqlite_db) as s:
        alice = f.user(s, "Alice Martin", role="admin")
        bruno = f.user(s, "Bruno Petit", role="manager")
        c1 = f.debtor(s, "C1", "Boulangerie Martin", segment="smb", account_manager_id=alice.id,
                      credit_limit=f.D(5000), credit_limit_currency="EUR")
        f.contact(s, c1, name="Jeanne Martin", email="compta@boulangerie-martin.fr",
                  phone="+33 1 23 45 67 89")
        f.invoice(s, c1, 1000, due=date(2025, 7, 15), issued=date(2025, 6, 15), ref="A")
        f.invoice(s, c1, 2000, due=date(2025, 6, 10), ref="B")
        f.invoice(s, c1, 1500, due=date(2025, 5, 1), ref="C")
        f.invoice(s, c1, 500, due=date(2025, 4, 15), ref="D")
        f.invoice(s, c1, 800, due=date(2025, 3, 1), ref="E")
        c2 = f.debtor(s, "C2", "Garage Dupont", segment="key_accounts",
                      account_manager_id=bruno.id)
        f.invoice(s, c2, 300, due=date(2025, 6, 20))
        log_activity(s, author="Bruno Petit", kind="call", summary="Promised to pay next week",
                     debtor_id=c2.id, at=datetime(2025, 6, 25, 9, 0, tzinfo=UTC))
        c3 = f.debtor(s, "C3", "Atelier Nord", segment="public_sector")
        f.invoice(s, c3, 1200, due=date(2025, 7, 31), issued=date(2025, 6, 1))
        c4 = f.debtor(s, "C4", "Pharmacie Lenoir", segment="smb", account_manager_id=alice.id)
        f.invoice(s, c4, 700, due=date(2025, 5, 31), currency="GBP")
        log_activity(s, author="Alice Martin", kind="email_sent", summary="Reminder 1",
                     debtor_id=c4.id, at=datetime(2025, 6, 2, 8, 0, tzinfo=UTC))
    return sqlite_db


@pytest.fixture
def window(qtbot, ledger: Database) -> Iterator[MainWindow]:
    ctx = AppContext(ledger, "Alice Martin", AS_OF, locale="fr_FR")
    w = MainWindow(ctx)
    qtbot.addWidget(w)
    w.show()
    assert ctx.jobs is not None and ctx.jobs.wait_idle(10_000)
    yield w
    w.close()
