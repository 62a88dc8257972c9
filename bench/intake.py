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
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pika

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from shared.idnumber import check_char  # noqa: E402
from shared.settings import Settings  # noqa: E402

AMQP = os.environ.get("MICROWISH_BENCH_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672")
PG = os.environ.get("MICROWISH_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
APP = "bench-system"


def submission(n: int) -> bytes:
    first17 = f"4101021950{(n % 12) + 1:02d}{(n % 28) + 1:02d}{n % 1000:03d}"
    return json.dumps({
        "community_code": "chuanhui-wenming", "title": f"心愿 {n}",
        "description": "希望有人陪老人聊聊天，帮忙买些日用品。", "kind": "spiritual",
        "urgent": n % 10 == 0, "skills": ["companionship"],
        "wisher": {"name": "测试老人", "id_number": first17 + check_char(first17),
                   "phone": "13900000000", "target_groups": ["elderly_alone"]},
        "consent": {"relation": "self", "method": "phone", "at": "2026-11-01T09:00:00+08:00"},
    }, ensure_ascii=False).encode()


def rabbitmqctl(*args: str) -> None:
    subprocess.run(["rabbitmqctl", "-q", *args], check=True, capture_output=True)


def publish_all(channel, bodies: list[bytes], exchange: str, routing_key: str) -> None:
    """Publish as a government system would with plain pika: each confirmed before the next."""
    for n, body in enumerate(bodies):
        channel.basic_publish(exchange, routing_key, body, pika.BasicProperties(
            message_id=f"bench-{n}", app_id=APP, user_id="guest", delivery_mode=2,
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


def baseline(url: str, bodies: list[bytes]) -> float:
    """The broker's own rate for these messages: publish to a bare quorum queue, consume, ack."""
    conn = pika.BlockingConnection(pika.URLParameters(url))
    channel = conn.channel()
    channel.queue_declare("bench.baseline", durable=True, arguments={"x-queue-type": "quorum"})
    channel.basic_qos(prefetch_count=50)
    channel.confirm_delivery()
    started = time.perf_counter()
    publish_all(channel, bodies, "", "bench.baseline")
    drain(channel, "bench.baseline", len(bodies))
    elapsed = time.perf_counter() - started
    conn.close()
    return len(bodies) / elapsed


def start_workers(url: str, schema: str, count: int) -> list[subprocess.Popen]:
    env = {**os.environ, "MICROWISH_BROKER_URL": url, "MICROWISH_INTAKE_DATABASE_URL": PG,
           "MICROWISH_INTAKE_DATABASE_SCHEMA": schema, "PYTHONPATH": str(ROOT)}
    return [subprocess.Popen([sys.executable, "-m", "services.worker", "intake"], env=env,
                             cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            for _ in range(count)]


def prepare(url: str, schema: str) -> None:
    """Migrate intake's schema, declare the topology and register the bench system client."""
    from kombu import Connection

    from services.intake.accounts.actions import create_account
    from services.intake.app import METADATA
    from shared import topology
    from shared.db import Database
    from shared.migrate import upgrade

    settings = Settings(broker_url=url, database_urls={"intake": PG},
                        database_schemas={"intake": schema})
    upgrade(settings, "intake")
    db = Database(settings, "intake", METADATA)
    with db.uow() as uow:
        create_account(uow.session, APP, "system", "压测系统", app_id=APP, broker_user="guest")
        uow.commit()
    db.dispose()
    with Connection(url) as conn:
        topology.declare(conn)


def intake_rate(url: str, bodies: list[bytes], workers: int, schema: str) -> tuple[float, int]:
    prepare(url, schema)
    conn = pika.BlockingConnection(pika.URLParameters(url))
    channel = conn.channel()
    receipts = channel.queue_declare("", exclusive=True).method.queue
    channel.queue_bind(receipts, "microwish.events", f"submission.*.{APP}")
    channel.basic_qos(prefetch_count=200)
    channel.confirm_delivery()
    procs = start_workers(url, schema, workers)
    try:
        time.sleep(3)  # let the workers connect; the clock starts at the first publish
        accepted = []
        started = time.perf_counter()
        publish_all(channel, bodies, "microwish.intake", "submission")
        drain(channel, receipts, len(bodies),
              lambda body: accepted.append(json.loads(body)["type"] == "submission.accepted"))
        elapsed = time.perf_counter() - started
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=30)
        conn.close()
    return len(bodies) / elapsed, sum(accepted)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=2000, help="submissions to send")
    parser.add_argument("--workers", type=int, default=1, help="intake worker processes")
    args = parser.parse_args()
    vhost = f"mw-bench-{uuid.uuid4().hex[:8]}"
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    rabbitmqctl("add_vhost", vhost)
    rabbitmqctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*")
    url = f"{AMQP}/{vhost}"
    bodies = [submission(n) for n in range(args.n)]
    try:
        broker = baseline(url, bodies)
        rate, accepted = intake_rate(url, bodies, args.workers, schema)
    finally:
        rabbitmqctl("delete_vhost", vhost)
        from sqlalchemy import create_engine, text
        engine = create_engine(PG.replace("postgresql://", "postgresql+psycopg://", 1))
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()
    print(f"submissions: {args.n}, intake workers: {args.workers}, accepted receipts: {accepted}")
    print(f"intake: {rate:,.0f} submissions/s (published until every receipt arrived)")
    print(f"baseline, the broker alone (same messages, bare quorum queue): {broker:,.0f} msg/s")
    print(f"ratio intake / baseline: {rate / broker:.3f}")
    if accepted != args.n:
        raise SystemExit(f"only {accepted} of {args.n} accepted")


if __name__ == "__main__":
    main()
