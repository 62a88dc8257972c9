"""Tests of verification: its rules, categorisation, policy, registry and review desk."""
