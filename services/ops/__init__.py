"""Operations: the `microwish ops` tool and the ops page's reads — queues, dead letters, outbox."""
