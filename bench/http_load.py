"""Closed-loop HTTP readers: each sends its next GET as soon as the last answer arrived.

The readers run as threads spread over several processes (`spawn`ed: nothing of the bench's own
state, no shared interpreter lock), keep their connection while the server keeps it (gunicorn's
sync workers close it after every answer), and report latencies, bytes and their own CPU, so a run
can show the load generator was not what set the pace.
"""
from __future__ import annotations

import http.client
import multiprocessing
import os
import threading
import time
from dataclasses import dataclass, field


@dataclass
class Load:
    """What the readers saw over one run."""

    seconds: float
    latencies: list[float] = field(default_factory=list)  # seconds, every answer
    bytes: int = 0
    errors: int = 0
    cpu: float = 0.0  # the readers' own CPU seconds

    def __iadd__(self, other: "Load") -> "Load":
        """Another run of the same readers added to this one (runs taken in turns)."""
        self.seconds += other.seconds
        self.latencies += other.latencies
        self.bytes += other.bytes
        self.errors += other.errors
        self.cpu += other.cpu
        return self

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] if ordered else 0.0

    @property
    def bytes_each(self) -> float:
        return self.bytes / max(1, len(self.latencies))


def _reader(host: str, port: int, path: str, until: float, out: list) -> None:
    conn, latencies, size, errors = None, [], 0, 0
    while time.perf_counter() < until:
        started = time.perf_counter()
        try:
            if conn is None:
                conn = http.client.HTTPConnection(host, port, timeout=30)
            conn.request("GET", path)
            resp = conn.getresponse()
            body = resp.read()
            if resp.will_close:
                conn.close()
                conn = None
        except (OSError, http.client.HTTPException):
            errors += 1
            conn = None
            continue
        latencies.append(time.perf_counter() - started)
        size += len(body)
        errors += resp.status != 200
    out.append((latencies, size, errors))


def _process(host, port, path, threads, seconds, ready, go, results) -> None:
    ready.put(os.getpid())
    go.wait()
    until, cpu = time.perf_counter() + seconds, os.times()
    out: list = []
    workers = [threading.Thread(target=_reader, args=(host, port, path, until, out))
               for _ in range(threads)]
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    used = os.times()
    results.put((out, used.user + used.system - cpu.user - cpu.system))


def drive(host: str, port: int, path: str, readers: int, seconds: float,
          processes: int = 8) -> Load:
    """`readers` concurrent readers of `path` for `seconds`, started together."""
    ctx = multiprocessing.get_context("spawn")
    processes = max(1, min(processes, readers))
    ready, results, go = ctx.Queue(), ctx.Queue(), ctx.Event()
    shares = [readers // processes + (i < readers % processes) for i in range(processes)]
    procs = [ctx.Process(target=_process, args=(host, port, path, n, seconds, ready, go, results))
             for n in shares]
    for p in procs:
        p.start()
    for _ in procs:
        ready.get(timeout=60)
    go.set()
    load = Load(seconds)
    for _ in procs:
        out, cpu = results.get(timeout=seconds + 120)
        load.cpu += cpu
        for latencies, size, errors in out:
            load.latencies += latencies
            load.bytes += size
            load.errors += errors
    for p in procs:
        p.join()
    return load
