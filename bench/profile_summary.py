"""Where a worker's time goes, from py-spy's raw output (`--format raw --idle --threads`).

    python bench/profile_summary.py DIR     # the files `bench/pipeline.py --profile DIR` wrote

Per service and thread: the share of samples spent idle (waiting for deliveries or for the relay's
next turn), and how the busy samples split: each is put in the category of its deepest frame that
belongs to one (psycopg under SQLAlchemy counts as the database, not as the ORM).
"""
from __future__ import annotations

import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

# Deepest frame first wins; a frame is "function (path:line)".
CATEGORIES = (
    ("database round trips (psycopg)", re.compile(r"\(psycopg/")),
    ("crypto (Fernet, HMAC, argon2)", re.compile(r"\((cryptography|argon2|hmac|hashlib)|shared/pii\.py")),
    ("JSON", re.compile(r"\(json/")),
    ("marshmallow", re.compile(r"\(marshmallow/")),
    ("SQLAlchemy ORM", re.compile(r"\(sqlalchemy/orm/")),
    ("SQLAlchemy Core (SQL, compile, results)", re.compile(r"\(sqlalchemy/")),
    ("broker (kombu, py-amqp)", re.compile(r"\((kombu|amqp)/")),
    ("logging", re.compile(r"\(logging/")),
    ("platform code (services/, shared/)", re.compile(r"\((services|shared)/")),
)
APP = re.compile(r"^(\S+) \((services|shared)/")
# A thread whose deepest platform frame is one of these is in its loop, waiting, not at work.
LOOPS = {"ServiceRuntime.run_forever", "Relay.run", "ServiceRuntime._schedule", "worker", "<module>"}
IDLE = "idle (waiting for deliveries, or for the relay's next turn)"


def category(frames: list[str]) -> str:
    apps = [m.group(1) for m in map(APP.match, frames) if m]
    if not apps or apps[-1] in LOOPS:
        return IDLE
    for frame in reversed(frames):
        for name, pattern in CATEGORIES:
            if pattern.search(frame):
                return name
    return "other (interpreter, stdlib)"


def summarise(path: Path) -> dict[str, Counter]:
    """Samples per thread name and category."""
    threads: dict[str, Counter] = defaultdict(Counter)
    for line in path.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        thread, *frames = stack.split(";")
        name = thread.split(": ", 1)[-1]
        threads[name][category(frames)] += int(count)
    return threads


def report(directory: Path) -> str:
    lines = []
    for path in sorted(directory.glob("*.txt")):
        for thread, counts in sorted(summarise(path).items(), key=lambda t: -sum(t[1].values())):
            total = sum(counts.values())
            busy = total - counts[IDLE]
            if total < 50:  # threads that only lived for start-up
                continue
            lines.append(f"{path.stem} / {thread}: {total} samples, busy {100 * busy / total:.0f}%")
            for name, n in counts.most_common():
                if name != IDLE and n:
                    lines.append(f"    {100 * n / busy:5.1f}% of busy  {name}")
    return "\n".join(lines)


if __name__ == "__main__":
    print(report(Path(sys.argv[1])))
