"""Writes a campaign's actions, their items and the step history in bulk (Core inserts in
batches): a 20,000-debtor build writes tens of thousands of rows, too many for one ORM object
each. Unique (item, step) in step_history still refuses a second proposal (§6.4)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from app.models import Base, CampaignAction, CampaignActionItem, StepHistory
from app.services.collection.decide import ProposedAction

BATCH = 1000


class CampaignWriter:
    def __init__(self, session: Session, campaign_id: int, as_of: date):
        self.session = session
        self.campaign_id = campaign_id
        self.as_of = as_of
        self.actions = 0
        self.skipped = 0
        self._pending: list[tuple[dict[str, Any], int, ProposedAction]] = []

    def add(self, debtor_id: int, plan_id: int, action: ProposedAction, *, explanation: str,
            language: str, preview: dict[str, Any]) -> None:
        row = {
            "campaign_id": self.campaign_id, "debtor_id": debtor_id, "plan_id": plan_id,
            "step_id": action.step.step_id, "currency": action.currency,
            "channels": list(action.step.channels), "language": language,
            "total": action.total, "explanation": explanation, "preview": preview,
            "excluded": False,
        }
        self._pending.append((row, debtor_id, action))
        self.actions += 1
        if len(self._pending) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if not self._pending:
            return
        result = self.session.execute(
            insert(CampaignAction).returning(CampaignAction.id, sort_by_parameter_order=True),
            [row for row, _, _ in self._pending],
        )
        ids = list(result.scalars())
        items: list[dict[str, Any]] = []
        history: list[dict[str, Any]] = []
        for action_id, (_, debtor_id, action) in zip(ids, self._pending, strict=True):
            for d in action.due:
                items.append({"action_id": action_id, "invoice_id": d.item.invoice_id,
                              "step_id": d.step.step_id, "residual": d.item.residual,
                              "days_late": max(0, (self.as_of - d.item.due_date).days)})
                history.append(self._history(d.item.invoice_id, d.step.step_id, debtor_id,
                                             "proposed", action_id))
                for s in d.skipped:
                    history.append(self._history(d.item.invoice_id, s.step_id, debtor_id,
                                                 "skipped", None))
                    self.skipped += 1
            for i in action.listed:
                items.append({"action_id": action_id, "invoice_id": i.invoice_id,
                              "step_id": None, "residual": i.residual,
                              "days_late": max(0, (self.as_of - i.due_date).days)})
        # Core inserts on the tables: one executemany each (ORM bulk inserts split the rows into
        # a statement per run of identical None-ness, here thousands of statements).
        tables = Base.metadata.tables
        self.session.execute(insert(tables[CampaignActionItem.__tablename__]), items)
        if history:
            self.session.execute(insert(tables[StepHistory.__tablename__]), history)
        self._pending.clear()

    def _history(self, invoice_id: int, step_id: int, debtor_id: int, outcome: str,
                 action_id: int | None) -> dict[str, Any]:
        return {"invoice_id": invoice_id, "step_id": step_id, "debtor_id": debtor_id,
                "outcome": outcome, "on": self.as_of, "campaign_id": self.campaign_id,
                "action_id": action_id, "sent_at": None}
