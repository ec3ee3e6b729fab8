"""ORM classes only: tables, relationships, constraints. No Qt, no business rules."""

from app.models.activity import TOUCH_KINDS, Activity
from app.models.base import Base
from app.models.collection import (
    CAMPAIGN_STATUSES,
    DISPUTE_CATEGORIES,
    DISPUTE_STATUSES,
    HOLD_KINDS,
    PROMISE_STATUSES,
    Campaign,
    CampaignAction,
    CampaignActionItem,
    DebtorPlan,
    Dispute,
    DisputeEvent,
    Hold,
    HoldItem,
    MessageTemplate,
    PlanStep,
    Promise,
    PromiseInstalment,
    ReminderPlan,
    StepHistory,
)
from app.models.company import USER_ROLES, AppUser, Company, Setting
from app.models.debtor import CHANNELS, Contact, Debtor
from app.models.dispatch import OUTBOX_CHANNELS, OUTBOX_KINDS, OUTBOX_STATES, OutboxMessage
from app.models.ledger import INVOICE_KINDS, Allocation, Invoice, Payment
from app.models.risk import InsurerAssessment
from app.models.rules import RULE_TRIGGERS, TASK_KINDS, TASK_STATUSES, Rule, RuleMatch, Task
from app.models.sources import ImportProfile, LedgerClosure, LedgerSource

__all__ = [
    "CAMPAIGN_STATUSES",
    "DISPUTE_CATEGORIES",
    "DISPUTE_STATUSES",
    "HOLD_KINDS",
    "PROMISE_STATUSES",
    "Campaign",
    "CampaignAction",
    "CampaignActionItem",
    "DebtorPlan",
    "Dispute",
    "DisputeEvent",
    "Hold",
    "HoldItem",
    "MessageTemplate",
    "PlanStep",
    "Promise",
    "PromiseInstalment",
    "ReminderPlan",
    "StepHistory",
    "CHANNELS",
    "INVOICE_KINDS",
    "OUTBOX_KINDS",
    "InsurerAssessment",
    "TOUCH_KINDS",
    "USER_ROLES",
    "Activity",
    "Allocation",
    "AppUser",
    "Base",
    "Company",
    "Contact",
    "Debtor",
    "ImportProfile",
    "Invoice",
    "LedgerClosure",
    "LedgerSource",
    "Payment",
    "Setting",
    "OUTBOX_CHANNELS",
    "OUTBOX_STATES",
    "OutboxMessage",
    "RULE_TRIGGERS",
    "TASK_KINDS",
    "TASK_STATUSES",
    "Rule",
    "RuleMatch",
    "Task",
]
