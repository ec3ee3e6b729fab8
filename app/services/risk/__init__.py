"""Credit risk from outside the ledger: credit-insurer assessments (score and limit per debtor)."""
