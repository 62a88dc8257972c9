"""Tests of matching: publication, claims and the wall."""
