"""The broker's own limit for the pipeline: a raw py-amqp relay chain of four hops over quorum queues.

N messages wait on queue 1; three relay processes each consume queue k, publish to queue k+1 with
confirms once per batch and ack once per batch (multiple=True); a last consumer drains queue 4.
Rate = N / the time from the relays' start to the last message drained.
"""
from __future__ import annotations

import multiprocessing
import time

import amqp

from bench.amqp_raw import QUORUM, Batches, Confirmer, connect, publish_all

HOPS = 4


def _queue(k: int) -> str:
    return f"bench.chain.{k}"


def _relay(url: str, k: int, n: int, batch: int, ready, go) -> None:
    """Move n messages from queue k to queue k+1, batch by batch; publishing on its own connection."""
    consuming, publishing = connect(url), connect(url)
    out = Confirmer(publishing)
    src = Batches(consuming, _queue(k), batch)
    ready.release()
    go.wait()
    moved = 0
    while moved < n:
        taken = src.next()
        for message in taken:
            out.publish(amqp.Message(message.body, delivery_mode=2), "", _queue(k + 1))
        out.wait()
        src.ack(taken)
        moved += len(taken)
    consuming.close()
    publishing.close()


def chain_rate(url: str, bodies: list[bytes], batch: int = 200) -> float:
    """Messages per second through the four hops, measured in the vhost at `url`."""
    n = len(bodies)
    conn = connect(url)
    channel = conn.channel()
    for k in range(1, HOPS + 1):
        channel.queue_declare(_queue(k), durable=True, auto_delete=False, arguments=QUORUM)
    publish_all(Confirmer(conn), (amqp.Message(b, delivery_mode=2) for b in bodies), "",
                _queue(1), batch)
    ctx = multiprocessing.get_context("fork")  # a fresh connection per process, made after fork
    ready, go = ctx.Semaphore(0), ctx.Event()
    relays = [ctx.Process(target=_relay, args=(url, k, n, batch, ready, go), daemon=True)
              for k in range(1, HOPS)]
    for proc in relays:
        proc.start()
    for _ in relays:
        ready.acquire()
    sink = Batches(conn, _queue(HOPS), batch)
    go.set()
    started, drained = time.perf_counter(), 0
    while drained < n:
        taken = sink.next()
        sink.ack(taken)
        drained += len(taken)
    elapsed = time.perf_counter() - started
    sink.cancel()
    for proc in relays:
        proc.join(30)
    for k in range(1, HOPS + 1):
        channel.queue_delete(_queue(k))
    conn.close()
    return n / elapsed
