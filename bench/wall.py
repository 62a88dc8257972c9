"""The wall under readers: matching's paginated wall through gunicorn against a bare endpoint.

    python bench/wall.py [-n 10000] [--readers 32] [--seconds 10]

N open wishes (and a fifth as many already claimed) over 18 communities of three districts, in
matching's schema as its migrations make it. Matching's app runs under gunicorn exactly as the
stack runs it (services/stack.py), and beside it, under the same gunicorn settings, a bare Flask
endpoint doing the same SELECT, count and JSON by hand (bench/wall_bare.py). Each is read by the
same closed-loop readers (bench/http_load.py) on a filtered page, the first page and a `next`
page; it prints requests/s, p50, p99, bytes per response, CPU per request and the ratio, then the
HTML page for information. Runs in a throwaway schema (and vhost), removed afterwards.
"""
from __future__ import annotations

import argparse
import json
import signal
import subprocess
import sys
import urllib.request
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from types import SimpleNamespace

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import cpu  # noqa: E402
from bench.common import PG, Sandbox, serve_as_matching, stop  # noqa: E402
from bench.http_load import Load, drive  # noqa: E402
from bench.pipeline import profiled  # noqa: E402
from shared.envelope import utcnow  # noqa: E402
from shared.vocab import CATEGORIES, SKILLS  # noqa: E402

HOST = "127.0.0.1"
DISTRICTS = {"chuanhui": ("川汇区", ("七一路街道", "人民路街道")),
             "pudong": ("浦东新区", ("高桥镇", "南码头街道")),
             "xihua": ("西华县", ("城关镇", "红花集镇"))}
# What the readers ask for; `next` is filled in from the wall's own first page.
SCENARIOS = {"filtered (district + category)": "/api/v1/wishes?district=chuanhui&category=health",
             "first page": "/api/v1/wishes", "next page": None}
BAR_RATIO, BAR_P99 = 0.8, 0.050


