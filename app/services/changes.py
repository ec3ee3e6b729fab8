"""What a write changed, so views refresh what they show instead of polling (ARCHITECTURE.md)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ChangeSet:
    """Broadcast by the main window after a write; each view refreshes what it shows."""

    debtor_ids: frozenset[int] = field(default_factory=frozenset)
    ledger: bool = False  # invoices, payments or allocations changed (analytics must reload)
    campaigns: bool = False
    rules: bool = False
    settings: bool = False
    everything: bool = False  # a new database was opened or generated

    def touches_debtor(self, debtor_id: int) -> bool:
        return self.everything or self.ledger or debtor_id in self.debtor_ids
