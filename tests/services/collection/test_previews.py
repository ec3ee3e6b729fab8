"""A build stores no message text; the validation dialog renders each line on demand, and approval
freezes the exact same text on every kept line (what dispatch sends)."""

from datetime import date, timedelta

from sqlalchemy import select

from app.db import session_scope
from app.models import CampaignAction, MessageTemplate
from app.services.collection.approval import approve_campaign, exclude_action
from app.services.collection.builder import build_campaign
from app.services.collection.campaigns import action_preview
from tests import factories as f
from tests.services.collection.test_builder import setup


def inv(s, d, amount, due, ref):
    return f.invoice(s, d, amount, due=due, issued=due - timedelta(days=30), ref=ref)


def test_preview_rendered_on_demand_then_frozen_by_approval(db):
    with session_scope(db) as s:
        setup(s)
        inv(s, f.debtor(s, "C1", name="Boulangerie Martin", language="fr"), 400,
            date(2025, 5, 1), "F1")
        inv(s, f.debtor(s, "C2", name="Garage Dupont", language="en"), 250,
            date(2025, 5, 1), "F2")
        built = build_campaign(s, date(2025, 5, 4), user="Alice Martin")
    with session_scope(db) as s:
        ids = dict(s.execute(select(CampaignAction.debtor_id, CampaignAction.id)
                             .where(CampaignAction.campaign_id == built.campaign_id)).all())
        assert list(s.scalars(select(CampaignAction.preview))) == [None, None]
        before = {a: action_preview(s, a) for a in ids.values()}
    fr, en = (before[i] for i in sorted(before))
    assert "F1" in fr["email"]["body"] and "400,00" in fr["email"]["body"]
    assert "F2" in en["email"]["body"] and "250.00" in en["email"]["body"]
    with session_scope(db) as s:
        exclude_action(s, max(ids.values()), user="Alice Martin", reason="Called instead")
        approve_campaign(s, built.campaign_id, user="Marie Curie")
        # A template edited after approval no longer changes what the kept line sends.
        for t in s.scalars(select(MessageTemplate)):
            t.body = "changed"
    with session_scope(db) as s:
        kept, excluded = sorted(ids.values())
        assert s.get(CampaignAction, kept).preview == before[kept]
        assert s.get(CampaignAction, excluded).preview is None
        assert action_preview(s, kept) == before[kept]
