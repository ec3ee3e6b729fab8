from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.db import session_scope
from app.errors import UserError
from app.models import MessageTemplate
from app.services.collection.builder import build_campaign
from app.services.collection.plan_edit import (
    StepDraft,
    TemplateDraft,
    load_templates_for_edit,
    save_plan,
    validate_plan,
)
from app.services.collection.plans import load_plans
from app.services.collection.previews import debtor_sample_context
from app.services.collection.templates import render_text
from tests import factories as f


def _drafts(s, plan_name="Standard"):
    plan = next(p for p in load_plans(s).values() if p.name == plan_name)
    steps = [StepDraft(st.step_id, st.name, st.offset_days, st.channels, st.template_key,
                       None, st.fee, st.business_days, st.with_interest) for st in plan.steps]
    return plan.plan_id, steps


def test_validation_names_every_problem(db):
    with session_scope(db) as s:
        f.default_plans(s)
        _, steps = _drafts(s)
        templates = load_templates_for_edit(s)
    steps[1], steps[2] = steps[2], steps[1]
    templates[("reminder_1", "fr", "email")] = TemplateDraft(
        "Relance {{ debtor.name }}", "Total : {{ totl }} {% if %}")
    problems = validate_plan(steps, templates, {"fr", "en", "de"})
    assert problems[0] == ("Step 3 'First reminder' (+3 days) must come after step 2 'Second "
                           "reminder' (+10 days): offsets ascending")
    assert "Step 1 'Courtesy reminder': no email template 'courtesy' in language 'de'" in problems
    assert any(p.startswith("Template 'reminder_1' (fr, email): Template syntax error")
               for p in problems)
    templates[("reminder_1", "fr", "email")] = TemplateDraft(None, "Total : {{ totl }}")
    assert "Template 'reminder_1' (fr, email) uses unknown variable(s): totl" in validate_plan(
        steps, templates, {"fr"})


def test_save_reorders_adds_and_removes_steps_and_saves_templates(db):
    with session_scope(db) as s:
        f.default_plans(s)
        plan_id, steps = _drafts(s)
        templates = load_templates_for_edit(s)
        templates[("final_call", "fr", "call")] = TemplateDraft(
            "Dernier appel – {{ debtor.name }}", "Appeler {{ contact.name }} : {{ total }}.")
        steps = [steps[1], steps[2], StepDraft(None, "Final call", 25, ("call",), "final_call"),
                 steps[4]]
        f.debtor(s, "C1", language="fr")
        save_plan(s, plan_id, steps, templates, author="Claire Dubois", min_gap_days=6)
    with session_scope(db) as s:
        plan = load_plans(s)[plan_id]
        assert [(st.position, st.name, st.offset_days) for st in plan.steps] == [
            (1, "First reminder", 3), (2, "Second reminder", 10), (3, "Final call", 25),
            (4, "Formal notice", 30)]
        assert plan.min_gap_days == 6
        assert s.scalar(select(MessageTemplate.subject).where(
            MessageTemplate.key == "final_call")) == "Dernier appel – {{ debtor.name }}"


def test_a_refused_save_writes_nothing(db):
    with session_scope(db) as s:
        f.default_plans(s)
        plan_id, steps = _drafts(s)
        templates = load_templates_for_edit(s)
        f.debtor(s, "C1", language="de")  # no German texts shipped
    with session_scope(db) as s, pytest.raises(UserError, match="in language 'de'"):
        save_plan(s, plan_id, steps[:2], templates, author="Claire Dubois")
    with session_scope(db) as s:
        assert len(load_plans(s)[plan_id].steps) == 5


def test_a_step_already_used_by_a_campaign_cannot_be_removed(db):
    with session_scope(db) as s:
        f.default_plans(s)
        d = f.debtor(s, "C1")
        f.invoice(s, d, 100, due=date(2025, 5, 1), issued=date(2025, 4, 1))
        build_campaign(s, date(2025, 5, 4), user="Alice Martin")
        plan_id, steps = _drafts(s)
        templates = load_templates_for_edit(s)
        with pytest.raises(UserError, match="Step 'First reminder' of plan 'Standard' was used"):
            save_plan(s, plan_id, [steps[0]] + steps[2:], templates, author="Claire Dubois")


def test_live_preview_for_a_chosen_debtor(db):
    with session_scope(db) as s:
        f.company(s)
        f.default_plans(s)
        d = f.debtor(s, "C1", "Boulangerie Martin", language="en")
        f.contact(s, d, name="Jeanne Martin")
        f.invoice(s, d, "1234.50", due=date(2025, 5, 1), issued=date(2025, 5, 1) - timedelta(30),
                  ref="F-77")
        context = debtor_sample_context(s, d.id, date(2025, 5, 11), step_name="Second reminder",
                                        with_interest=False, user="Alice Martin")
    text = render_text("Dear {{ contact.name }}, {{ items[0].number }} is {{ items[0].days_late }}"
                       " days late: {{ total }}.", context)
    assert text == "Dear Jeanne Martin, F-77 is 10 days late: €1,234.50.\n"
