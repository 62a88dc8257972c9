"""Claims under a race: matching's claim endpoint against a bare conditional UPDATE, both under gunicorn.

    python bench/claims.py [--wishes 100] [--claimers 50] [--rounds 5] [--procs 5] [--profile DIR]

Each round publishes fresh wishes open to the whole city (the same rows in matching's schema and
in a copy of its wishes table); every claimer (a registered member with a token of their own)
then tries to claim every one of them, each in an order of their own, all at once: one attempt
wins each wish, the rest lose the race (409, with the similar wishes still open). Matching runs as
the stack runs it (services/stack.py: gunicorn, 2 sync workers), with its claim limits on but
raised so they never refuse; beside it, under the same gunicorn command, bench/claims_bare.py does
the one conditional UPDATE. The rounds alternate between the two. It prints per round attempts
a second, p50, p99 and the winners (exactly one per wish, or it fails), then the ratio.
"""
from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import bindparam, func, select, text  # noqa: E402

from bench import cpu  # noqa: E402
from bench.common import Sandbox, serve_as_matching, stop  # noqa: E402
from bench.load import percentile, post_all  # noqa: E402
from bench.pipeline import profiled  # noqa: E402
from services.matching.app import METADATA  # noqa: E402
from services.matching.models import Claim, Community, Member, Wish  # noqa: E402
from shared.db import Database  # noqa: E402
from shared.envelope import utcnow  # noqa: E402
from shared.settings import from_env  # noqa: E402
from tests.factories import COMMUNITY, published_wish  # noqa: E402
from tests.helpers import add, bearer, principal  # noqa: E402

# The limits stay on (every attempt is counted, every open claim held under its lock), high
# enough that they refuse nobody: the run measures the claim, not the refusal.
LIMITS = {"MICROWISH_CLAIMS_PER_HOUR": "1000000", "MICROWISH_OPEN_CLAIMS": "1000000"}


def workers(proc: subprocess.Popen) -> dict:
    """gunicorn's worker processes (the master only forks and watches them)."""
    children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()
    return {f"worker-{pid}": SimpleNamespace(pid=int(pid)) for pid in children}


def publish(db: Database, bare: str, rnd: int, n: int) -> list[str]:
    """`n` fresh wishes open to the city, in matching's table and (the same rows) the bare one."""
    ids = [f"r{rnd}-w{i:04d}" for i in range(n)]
    add(db, *[published_wish(i, category="health") for i in ids])
    with db.engine.begin() as conn:
        conn.execute(text(f'INSERT INTO "{bare}".wishes SELECT * FROM wishes WHERE id IN :ids')
                     .bindparams(bindparam("ids", expanding=True)), {"ids": ids})
    return ids


def claimed(db: Database, schema: str, ids: list[str]) -> int:
    with db.engine.connect() as conn:
        return conn.scalar(text(f'SELECT count(*) FROM "{schema}".wishes WHERE id IN :ids '
                                "AND status = 'claimed'")
                           .bindparams(bindparam("ids", expanding=True)), {"ids": ids})


