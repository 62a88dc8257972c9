"""A consumer that dies right after its first batch commits, before the ack — the worst moment for
a SIGKILL. `python -m tests.shared.crashing_consumer`, with MICROWISH_* saying where."""
from __future__ import annotations

import os

from kombu import Connection

from services.worker import service_module
from shared.consumer import Handler, QueueConsumer
from shared.db import Database
from shared.settings import from_env
from tests.shared.conftest import QUEUE, echo


class CrashingConsumer(QueueConsumer):
    def settle(self, outcomes) -> None:
        os._exit(9)  # committed, never acked: no cleanup runs, as under SIGKILL


if __name__ == "__main__":
    settings = from_env()
    db = Database(settings, "scoring", service_module("scoring").METADATA)
    CrashingConsumer(Connection(settings.broker_url), db, Handler(QUEUE, echo),
                     batch_size=50).run()
