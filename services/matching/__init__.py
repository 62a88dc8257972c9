"""Matching: publish verified wishes on the wall, and carry claims through fulfilment and confirmation."""
