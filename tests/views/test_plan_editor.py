"""The plan editor on the four-debtor ledger of tests/views/conftest.py (as of 2025-06-30)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from app.db import session_scope
from app.models import MessageTemplate
from app.services.collection.plans import load_plans
from app.views.context import AppContext
from app.views.plan_editor import PlanEditor
from tests import factories as f
from tests.views.conftest import AS_OF

SHOTS = Path("/tmp/shots")


def _editor(qtbot, ledger):
    with session_scope(ledger) as s:
        f.company(s)
        f.default_plans(s)
    ctx = AppContext(ledger, "Bruno Petit", AS_OF, locale="fr_FR")
    editor = PlanEditor(ctx)
    qtbot.addWidget(editor)
    editor.plan_list.setCurrentRow(
        next(i for i in range(editor.plan_list.count())
             if editor.plan_list.item(i).text() == "Standard"))
    return editor


def test_lists_plans_and_steps_and_previews_the_template_live(qtbot, ledger):
    editor = _editor(qtbot, ledger)
    assert [editor.plan_list.item(i).text() for i in range(editor.plan_list.count())] == [
        "High risk", "Key accounts", "Standard"]
    assert [(d.name, d.offset_days, d.channels) for d in editor.step_drafts()] == [
        ("Courtesy reminder", -5, ("email",)), ("First reminder", 3, ("email",)),
        ("Second reminder", 10, ("email", "sms")), ("Phone call", 20, ("call",)),
        ("Formal notice", 30, ("letter",))]
    editor.steps.setCurrentCell(1, 0)
    editor.language.setCurrentText("fr")
    editor.debtor.setCurrentIndex(editor.debtor.findText("Boulangerie Martin (C1)"))
    preview = editor.preview.toPlainText().replace("\u202f", " ")
    assert preview.startswith("Subject: Relance – factures échues – Atelier Dupuis SAS")
    assert "Montant restant dû : 4 800,00 €" in preview  # B, C, D, E open as of 06-30
    editor.body.setPlainText("Bonjour {{ contact.name }}, reste dû : {{ total }}.")
    assert editor.preview.toPlainText().replace("\u202f", " ").endswith(
        "Bonjour Jeanne Martin, reste dû : 4 800,00 €.\n")
    editor.body.setPlainText("{{ montant }}")
    assert editor.preview.toPlainText() == "Unknown variable(s): montant"
    editor.resize(1200, 760)
    editor.language.setCurrentText("en")
    assert "Amount outstanding: €4,800.00" in editor.preview.toPlainText()
    editor.show()
    SHOTS.mkdir(exist_ok=True)
    editor.grab().save(str(SHOTS / "plan_editor.png"))


def test_save_refuses_offsets_out_of_order_and_keeps_the_plan(qtbot, ledger):
    editor = _editor(qtbot, ledger)
    editor.steps.item(2, 1).setText("2")  # Second reminder before the first
    assert editor.save() is False
    assert "Step 3 'Second reminder' (+2 days) must come after step 2 'First reminder'" in \
        editor.problems.text()
    with session_scope(ledger) as s:
        standard = next(p for p in load_plans(s).values() if p.name == "Standard")
        assert standard.steps[2].offset_days == 10


def test_add_move_remove_and_save(qtbot, ledger):
    editor = _editor(qtbot, ledger)
    editor.steps.setCurrentCell(3, 0)  # the call
    editor.remove_step()
    editor.add_step()  # +37, after the formal notice
    editor.steps.item(4, 0).setText("Last email")
    editor.move_step(-1)  # before the formal notice: offsets no longer ascending
    assert editor.save() is False
    editor.steps.item(3, 1).setText("25")
    editor.language.setCurrentText("fr")
    editor.steps.setCurrentCell(3, 0)
    editor.body.setPlainText("Dernier rappel avant mise en demeure : {{ total }}.")
    assert editor.save(), editor.problems.text()
    with session_scope(ledger) as s:
        standard = next(p for p in load_plans(s).values() if p.name == "Standard")
        assert [(st.name, st.offset_days) for st in standard.steps] == [
            ("Courtesy reminder", -5), ("First reminder", 3), ("Second reminder", 10),
            ("Last email", 25), ("Formal notice", 30)]
        assert s.scalar(select(MessageTemplate.body).where(
            MessageTemplate.key == "reminder_1", MessageTemplate.language == "fr",
            MessageTemplate.channel == "email")) == (
            "Dernier rappel avant mise en demeure : {{ total }}.")
