"""Errors a user can fix. Each carries a message written for a credit controller.

Services raise them; the CLI prints the message on one line and exits 2; the GUI shows it in
the error dialog. Programming errors are not wrapped.
"""

from __future__ import annotations


class UserError(Exception):
    """Something the user can correct: bad input, an unusable database, a refused permission."""


class DatabaseError(UserError):
    """The database cannot be opened, upgraded or written."""


class NotFoundError(UserError):
    """A reference (debtor, invoice, campaign …) that does not exist."""


class PermissionDenied(UserError):
    """The current user's role does not allow this operation."""


class ReadOnlyError(UserError):
    """A write was attempted on a read-only snapshot."""


class ConflictError(UserError):
    """A row changed under the user (optimistic lock)."""
