"""The rules Collecta ships, disabled: a firm enables the ones it wants (issue 7)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import utcnow
from app.models import Rule
from app.services.activity import log_activity

SEED_RULES: tuple[dict[str, object], ...] = (
    {"name": "DSO above 60 days", "priority": 10,
     "description": "Debtors whose own countback DSO exceeds 60 days follow the High-risk plan.",
     "condition": {"all": [{"fact": "dso", "op": ">", "value": 60}]},
     "actions": [{"type": "move_to_plan", "plan": "High risk"}],
     "else_actions": [{"type": "move_to_plan", "plan": "Standard"}]},
    {"name": "Large overdue to the senior collector", "priority": 20,
     "description": "Overdue above 10,000 EUR and more than 30 days past due.",
     "condition": {"all": [
         {"fact": "overdue_balance", "op": ">",
          "value": {"amount": "10000.00", "currency": "EUR"}},
         {"fact": "max_dpd", "op": ">", "value": 30}]},
     "actions": [{"type": "assign_manager", "team": "manager"}]},
    {"name": "Over credit limit", "priority": 30,
     "description": "Exposure above 100 % of the credit limit: tag and a review for the manager.",
     "condition": {"all": [{"fact": "exposure_ratio", "op": ">", "value": 100}]},
     "actions": [{"type": "flag_over_limit"},
                 {"type": "create_task", "kind": "review", "team": "manager",
                  "due_in_days": 2}]},
    {"name": "Two broken promises in 90 days", "priority": 40,
     "description": "A debtor that broke two promises in 90 days follows the High-risk plan.",
     "condition": {"all": [{"fact": "broken_promises_90d", "op": ">=", "value": 2}]},
     "actions": [{"type": "move_to_plan", "plan": "High risk"}]},
    {"name": "Exposure above the insurer limit", "priority": 50,
     "description": "Open balance above the credit insurer's latest limit (same currency): "
                    "tag it and email the account manager, who may ask the insurer for more.",
     "condition": {"all": [{"fact": "insurer_exposure_ratio", "op": ">", "value": 100}]},
     "actions": [{"type": "add_tag", "tag": "OVER INSURER LIMIT"},
                 {"type": "notify", "message": "exposure above the insurer's limit",
                  "email": True}],
     "else_actions": [{"type": "remove_tag", "tag": "OVER INSURER LIMIT"}]},
)


def ensure_seed_rules(session: Session, author: str = "Collecta") -> list[str]:
    """Install the shipped rules (disabled) that are not there yet; returns their names."""
    have = set(session.scalars(select(Rule.name)))
    created: list[str] = []
    for spec in SEED_RULES:
        if spec["name"] in have:
            continue
        session.add(Rule(
            name=spec["name"], description=spec["description"], enabled=False,
            priority=spec["priority"], triggers=["campaign_build", "daily"],
            condition=spec["condition"], actions=spec["actions"],
            else_actions=spec.get("else_actions", []), updated_by=author, updated_at=utcnow()))
        created.append(str(spec["name"]))
    if created:
        log_activity(session, author=author, kind="rule_saved",
                     summary=f"Shipped rules installed (disabled): {', '.join(created)}")
    session.flush()
    return created


__all__ = ["SEED_RULES", "ensure_seed_rules"]