def rows(n: int) -> tuple[list[dict], list[dict]]:
    """The communities and the wishes: N open ones spread over communities, categories, skills,
    windows and deadlines (newest every 30 s, pairs sharing an instant), and N/5 already claimed."""
    now = utcnow()
    communities = [{"code": f"{district}-c{s}{c}", "name": f"{street}第{c + 1}社区",
                    "street": street, "district": district, "district_name": district_name,
                    "meeting_day": {"nth": 1, "weekday": 6}, "as_of": now}
                   for district, (district_name, streets) in DISTRICTS.items()
                   for s, street in enumerate(streets) for c in range(3)]
    categories, skills = [*CATEGORIES, None], list(SKILLS)
    wishes = [{"id": str(uuid.uuid4()), "community_code": communities[i % len(communities)]["code"],
               "title": f"想要一件冬天的棉衣（第{i}号）" if i % 2 else f"希望有人陪我聊聊天（第{i}号）",
               "description": "老人独居，冬天怕冷，想要一件厚实的棉衣，尺码XL。" * (1 + i % 3),
               "kind": "material" if i % 2 else "spiritual", "wisher_display": "王*",
               "source": "web", "source_ref": f"bench-{i}",
               "status": "published" if i < n else "claimed",
               "published_at": now - timedelta(seconds=30 * (i // 2)),
               "citywide_at": now + timedelta(hours=24) if i % 3 == 0 else now - timedelta(hours=1),
               "citywide_announced": i % 3 != 0, "held": False,
               "contact_masked": {"phone": "139****0000", "address": "川汇区****"},
               "category": categories[i % len(categories)],
               "skills": [skills[i % len(skills)]] if i % 4 == 0 else [],
               "service_standard": "上门送达，当面交给老人" if i % 5 == 0 else None,
               "deadline": date.today() + timedelta(days=30) if i % 3 == 1 else None,
               "urgent": i % 20 == 0, "wish_type": "team" if i % 50 == 0 else "individual"}
              for i in range(n + n // 5)]
    return communities, wishes


def fill(box: Sandbox, n: int) -> None:
    """Matching's schema by its migrations, filled as publication leaves it, then vacuumed."""
    box.migrate()
    from services.matching.models import Community, Wish
    from shared.db import make_engine
    from shared.settings import from_env
    engine = make_engine(from_env(box.env), "matching")
    communities, wishes = rows(n)
    with engine.begin() as conn:
        conn.execute(Community.__table__.insert(), communities)
        conn.execute(Wish.__table__.insert(), wishes)
    with engine.connect() as conn:  # as autovacuum leaves a table that has settled
        conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
            "VACUUM ANALYZE wishes, communities")
    engine.dispose()


def workers_of(master: subprocess.Popen, application: str) -> dict:
    """gunicorn's worker processes (the master's children) and their PostgreSQL backends (by
    application_name: others share the server), as bench/cpu.py samples them."""
    children = Path(f"/proc/{master.pid}/task/{master.pid}/children").read_text().split()
    with psycopg.connect(PG) as conn:
        backends = [pid for pid, in conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE application_name = %s", [application])]
    return {**{f"gunicorn{i}": SimpleNamespace(pid=int(pid)) for i, pid in enumerate(children)},
            **{f"backend{pid}": SimpleNamespace(pid=pid) for pid in backends}}


@dataclass
class Side:
    """One of the two servers, and what its readers saw over all its turns."""

    name: str
    port: int
    master: subprocess.Popen
    application: str  # its connections' application_name
    load: Load = field(default_factory=lambda: Load(0.0))
    cpu: Counter = field(default_factory=Counter)  # CPU seconds: gunicorn, postgresql

    def per_request(self) -> dict:
        return {k: 1000 * v / max(1, len(self.load.latencies)) for k, v in self.cpu.items()}


def measure(side: Side, path: str, readers: int, seconds: float,
            profile: Path | None = None) -> None:
    """One turn of the readers on `path`, after a warm-up, added to the side's figures (with
    `profile`, py-spy records the workers' CPU into that directory)."""
    for _ in range(20):
        urllib.request.urlopen(f"http://{HOST}:{side.port}{path}").read()
    workers = workers_of(side.master, side.application)
    gunicorn = {k: v for k, v in workers.items() if k.startswith("gunicorn")}
    spies = profiled(gunicorn, profile, idle=False) if profile else []
    before = cpu.sample(workers)
    side.load += drive(HOST, side.port, path, readers, seconds)
    after = cpu.sample(workers)
    for name in workers:
        if name in before and name in after:
            side.cpu["gunicorn" if name in gunicorn else "postgresql"] += after[name] - before[name]
    for spy in spies:
        spy.send_signal(signal.SIGINT)  # py-spy writes its file on SIGINT
        spy.wait(60)


def line(label: str, side: Side) -> str:
    load, used = side.load, side.per_request()
    return (f"{label}: {load.rate:,.0f} req/s, p50 {load.percentile(50) * 1000:.1f} ms, "
            f"p99 {load.percentile(99) * 1000:.1f} ms, {load.bytes_each:,.0f} B/response, "
            f"CPU/request gunicorn {used['gunicorn']:.2f} ms + its PostgreSQL backends "
            f"{used['postgresql']:.2f} ms" + (f", {load.errors} ERRORS" if load.errors else ""))


def page_of(port: int, path: str) -> dict:
    return json.loads(urllib.request.urlopen(f"http://{HOST}:{port}{path}").read())


def same_answers(wall: int, bare: int, paths: list[str]) -> None:
    """Both sides must answer each path with the same wishes, total and next page."""
    for path in paths:
        mine, theirs = page_of(wall, path), page_of(bare, path)
        if ([w["id"] for w in mine["items"]], mine["total"], mine["next"]) != (
                [w["id"] for w in theirs["items"]], theirs["total"], theirs["next"]):
            raise SystemExit(f"the wall and the bare endpoint disagree on {path}")


def run(box: Sandbox, n: int, readers: int, seconds: float, turns: int,
        profile: Path | None) -> bool:
    """Fill, serve both, read each page from each side in turns; whether the bar is reached."""
    fill(box, n)
    wall, wall_port = serve_as_matching(box, "matching-http", "services.matching.app:create_app()")
    bare, bare_port = serve_as_matching(box, "bare-http", "bench.wall_bare:create_app()")
    try:
        paths = dict(SCENARIOS)
        paths["next page"] = "/api/v1/wishes?after=" + page_of(wall_port, "/api/v1/wishes")["next"]
        same_answers(wall_port, bare_port, list(paths.values()))
        reached, total = True, page_of(wall_port, "/api/v1/wishes")["total"]
        print(f"open wishes: {total:,}, readers: {readers}, {seconds:g} s each side and page "
              f"(in {turns} turns each, taken alternately)")
        schema = box.schemas["matching"]
        for name, path in [*paths.items(), ("page (HTML, for information)", "/")]:
            sides = [Side("wall", wall_port, wall, f"microwish:{schema}"[:63])]
            if path != "/":
                sides.append(Side("bare", bare_port, bare, f"bench-bare:{schema}"[:63]))
            for turn in range(turns):  # others share the machine: both sides see its moods
                for side in sides:
                    measure(side, path, readers, seconds / turns,
                            profile / side.name / name.split(" (")[0].replace(" ", "-") /
                            str(turn) if profile else None)
            for side in sides:
                print(line(f"{side.name} {name}", side))
            if len(sides) == 1:
                continue
            mine, theirs = sides[0].load, sides[1].load
            ratio = mine.rate / theirs.rate
            print(f"ratio wall / bare, {name}: {ratio:.2f}; readers' own CPU "
                  f"{100 * mine.cpu / mine.seconds:.0f}% / "
                  f"{100 * theirs.cpu / theirs.seconds:.0f}% of a core", flush=True)
            reached &= (ratio >= BAR_RATIO and mine.percentile(99) <= BAR_P99
                        and not mine.errors and not theirs.errors)
    finally:
        stop([wall, bare])
    return reached


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=10000, help="open wishes on the wall")
    parser.add_argument("--readers", type=int, default=32, help="concurrent readers")
    parser.add_argument("--seconds", type=float, default=10.0, help="each side, each page")
    parser.add_argument("--turns", type=int, default=4,
                        help="each side's seconds split into turns, the two sides alternating")
    parser.add_argument("--profile", type=Path,
                        help="record each side's gunicorn workers' CPU with py-spy into DIR")
    args = parser.parse_args()
    with Sandbox(services=("matching",)) as box:
        print(f"sandbox: vhost {box.vhost}, schemas {' '.join(box.schemas.values())}", flush=True)
        reached = run(box, args.n, args.readers, args.seconds, args.turns, args.profile)
    print(f"bar (each API page ≥ {BAR_RATIO}× the bare endpoint, p99 ≤ {BAR_P99 * 1000:.0f} ms): "
          + ("reached" if reached else "NOT reached"))


if __name__ == "__main__":
    main()
