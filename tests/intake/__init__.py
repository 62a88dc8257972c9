"""Tests of intake: submissions, import, accounts, claimers, audit, contracts."""
