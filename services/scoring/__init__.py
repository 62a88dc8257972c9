"""Scoring: an append-only points ledger, one entry per confirmed deed."""
