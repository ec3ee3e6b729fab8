"""The rule editor as a new user meets it: build the over-limit rule from drop-downs, watch the
live preview, dry-run, get refused with reasons, save, run (issue 7 acceptance)."""

from pathlib import Path

from PySide6.QtWidgets import QComboBox, QDoubleSpinBox
from sqlalchemy import select

from app.db import session_scope
from app.models import AppUser, Debtor, Task
from app.views.rule_condition_tree import ConditionRow

SHOTS = Path("/tmp/shots")


def pick(combo: QComboBox, data) -> None:
    index = combo.findData(data)
    assert index >= 0, data
    combo.setCurrentIndex(index)


def exposure_above(row: ConditionRow, percent: float) -> None:
    pick(row.fact, "exposure_ratio")
    pick(row.op, ">")
    spin = row.values[0]
    assert isinstance(spin, QDoubleSpinBox)
    spin.setValue(percent)


def test_a_new_user_builds_the_over_limit_rule_previews_saves_and_runs_it(qtbot, window,
                                                                         ledger):
    page = window.show_page("rules")
    assert [r.name for r in page.model.rows] == [
        "DSO above 60 days", "Large overdue to the senior collector", "Over credit limit",
        "Two broken promises in 90 days",
        "Exposure above the insurer limit"]  # the shipped rules, all disabled
    assert not any(r.enabled for r in page.model.rows)
    editor = page.new_rule()
    qtbot.waitUntil(lambda: editor.facts is not None, timeout=20_000)

    editor.name.setText("Customers over their limit")
    row = editor.tree.condition_rows()[0]
    exposure_above(row, 100)
    # C1 Boulangerie Martin: 5,800 open on a 5,000 EUR limit = 116 %
    assert editor.count.text() == "1 debtor match as of 2025-06-30"
    assert [(r.name, r.reason) for r in editor.model.rows] == [
        ("Boulangerie Martin", "Exposure / credit limit 116 % > 100 %")]
    row.values[0].setValue(120)  # live: every edit re-evaluates
    assert editor.count.text() == "0 debtors match as of 2025-06-30"
    assert editor.last_preview_ms < 1_000
    row.values[0].setValue(100)

    tag = editor.actions.rows[0]
    pick(tag.type, "add_tag")
    tag.params["tag"].setCurrentText("OVERLIMIT")
    task = editor.actions.add_action()
    pick(task.type, "create_task")
    pick(task.params["kind"], "review")
    pick(task.params["who"], {"team": "manager"})  # round-robin over the managers: Bruno
    editor.dry_run()
    assert editor.diff.toPlainText().splitlines() == [
        "Would change 2 thing(s) on 1 debtor(s):",
        "Boulangerie Martin: tagged OVERLIMIT on this debtor "
        "(Exposure / credit limit 116 % > 100 %)",
        "Boulangerie Martin: created a review task for Bruno Petit due 2025-07-02 "
        "(Exposure / credit limit 116 % > 100 %)"]
    window.resize(1280, 800)
    editor.resize(1280, 720)
    qtbot.wait(50)
    editor.grab().save(str(SHOTS / "rule_editor.png"))

    editor.name.setText("")
    row.remove.click()  # an empty group and no name: refused, with the reasons
    editor.save()
    assert editor.isVisible()
    assert editor.problems.text().splitlines() == [
        "Cannot save:", "• name: a rule needs a name",
        "• condition: this group is empty: add a condition or delete the group"]
    qtbot.wait(50)
    editor.grab().save(str(SHOTS / "rule_editor_refused.png"))

    editor.name.setText("Customers over their limit")
    exposure_above(editor.tree.add_condition(), 100)
    editor.enabled.setChecked(True)
    editor.save()
    assert not editor.isVisible()
    names = [(r.name, r.enabled) for r in page.model.rows]
    assert ("Customers over their limit", True) in names

    page.run_now()
    qtbot.waitUntil(lambda: page.last_run is not None, timeout=20_000)
    assert page.status.text() == ("Rules run for 2025-06-30: 2 change(s) on 1 debtor(s), "
                                  "0 conflict(s)")
    with session_scope(ledger) as s:
        c1 = s.scalar(select(Debtor).where(Debtor.external_ref == "C1"))
        assert c1.tags == ["OVERLIMIT"]
        tasks = [(t.kind, s.get(AppUser, t.assignee_id).name) for t in s.scalars(select(Task))]
    assert tasks == [("review", "Bruno Petit")]
    page.grab().save(str(SHOTS / "rules_page.png"))


def test_priorities_reorder_and_rules_switch_on_and_off(qtbot, window):
    page = window.show_page("rules")
    page.table.selectRow(2)  # "Over credit limit"
    page.move_selected(-1)
    assert [r.name for r in page.model.rows][:3] == [
        "DSO above 60 days", "Over credit limit", "Large overdue to the senior collector"]
    page.toggle_selected()
    assert [(r.name, r.enabled) for r in page.model.rows if r.enabled] == [
        ("Over credit limit", True)]
