"""Tests of shared/: envelope, bus, outbox, consumer, storage, access, PII, vocabulary."""
