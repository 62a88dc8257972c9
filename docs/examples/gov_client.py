#!/usr/bin/env python3
"""An example government system: publish wishes to 微心愿 over AMQP and read their receipts.

Needs only Python 3.9+ and pika (`pip install pika`); see docs/integration.md, docs/asyncapi.json.

    python gov_client.py --url amqp://city-hotline:PASSWORD@rabbitmq:5672/%2F \\
        --app-id city-hotline --count 3

Exit code 0 when every message was accepted, 1 when any was rejected, 2 when receipts did not
all arrive in time.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
import uuid

import pika

INTAKE_EXCHANGE, ROUTING_KEY, SCHEMA = "microwish.intake", "submission", "submission.v1"

# A fictional wisher (the ID number is valid but nobody's), with the consent a system must record.
EXAMPLE = {
    "community_code": "chuanhui-wenchang", "title": "想要一台收音机",
    "description": "独居老人，眼睛不好，想要一台能听戏的收音机。", "kind": "material",
    "estimated_value": 80, "preferred_times": ["weekday_morning"],
    "wisher": {"name": "张秀英", "id_number": "11010519491231002X", "phone": "13800000000",
               "target_groups": ["elderly_alone"], "household_size": 1},
    "consent": {"relation": "self", "method": "phone", "at": "2026-11-20T10:00:00+08:00"},
}


def receipt_queue(channel, name: str) -> str:
    """Our receipts queue, which the platform declared and bound when it registered us.

    It outlives this program, so receipts sent while we are away wait for us. We only check it
    is there (a passive declare): our broker user may not create or bind queues.
    """
    channel.queue_declare(name, passive=True)
    return name


def publish(channel, app_id: str, user: str, message_id: str, submission: dict) -> None:
    """One wish, persistent and confirmed: when this returns, the broker has it safely."""
    channel.basic_publish(
        INTAKE_EXCHANGE, ROUTING_KEY, json.dumps(submission, ensure_ascii=False).encode("utf-8"),
        pika.BasicProperties(
            message_id=message_id,  # unique here: re-sending it never makes a second wish
            app_id=app_id,  # our registered name
            user_id=user,  # our broker user; RabbitMQ checks it is who we connected as
            content_type="application/json", delivery_mode=2, headers={"schema": SCHEMA}),
        mandatory=True)  # an unroutable message raises instead of vanishing


def describe(routing_key: str, payload: dict) -> tuple[str, str]:
    """(kind of receipt, one line to print) for one receipt or outcome."""
    kind = routing_key.split(".")[1]
    ref = payload.get("source_ref")
    if kind == "accepted":
        again = " (duplicate: already received)" if payload.get("duplicate") else ""
        return kind, f"accepted {ref} -> wish {payload['wish_id']}{again}"
    if kind == "rejected":
        errors = "; ".join(f"{e['field']}: {e['code']} {e['message']}" for e in payload["errors"])
        return kind, f"rejected {ref}: {errors}"
    reasons = "; ".join(r["message"] for r in payload.get("reasons") or [])
    return kind, f"status {ref} -> {payload.get('status')} {reasons}".rstrip()


def read_receipts(channel, queue: str, waiting: set[str], timeout: float) -> dict[str, str]:
    """Read until every message in `waiting` has a receipt; {message_id: 'accepted'|'rejected'}."""
    answers: dict[str, str] = {}
    deadline = time.monotonic() + timeout
    for method, properties, body in channel.consume(queue, inactivity_timeout=1.0):
        if method is not None:
            payload = json.loads(body)["payload"]
            kind, line = describe(method.routing_key, payload)
            print(line, flush=True)
            if kind in ("accepted", "rejected") and payload.get("source_ref") in waiting:
                answers[payload["source_ref"]] = kind
            channel.basic_ack(method.delivery_tag)  # handled: printed (a real system stores it)
        if waiting <= answers.keys() or time.monotonic() > deadline:
            break
    channel.cancel()
    return answers


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", default="amqp://guest:guest@127.0.0.1:5672/%2F",
                        help="the broker, with this system's own user and password")
    parser.add_argument("--app-id", required=True, help="the name this system was registered as")
    parser.add_argument("--user", help="this system's broker user (default: the URL's user)")
    parser.add_argument("--count", type=int, default=1, help="how many wishes to send")
    parser.add_argument("--file", help="a JSON submission to send (default: a built-in example)")
    parser.add_argument("--prefix", help="message_id prefix; the same prefix again re-sends "
                                         "the same messages (default: a fresh one)")
    parser.add_argument("--queue", help="receipt queue (default: receipts.<app-id>)")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for receipts")
    args = parser.parse_args(argv)

    params = pika.URLParameters(args.url)
    user = args.user or params.credentials.username
    if args.file:
        with open(args.file, encoding="utf-8") as f:
            submission = json.load(f)
    else:
        submission = EXAMPLE
    prefix = args.prefix or f"{args.app_id}-{uuid.uuid4().hex[:8]}"
    ids = [f"{prefix}-{n}" for n in range(1, args.count + 1)]

    connection = pika.BlockingConnection(params)
    channel = connection.channel()
    channel.confirm_delivery()  # every publish waits for the broker's confirm
    queue = receipt_queue(channel, args.queue or f"receipts.{args.app_id}")
    for message_id in ids:
        publish(channel, args.app_id, user, message_id, submission)
        print(f"sent {message_id}", flush=True)
    answers = read_receipts(channel, queue, set(ids), args.timeout)
    connection.close()

    missing = [i for i in ids if i not in answers]
    rejected = [i for i, kind in answers.items() if kind == "rejected"]
    print(f"{len(ids)} sent, {len(ids) - len(missing) - len(rejected)} accepted, "
          f"{len(rejected)} rejected, {len(missing)} without a receipt", flush=True)
    return 2 if missing else 1 if rejected else 0


if __name__ == "__main__":
    sys.exit(main())
