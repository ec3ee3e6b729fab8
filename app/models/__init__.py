"""ORM classes only: tables, relationships, constraints. No Qt, no business rules."""

from app.models.activity import TOUCH_KINDS, Activity
from app.models.base import Base
from app.models.company import USER_ROLES, AppUser, Company, Setting
from app.models.debtor import CHANNELS, Contact, Debtor
from app.models.ledger import INVOICE_KINDS, Allocation, Invoice, Payment

__all__ = [
    "CHANNELS",
    "INVOICE_KINDS",
    "TOUCH_KINDS",
    "USER_ROLES",
    "Activity",
    "Allocation",
    "AppUser",
    "Base",
    "Company",
    "Contact",
    "Debtor",
    "Invoice",
    "Payment",
    "Setting",
]
