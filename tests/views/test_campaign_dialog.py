"""The validation dialog on the four-debtor ledger of tests/views/conftest.py, as of 2025-06-30."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QItemSelectionModel

from app.db import session_scope
from app.services.collection.builder import build_campaign
from app.views.campaign_dialog import CampaignDialog
from app.views.context import AppContext
from app.views.plan_editor import PlanEditor
from tests import factories as f
from tests.views.conftest import AS_OF

SHOTS = Path("/tmp/shots")


def _campaign(ledger):
    with session_scope(ledger) as s:
        f.company(s)
        f.default_plans(s)
        f.user(s, "Julien Moreau", role="controller")
        return build_campaign(s, AS_OF, user="Alice Martin").campaign_id


def _dialog(qtbot, ledger, user="Bruno Petit"):
    campaign_id = _campaign(ledger)
    ctx = AppContext(ledger, user, AS_OF, locale="fr_FR")
    dialog = CampaignDialog(ctx, campaign_id)
    qtbot.addWidget(dialog)
    errors: list[str] = []
    dialog.show_error = errors.append
    dialog.ask_reason = lambda _q: "Customer paid by cheque on the phone"
    return dialog, errors


def _select_first_action(dialog):
    model = dialog.model
    first = model.index(0, 0, model.index(0, 0))
    dialog.tree.selectionModel().setCurrentIndex(
        first, QItemSelectionModel.SelectionFlag.ClearAndSelect
        | QItemSelectionModel.SelectionFlag.Rows)
    return model.action_at(first)


def test_groups_show_counts_and_totals_per_currency(qtbot, ledger):
    # C1: B, C, D, E overdue, E 121 days late → formal notice (step 5) listing all four;
    # C4: GBP 700 30 days late, emailed on 06-02 → formal notice too, in its own currency;
    # C2 was called on 06-25 → inside the 7-day gap of the Key accounts plan; C3 not due.
    dialog, _ = _dialog(qtbot, ledger)
    model = dialog.model
    groups = [tuple(model.data(model.index(r, c)) for c in range(3))
              for r in range(model.rowCount())]
    assert groups == [
        ("Standard · 5. Formal notice · letter", "2", "4\u202f800,00\u00a0€ · 700,00\u00a0£GB"),
    ]
    assert "Campaign #1 of 30/06/2025</b> — pending approval" in dialog.header.text()
    dialog.resize(1280, 640)
    dialog.show()
    action = _select_first_action(dialog)
    assert (action.debtor_ref, action.invoices) == ("C1", ("E", "D", "C", "B"))
    text = dialog.preview.toPlainText()
    assert text.startswith("── Letter")
    assert "Subject: Mise en demeure de payer" in text
    # (QPlainTextEdit shows no-break spaces as plain spaces)
    assert "Principal restant dû : 4 800,00 €" in text.replace("\u202f", " ")
    SHOTS.mkdir(exist_ok=True)
    dialog.tree.expandAll()
    dialog.grab().save(str(SHOTS / "campaign_dialog.png"))


def test_a_controller_gets_the_services_refusal(qtbot, ledger):
    dialog, errors = _dialog(qtbot, ledger, user="Julien Moreau")
    dialog.approve()
    assert errors == ["Julien Moreau is a controller; only a manager or an admin can approve or "
                      "reject a campaign"]
    assert dialog.detail.campaign.status == "pending_approval"


def test_exclude_a_line_then_approve_locks_the_campaign(qtbot, ledger):
    dialog, errors = _dialog(qtbot, ledger)
    _select_first_action(dialog)
    dialog.exclude_selected()
    assert errors == []
    assert dialog.detail.campaign.excluded == 1
    excluded = next(a for a in dialog.detail.actions if a.excluded)
    assert excluded.exclude_reason == "Customer paid by cheque on the phone"
    dialog.approve()
    assert dialog.detail.campaign.status == "approved"
    assert dialog.detail.campaign.decided_by == "Bruno Petit"
    assert not dialog.approve_button.isEnabled() and not dialog.exclude_button.isEnabled()


def test_campaign_page_builds_through_the_job_runner_and_opens_the_review(qtbot, window):
    from app.views.campaign_page import CampaignPage

    page = window.show_page("campaigns")
    assert isinstance(page, CampaignPage)
    assert page.build_button.text() == "Build the campaign of 30/06/2025"
    assert page.model.rowCount() == 0
    assert not page.empty_hint.isHidden()  # says what to do instead of an empty grid
    page.build_button.click()
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=20_000)
    assert page.empty_hint.isHidden()
    assert [page.model.data(page.model.index(0, c)) for c in range(5)] == [
        "1", "30/06/2025", "pending approval", "2", ""]
    assert page.status.text() == "Campaign #1 built: 2 action(s)"
    dialog = page.open_selected()
    qtbot.addWidget(dialog)
    assert dialog.detail.campaign.actions == 2
    window.resize(1100, 500)
    page.grab().save(str(SHOTS / "campaign_page.png"))
    dialog.close()
    plans = page.open_plans()
    qtbot.addWidget(plans)
    assert plans.findChildren(PlanEditor)[0].plan_list.count() == 3
    plans.close()


def test_a_big_campaign_is_approved_in_the_background_and_freezes_the_texts(qtbot, ledger,
                                                                            monkeypatch):
    from app.models import CampaignAction
    from app.services.collection.campaigns import action_preview
    from app.views import campaign_dialog
    from app.views.jobs import JobRunner

    monkeypatch.setattr(campaign_dialog, "BACKGROUND_APPROVAL", 1)  # 2 lines count as big here
    dialog, errors = _dialog(qtbot, ledger)
    dialog.ctx.jobs = JobRunner(dialog, ledger)
    action = _select_first_action(dialog)
    with session_scope(ledger) as s:
        assert s.get(CampaignAction, action.action_id).preview is None  # rendered on demand
        before = action_preview(s, action.action_id)
    # (QPlainTextEdit hands non-breaking spaces back as plain spaces.)
    assert dialog.preview.toPlainText() == campaign_dialog.preview_text(before).replace(
        "\xa0", " ")
    dialog.approve()
    assert dialog.ctx.jobs.wait_idle()
    assert dialog.detail.campaign.status == "approved"
    assert errors == [] and dialog.detail.campaign.decided_by == "Bruno Petit"
    with session_scope(ledger) as s:
        assert s.get(CampaignAction, action.action_id).preview == before
