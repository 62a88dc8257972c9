"""Verification: decide, rule by rule, whether a submitted wish may be published."""
