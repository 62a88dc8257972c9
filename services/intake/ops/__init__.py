"""The ops page: queues, dead letters by reason, a replay button (for the ops role)."""
