"""Collecta: accounts-receivable collection for credit controllers."""

__version__ = "0.1.0"
