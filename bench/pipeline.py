"""Pipeline throughput: N queued submissions through all four workers until every wish is published.

    python bench/pipeline.py [-n 1000] [--batch 200] [--profile DIR] [--one-intake-worker]

N eligible submissions from distinct people wait on the intake queue, sent by a registered system
client whose receipts queue the platform declared; then the `python -m services.worker` processes
start as deployed (one per service, intake's queues split over two: services/stack.py). It prints
wishes per second from the first `wish.submitted` to the last `wish.published` (their envelopes'
occurred_at), when the last receipt arrived after the last
`wish.published`, the broker's own limit measured in the same run (bench/chain.py) and the ratio.
Runs in a throwaway vhost and schemas, removed afterwards; fails unless all N were published.
"""
from __future__ import annotations

import argparse
import signal
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import amqp  # noqa: E402

from bench import cpu  # noqa: E402
from bench.amqp_raw import QUORUM, Confirmer, connect, publish_all, wait_for_consumer  # noqa: E402
from bench.chain import chain_rate  # noqa: E402
from bench.common import Sandbox, stop, submission  # noqa: E402
from bench.observe import Watch, receipt_kind  # noqa: E402
from services.stack import SPLIT_WORKERS  # noqa: E402

# Started before intake, so the clock (the first wish.submitted) starts with the pipeline ready.
DOWNSTREAM = {"verification": "verification.wish-submitted", "matching": "matching.wish-verified",
              "scoring": "scoring.wish-confirmed"}


def preload(box: Sandbox, password: str, bodies: list[bytes], batch: int, admin) -> Watch:
    """Queue the submissions as the system would; its receipts queue the platform declared."""
    system = connect(box.url, box.app_id, password)
    receipts = f"receipts.{box.app_id}"
    system.channel().queue_declare(receipts, passive=True)  # there, bound, read by it alone
    publish_all(Confirmer(system), (amqp.Message(
        body, message_id=f"bench-{n}", app_id=box.app_id, user_id=box.app_id, delivery_mode=2,
        content_type="application/json", application_headers={"schema": "submission.v1"})
        for n, body in enumerate(bodies)), "microwish.intake", "submission", batch)
    queued = admin.queue_declare("intake.submissions", passive=True).message_count
    if queued != len(bodies):
        raise SystemExit(f"{queued} of {len(bodies)} submissions queued")
    return Watch(system, receipts, receipt_kind)


def profiled(procs: dict, out: Path, idle: bool = True) -> list[subprocess.Popen]:
    """py-spy recording each worker (raw collapsed stacks per thread, idle included unless not)."""
    out.mkdir(parents=True, exist_ok=True)
    py_spy = str(Path(sys.executable).parent / "py-spy")
    return [subprocess.Popen([py_spy, "record", "--pid", str(proc.pid), "--format", "raw",
                              *(["--idle"] if idle else []), "--threads", "--nonblocking",
                              "--rate", "50",
                              "--output", str(out / f"{service}.txt")],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            for service, proc in procs.items()]


def run(box: Sandbox, n: int, batch: int, profile: Path | None,
        one_intake_worker: bool = False, on_cpu: bool = False) -> dict:
    bodies = [submission(i) for i in range(n)]
    chain = chain_rate(box.url, bodies, batch)
    box.migrate()
    password = box.register_system()
    box.declare_topology()
    events = connect(box.url)
    channel = events.channel()
    channel.queue_declare("bench.observed", durable=True, auto_delete=False, arguments=QUORUM)
    for key in ("wish.submitted", "wish.published"):
        channel.queue_bind("bench.observed", "microwish.events", key)
    receipts = preload(box, password, bodies, batch, channel)
    procs = {s: box.worker(s) for s in DOWNSTREAM}
    for queue in DOWNSTREAM.values():
        wait_for_consumer(channel, queue)
    watch = Watch(events, "bench.observed").start()
    receipts.start()
    if one_intake_worker:
        procs["intake"] = box.worker("intake")
    else:  # as deployed: the submissions, the outcomes and the audit stream each in a process
        for name, queues in SPLIT_WORKERS["intake"].items():
            procs[name] = box.worker("intake", queues=queues, name=name)
    spies = profiled(procs, profile, idle=not on_cpu) if profile else []
    try:
        # From the first wish on: the workers' start-up (imports, connecting) is not per wish.
        watch.wait_for("wish.submitted", 1)
        started = cpu.sample(procs)
        done = (watch.wait_for("wish.published", n)
                and receipts.wait_for("status.published", n))
        used = cpu.per_item(started, cpu.sample(procs), n)
    finally:
        for spy in spies:
            spy.send_signal(signal.SIGINT)  # py-spy writes its file on SIGINT
            spy.wait(60)
        stop(procs.values())
        watch.stop()
        receipts.stop()
    result = {"n": n, "published": watch.counts["wish.published"],
              "submitted": watch.counts["wish.submitted"], "receipts": dict(receipts.counts),
              "chain": chain, "cpu": used}
    if not done:  # stalled: say how far it got and why the workers think so
        print(box.log_tail(), file=sys.stderr)
        return {**result, "rate": 0.0, "receipt_lag": float("nan")}
    first_submitted = watch.first["wish.submitted"]
    last_published = watch.last["wish.published"]
    elapsed = (last_published[1] - first_submitted[1]).total_seconds()
    last_receipt = max(arrived for arrived, _ in receipts.last.values())
    return {**result, "rate": n / elapsed, "receipt_lag": last_receipt - last_published[0]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=1000, help="submissions queued before the start")
    parser.add_argument("--batch", type=int, default=200,
                        help="the raw chain's confirm and ack batch (prefetch twice that)")
    parser.add_argument("--profile", type=Path, help="record each worker with py-spy into DIR")
    parser.add_argument("--one-intake-worker", action="store_true",
                        help="all of intake's queues in one worker (deployed: two, see stack.py)")
    parser.add_argument("--on-cpu", action="store_true",
                        help="profile only samples on the CPU (no idle ones): where CPU goes")
    args = parser.parse_args()
    with Sandbox() as box:
        print(f"sandbox: vhost {box.vhost}, schemas {' '.join(box.schemas.values())}", flush=True)
        r = run(box, args.n, args.batch, args.profile, args.one_intake_worker, args.on_cpu)
    print(f"queued: {r['n']}, wish.submitted: {r['submitted']}, wish.published: {r['published']}")
    print("receipts: " + ", ".join(f"{k} {v}" for k, v in sorted(r["receipts"].items())))
    print(f"pipeline: {r['rate']:,.1f} wishes/s (first wish.submitted to last wish.published)")
    print(f"last receipt arrived {r['receipt_lag']:+.2f} s after the last wish.published")
    print(f"raw chain, 4 hops over quorum queues (py-amqp, batched confirms and acks): "
          f"{r['chain']:,.0f} msg/s")
    print(f"ratio pipeline / raw chain: {r['rate'] / r['chain']:.3f}")
    print("CPU per wish (ms): " + ", ".join(f"{k} {v:.1f}" for k, v in r["cpu"].items())
          + f"; all {sum(r['cpu'].values()):.1f}")
    if r["published"] != r["n"] or r["receipts"].get("status.published") != r["n"]:
        raise SystemExit(f"FAILED: only {r['published']} of {r['n']} queued wishes were published")


if __name__ == "__main__":
    main()
