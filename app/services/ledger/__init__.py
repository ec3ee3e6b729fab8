"""Ledger in: connectors, the import pipeline, incremental sync and allocation."""
