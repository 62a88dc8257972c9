"""Tests of scoring: the ledger and its reports."""