def run(box: Sandbox, n: int, claimers: int, rounds: int, procs: int, profile: Path | None):
    box.command("shared.migrate", "matching")
    settings = from_env(box.env)
    db = Database(settings, "matching", METADATA)
    bare = box.schemas["bare"]
    with db.engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{bare}"'))
        conn.execute(text(f'CREATE TABLE "{bare}".wishes (LIKE wishes INCLUDING ALL)'))
    members = [f"bench-member-{k:03d}" for k in range(claimers)]
    add(db, Community(code=COMMUNITY, name="文明社区", street="七一路街道", district="chuanhui",
                      district_name="川汇区", meeting_day=None, as_of=utcnow()),
        *[Member(id=m, kind="person", display_name="压测党员", party_member=True,
                 community_code=COMMUNITY, skills=[], available_times=[], as_of=utcnow())
          for m in members])
    headers = [{**bearer(settings, principal("member", id=m)), "Content-Type": "application/json"}
               for m in members]
    servers = {"matching": serve_as_matching(box, "matching", "services.matching.app:create_app()", LIMITS),
               "bare": serve_as_matching(box, "bare", "bench.claims_bare:create_app()", LIMITS)}
    print(f"limits on: {LIMITS['MICROWISH_CLAIMS_PER_HOUR']} claim attempts an hour and "
          f"{LIMITS['MICROWISH_OPEN_CLAIMS']} open claims per claimer (counted, never reached)")
    print(f"workload per endpoint: {rounds} rounds of {n} fresh wishes, each tried by all "
          f"{claimers} claimers ({rounds * n * claimers:,} attempts), after a warm-up round; "
          f"load average {os.getloadavg()[0]:.1f}", flush=True)
    spies = profiled(workers(servers["matching"][0]), profile, idle=False) if profile else []
    totals = {name: {"requests": 0, "seconds": 0.0, "latencies": [], "gunicorn": 0.0,
                     "postgresql": 0.0}
              for name in servers}
    failed = []
    try:
        for rnd in range(rounds + 1):  # round 0 warms the workers up (SQL compiled, pools full)
            ids = publish(db, bare, rnd, n)
            orders = [random.Random(f"{rnd}-{k}").sample(ids, len(ids)) for k in range(claimers)]
            for name, (proc, port) in servers.items():
                jobs = [(headers[k], [f"/api/v1/wishes/{w}/claims" for w in orders[k]])
                        for k in range(claimers)]
                before = cpu.sample(workers(proc))
                r = post_all(port, jobs, procs)
                used = cpu.per_item(before, cpu.sample(workers(proc)), 1000)  # seconds
                won = r["statuses"].get(201, 0)
                if rnd == 0:
                    continue
                stored = claimed(db, box.schemas["matching"] if name == "matching" else bare, ids)
                print(f"round {rnd} {name:8}: {r['requests']:,} attempts, {r['rate']:,.0f}/s, "
                      f"p50 {1000 * percentile(r['latencies'], .5):.1f} ms, "
                      f"p99 {1000 * percentile(r['latencies'], .99):.1f} ms, winners {won} "
                      f"(stored {stored}), answers "
                      + ", ".join(f"{k} {v}" for k, v in sorted(r["statuses"].items(), key=str)),
                      flush=True)
                if won != n or stored != n:
                    failed.append(f"round {rnd} {name}: {won} winners of {n} wishes")
                t = totals[name]
                t["requests"] += r["requests"]
                t["seconds"] += r["seconds"]
                t["latencies"] += r["latencies"]
                t["postgresql"] += used.pop("postgresql", 0.0)
                t["gunicorn"] += sum(v for k, v in used.items() if k.startswith("worker-"))
        with db.engine.connect() as conn:
            claims = conn.scalar(select(func.count()).select_from(Claim))
            claimed_wishes = conn.scalar(select(func.count()).select_from(Wish)
                                         .where(Wish.status == "claimed"))
    finally:
        for spy in spies:
            spy.send_signal(signal.SIGINT)  # py-spy writes its file on SIGINT
            spy.wait(60)
        stop([proc for proc, _ in servers.values()])
        db.dispose()
    for name, t in totals.items():
        t["rate"] = t["requests"] / t["seconds"]
        t["latencies"].sort()
        print(f"{name}: {t['rate']:,.0f} attempts/s over {t['requests']:,} attempts, "
              f"p50 {1000 * percentile(t['latencies'], .5):.1f} ms, "
              f"p99 {1000 * percentile(t['latencies'], .99):.1f} ms, "
              f"CPU per attempt: gunicorn {1000 * t['gunicorn'] / t['requests']:.2f} ms, "
              f"PostgreSQL {1000 * t['postgresql'] / t['requests']:.2f} ms")
    print(f"winners: {claims} claims, {claimed_wishes} wishes claimed of {(rounds + 1) * n} "
          "published (the warm-up round's included)")
    print(f"ratio matching / bare: {totals['matching']['rate'] / totals['bare']['rate']:.3f} "
          f"(load average {os.getloadavg()[0]:.1f})")
    if claims != (rounds + 1) * n:
        failed.append(f"{claims} claims stored for {(rounds + 1) * n} wishes")
    if failed:
        raise SystemExit("FAILED: " + "; ".join(failed))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wishes", type=int, default=100, help="fresh wishes per round")
    parser.add_argument("--claimers", type=int, default=50, help="concurrent claimers")
    parser.add_argument("--rounds", type=int, default=5, help="rounds per endpoint")
    parser.add_argument("--procs", type=int, default=5, help="load generator processes")
    parser.add_argument("--profile", type=Path,
                        help="record matching's gunicorn workers (on CPU) with py-spy into DIR")
    args = parser.parse_args()
    with Sandbox(services=("matching", "bare")) as box:
        print(f"sandbox: vhost {box.vhost}, schemas {' '.join(box.schemas.values())}", flush=True)
        run(box, args.wishes, args.claimers, args.rounds, args.procs, args.profile)


if __name__ == "__main__":
    main()
