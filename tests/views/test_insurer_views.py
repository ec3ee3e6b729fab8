"""Insurer data in the GUI: the Debtors page imports an insurer's file and says what it did, the
debtor page shows the latest score and limit, and the rule editor offers the insurer facts and
"also email" on notify (conftest.py's ledger, as of 2025-06-30, French formatting)."""

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from PySide6.QtWidgets import QCheckBox, QComboBox, QDoubleSpinBox
from sqlalchemy import select

from app.db import session_scope
from app.models import Debtor, InsurerAssessment
from app.views.debtor_view import DebtorView
from tests.views.test_rule_editor import pick

SHOTS = Path("/tmp/shots")
NNBSP, NBSP = "\u202f", "\xa0"


def debtor_id(db, ref):
    with session_scope(db) as s:
        return s.scalar(select(Debtor.id).where(Debtor.external_ref == ref))


def open_view(window, ref) -> DebtorView:
    window.ctx.open_debtor(debtor_id(window.ctx.db, ref))
    view = window.page("debtors").tabs.currentWidget()
    assert isinstance(view, DebtorView)
    return view


def test_import_from_the_debtors_page_and_see_it_on_the_debtor(qtbot, window, ledger, tmp_path):
    view = open_view(window, "C1")
    assert view.insurer.text() == ('<span style="color:#5d6166">No credit-insurer assessment'
                                   '</span>')
    bad = tmp_path / "coface-bad.csv"
    bad.write_text("ref;score;limit;currency;date\nC1;7,5;5000;EUR;2025-05-01\n"
                   "C9;3;100;EUR;2025-05-01\n", encoding="utf-8")
    dialog = window.page("debtors").import_insurer_data()
    dialog.path.setText(str(bad))
    dialog.insurer.setCurrentText("Coface")
    dialog.start_import()
    qtbot.waitUntil(lambda: dialog.error is not None or dialog.result_ is not None, timeout=10_000)
    assert dialog.outcome.text() == ("coface-bad.csv was not imported: coface-bad.csv line 3, "
                                     "column 'ref': 'C9' no debtor has this reference")
    good = tmp_path / "coface.csv"
    good.write_text("ref;score;limit;currency;date\nC1;7,5;5000;EUR;2025-05-01\n"
                    "C1;6;4000;EUR;2025-06-20\nC2;4;10000;EUR;2025-07-15\n", encoding="utf-8")
    dialog.path.setText(str(good))
    dialog.start_import()
    qtbot.waitUntil(lambda: dialog.result_ is not None, timeout=10_000)
    assert dialog.outcome.text() == ("Insurer data from coface.csv (Coface): 3 line(s), "
                                     "3 created, 0 updated, 0 unchanged")
    dialog.resize(640, 260)
    dialog.grab().save(str(SHOTS / "h3_insurer_import.png"))
    dialog.accept()
    # the open page followed the import: 5,800 open against the 4,000 limit of 20/06
    qtbot.waitUntil(lambda: "Coface" in view.insurer.text(), timeout=5_000)
    assert view.insurer.text() == (
        '<span style="color:#b91c1c"><b>Above insurer limit:</b> Insurer Coface: score <b>6</b>'
        f" &nbsp;·&nbsp; limit <b>4{NNBSP}000,00{NBSP}€</b> "
        '<span style="color:#5d6166">(assessed 20/06/2025)</span></span>')
    window.resize(1280, 800)
    qtbot.wait(50)
    window.grab().save(str(SHOTS / "h3_debtor_insurer.png"))
    c2 = open_view(window, "C2")  # its only assessment is dated after the page's date
    assert "No credit-insurer assessment" in c2.insurer.text()


def test_the_rule_editor_offers_insurer_facts_and_email_on_notify(qtbot, window, ledger):
    with session_scope(ledger) as s:
        s.add(InsurerAssessment(debtor_id=debtor_id(ledger, "C1"), insurer="Coface",
                                score=Decimal("3.5"), limit_amount=Decimal("4000"),
                                limit_currency="EUR", assessed_on=date(2025, 6, 1),
                                imported_at=datetime(2025, 6, 2, tzinfo=UTC)))
    page = window.show_page("rules")
    editor = page.new_rule()
    qtbot.waitUntil(lambda: editor.facts is not None, timeout=20_000)
    editor.name.setText("Weak insurer score")
    row = editor.tree.condition_rows()[0]
    pick(row.fact, "external_limit")
    assert [type(w) for w in row.values] == [QDoubleSpinBox, QComboBox]  # amount + currency
    pick(row.fact, "external_score")
    pick(row.op, "<")
    assert [type(w) for w in row.values] == [QDoubleSpinBox]
    row.values[0].setValue(5)
    assert editor.count.text() == "1 debtor match as of 2025-06-30"
    assert [(r.name, r.reason) for r in editor.model.rows] == [
        ("Boulangerie Martin", "Insurer score 3.5 (Coface, 2025-06-01) < 5")]
    notify = editor.actions.rows[0]
    pick(notify.type, "notify")
    notify.params["message"].setText("insurer downgraded")
    email = notify.params["email"]
    assert isinstance(email, QCheckBox) and not notify.params["email_to"].isEnabled()
    email.setChecked(True)
    assert editor.actions.actions() == [
        {"type": "notify", "message": "insurer downgraded", "email": True}]
    editor.dry_run()
    assert editor.diff.toPlainText().splitlines() == [
        "Would change 1 thing(s) on 1 debtor(s):",
        "Boulangerie Martin: insurer downgraded and emailed Alice Martin <alice@example.com> "
        "(Insurer score 3.5 (Coface, 2025-06-01) < 5)",
        "Would queue 1 email(s):",
        "Boulangerie Martin: would email Alice Martin <alice@example.com>: "
        "Règle « Weak insurer score » déclenchée pour Boulangerie Martin (C1)"]
    pick(notify.params["email_to"], "Bruno Petit")
    assert editor.actions.actions()[0]["user"] == "Bruno Petit"
    editor.dry_run()
    assert editor.diff.toPlainText().splitlines()[-1].startswith(
        "Boulangerie Martin: would email Bruno Petit <bruno@example.com>")
    window.resize(1280, 800)
    editor.resize(1280, 720)
    qtbot.wait(50)
    editor.grab().save(str(SHOTS / "h3_rule_editor.png"))
    editor.save()
    assert not editor.isVisible()
    reopened = page.edit_selected() if page.table.selectRow(
        [r.name for r in page.model.rows].index("Weak insurer score")) is None else None
    assert reopened is not None
    assert reopened.actions.actions() == [
        {"type": "notify", "message": "insurer downgraded", "email": True, "user": "Bruno Petit"}]
