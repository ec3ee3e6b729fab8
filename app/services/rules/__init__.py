"""Automation rules: debtor facts, condition trees, actions and the engine that fires them."""
