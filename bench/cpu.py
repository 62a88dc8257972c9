"""CPU seconds spent by each worker, PostgreSQL and RabbitMQ over a run, read from /proc."""
from __future__ import annotations

import os
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")
# Processes of the servers the pipeline leans on, by their command name in /proc/<pid>/stat.
SERVERS = {"postgres": "postgresql", "beam.smp": "rabbitmq"}


def _ticks(pid: int | str) -> tuple[str, int]:
    """A process's command name and user+system ticks (its own and its waited-for children's)."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    name = stat[stat.index("(") + 1:stat.rindex(")")]
    fields = stat[stat.rindex(")") + 2:].split()
    return name, sum(int(f) for f in fields[11:15])


def sample(workers: dict) -> dict[str, float]:
    """CPU seconds so far per worker (by name) and per server (all its processes together)."""
    seconds: dict[str, float] = {}
    for name, proc in workers.items():
        try:
            seconds[name] = _ticks(proc.pid)[1] / TICK
        except FileNotFoundError:  # exited: its last figure is lost, say so with nothing
            pass
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command, ticks = _ticks(entry.name)
        except (FileNotFoundError, ProcessLookupError, ValueError):
            continue
        if command in SERVERS:
            server = SERVERS[command]
            seconds[server] = seconds.get(server, 0.0) + ticks / TICK
    return seconds


def per_item(before: dict, after: dict, count: int) -> dict[str, float]:
    """Milliseconds of CPU per item between two samples."""
    return {name: 1000 * (after[name] - before.get(name, 0.0)) / count
            for name in after if name in before}
