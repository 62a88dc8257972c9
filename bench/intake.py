"""Intake throughput: N submissions published to the queue until every receipt has arrived.

    python bench/intake.py [-n 2000] [--workers 1]

Runs against the real RabbitMQ and PostgreSQL (MICROWISH_BENCH_AMQP_URL, MICROWISH_BENCH_DATABASE_URL)
in a throwaway vhost and schema, with intake's worker as separate processes, as deployed. It prints
submissions per second and, as the baseline measured in the same run, the broker's own rate for the
same messages through a bare quorum queue (publish with confirms, consume, ack), and the ratio.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import pika

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import amqp_raw  # noqa: E402
from bench.common import Sandbox, stop, submission  # noqa: E402


def publish_all(channel, bodies: list[bytes], exchange: str, routing_key: str, user: str) -> None:
    """Publish as a government system would with plain pika: each confirmed before the next."""
    for n, body in enumerate(bodies):
        channel.basic_publish(exchange, routing_key, body, pika.BasicProperties(
            message_id=f"bench-{n}", app_id=user, user_id=user, delivery_mode=2,
            content_type="application/json", headers={"schema": "submission.v1"}))


def drain(channel, queue: str, expected: int, on_message=None) -> None:
    """Consume until `expected` messages have arrived."""
    seen = 0
    for method, _props, body in channel.consume(queue, inactivity_timeout=60):
        if method is None:
            raise SystemExit(f"stalled after {seen} of {expected} messages")
        channel.basic_ack(method.delivery_tag)
        if on_message is not None:
            on_message(body)
        seen += 1
        if seen == expected:
            break
    channel.cancel()


def connect(url: str, user: str = "guest", password: str = "guest"):
    params = pika.URLParameters(url)
    params.credentials = pika.PlainCredentials(user, password)
    return pika.BlockingConnection(params)


def baseline(url: str, bodies: list[bytes]) -> float:
    """The broker's own rate for these messages: publish to a bare quorum queue, consume, ack."""
    conn = connect(url)
    channel = conn.channel()
    channel.queue_declare("bench.baseline", durable=True, arguments={"x-queue-type": "quorum"})
    channel.basic_qos(prefetch_count=50)
    channel.confirm_delivery()
    started = time.perf_counter()
    publish_all(channel, bodies, "", "bench.baseline", "guest")
    drain(channel, "bench.baseline", len(bodies))
    elapsed = time.perf_counter() - started
    conn.close()
    return len(bodies) / elapsed


def intake_rate(box: Sandbox, bodies: list[bytes], workers: int) -> tuple[float, int]:
    """Migrate, register the bench's system client, start intake's workers; time the submissions."""
    box.migrate()
    password = box.register_system()
    box.declare_topology()
    conn = connect(box.url, box.app_id, password)
    channel = conn.channel()
    receipts = f"receipts.{box.app_id}"
    channel.queue_declare(receipts, durable=True, arguments={"x-queue-type": "quorum"})
    channel.queue_bind(receipts, "microwish.events", f"submission.*.{box.app_id}")
    channel.basic_qos(prefetch_count=200)
    channel.confirm_delivery()
    procs = [box.worker("intake") for _ in range(workers)]
    try:
        # the clock starts at the first publish, once a worker consumes
        admin = amqp_raw.connect(box.url)
        amqp_raw.wait_for_consumer(admin.channel(), "intake.submissions")
        admin.close()
        accepted = []
        started = time.perf_counter()
        publish_all(channel, bodies, "microwish.intake", "submission", box.app_id)
        drain(channel, receipts, len(bodies),
              lambda body: accepted.append(json.loads(body)["type"] == "submission.accepted"))
        elapsed = time.perf_counter() - started
    finally:
        stop(procs)
        conn.close()
    return len(bodies) / elapsed, sum(accepted)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=2000, help="submissions to send")
    parser.add_argument("--workers", type=int, default=1, help="intake worker processes")
    args = parser.parse_args()
    bodies = [submission(n) for n in range(args.n)]
    with Sandbox(services=("intake",)) as box:
        broker = baseline(box.url, bodies)
        rate, accepted = intake_rate(box, bodies, args.workers)
    print(f"submissions: {args.n}, intake workers: {args.workers}, accepted receipts: {accepted}")
    print(f"intake: {rate:,.0f} submissions/s (published until every receipt arrived)")
    print(f"baseline, the broker alone (same messages, bare quorum queue): {broker:,.0f} msg/s")
    print(f"ratio intake / baseline: {rate / broker:.3f}")
    if accepted != args.n:
        raise SystemExit(f"only {accepted} of {args.n} accepted")


if __name__ == "__main__":
    main()
