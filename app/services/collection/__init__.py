"""Reminder plans, holds, campaign builder, approval and explanations (DOMAIN.md §5–§6)."""
