"""HTTP load that is not the bottleneck: clients in processes of their own, a thread each.

Each client keeps its connection for as long as the server does (gunicorn's sync workers close it
after every answer; http.client then opens the next one), waits for the others, and sends its
requests one after another; every latency is kept.
"""
from __future__ import annotations

import http.client
import multiprocessing
import threading
import time
from collections import Counter


def _client(port: int, headers: dict, paths: list[str], barrier, results: list) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    latencies, statuses = [], Counter()
    barrier.wait()
    start = time.monotonic()
    for path in paths:
        sent = time.monotonic()
        try:
            conn.request("POST", path, body=b"{}", headers=headers)
            resp = conn.getresponse()
            resp.read()
            statuses[resp.status] += 1
        except (OSError, http.client.HTTPException) as exc:
            statuses[type(exc).__name__] += 1
            conn.close()
        latencies.append(time.monotonic() - sent)
    results.append((start, time.monotonic(), latencies, statuses))


def _process(port: int, jobs: list, barrier, queue) -> None:
    results: list = []
    threads = [threading.Thread(target=_client, args=(port, headers, paths, barrier, results))
               for headers, paths in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    queue.put(results)


def percentile(ordered: list[float], share: float) -> float:
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def post_all(port: int, jobs: list[tuple[dict, list[str]]], procs: int) -> dict:
    """Each job (headers, paths) one client, all starting together, spread over `procs`
    processes: requests a second from the first start to the last answer, latencies, statuses."""
    ctx = multiprocessing.get_context("fork")
    barrier, queue = ctx.Barrier(len(jobs)), ctx.Queue()
    workers = [ctx.Process(target=_process, args=(port, jobs[i::procs], barrier, queue))
               for i in range(min(procs, len(jobs)))]
    for w in workers:
        w.start()
    results = [r for _ in workers for r in queue.get(timeout=900)]
    for w in workers:
        w.join()
    latencies = sorted(x for r in results for x in r[2])
    statuses = sum((r[3] for r in results), Counter())
    elapsed = max(r[1] for r in results) - min(r[0] for r in results)
    return {"requests": len(latencies), "seconds": elapsed, "rate": len(latencies) / elapsed,
            "latencies": latencies, "statuses": statuses}
