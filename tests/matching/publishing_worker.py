"""One of several processes opening the scheduled wishes at once, each wish slow enough that a
SIGKILL lands inside a batch. `python -m tests.matching.publishing_worker`, MICROWISH_* saying
where; it prints `started` once its first batch is under way."""
from __future__ import annotations

import sys
import time

from services.matching.config import Config
from services.matching.publication import actions
from services.worker import service_module
from shared.db import Database
from shared.settings import from_env

_open = actions.open_


def slow_open(*args, **kwargs):
    print("started", flush=True)
    time.sleep(0.002)  # a batch of 25 takes 50 ms: most of the time is spent inside one
    return _open(*args, **kwargs)


if __name__ == "__main__":
    db = Database(from_env(), "matching", service_module("matching").METADATA)
    actions.open_ = slow_open
    while actions.open_due(db, Config(), limit=25) > 0:
        pass
    sys.exit(0)
