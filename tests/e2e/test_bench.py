"""The benchmarks' pieces: the pipeline run end to end on a few wishes, and the profile's categories."""
from __future__ import annotations

import re
import subprocess
import sys

import psycopg

from bench.profile_summary import IDLE, category
from shared.settings import ROOT
from tests.helpers import PG_URL


def assert_cleaned_up(out: str) -> None:
    """The vhost and schemas a bench said it made are gone."""
    vhost, schemas = re.search(r"sandbox: vhost (\S+), schemas (.+)", out).groups()
    vhosts = subprocess.run(["rabbitmqctl", "-q", "list_vhosts"], capture_output=True, text=True,
                            check=True, timeout=60).stdout.split()
    assert vhost not in vhosts
    with psycopg.connect(PG_URL) as conn:
        left = conn.execute("SELECT nspname FROM pg_namespace WHERE nspname = ANY(%s)",
                            [schemas.split()]).fetchall()
    assert left == []


def test_the_pipeline_publishes_every_queued_wish_and_cleans_up():
    done = subprocess.run([sys.executable, "bench/pipeline.py", "-n", "20"], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    out = done.stdout
    assert "queued: 20, wish.submitted: 20, wish.published: 20" in out
    assert "accepted 20, status.published 20, status.verified 20" in out
    rate = float(re.search(r"pipeline: ([\d,.]+) wishes/s", out).group(1).replace(",", ""))
    chain = float(re.search(r"raw chain.*: ([\d,.]+) msg/s", out).group(1).replace(",", ""))
    ratio = float(re.search(r"ratio pipeline / raw chain: ([\d.]+)", out).group(1))
    assert rate > 0 and chain > 0 and abs(ratio - rate / chain) < 0.01
    assert_cleaned_up(out)


def test_the_claims_bench_has_one_winner_per_wish_and_cleans_up():
    done = subprocess.run([sys.executable, "bench/claims.py", "--wishes", "6", "--claimers", "4",
                           "--rounds", "2", "--procs", "2"], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    out = done.stdout
    assert "limits on: " in out
    for rnd in (1, 2):
        for name in ("matching", "bare"):
            line = re.search(rf"round {rnd} {name} *: (\d+) attempts.*winners (\d+) "
                             rf"\(stored (\d+)\)", out)
            assert line.groups() == ("24", "6", "6"), out
    assert "winners: 18 claims, 18 wishes claimed of 18 published" in out
    ratio = float(re.search(r"ratio matching / bare: ([\d.]+)", out).group(1))
    assert ratio > 0
    assert_cleaned_up(out)


def test_profile_categories_put_driver_time_under_the_database_and_loop_waits_under_idle():
    query = ["worker (services/worker.py:40)", "IdempotentConsumer.on_message (shared/consumer.py:87)",
             "Session.execute (sqlalchemy/orm/session.py:2351)",
             "Cursor.execute (psycopg/cursor.py:97)", "Connection.wait (psycopg/connection.py:495)"]
    waiting = ["worker (services/worker.py:40)",
               "ServiceRuntime.run_forever (shared/runtime.py:91)",
               "Connection.drain_events (kombu/connection.py:399)",
               "TCPTransport._read (amqp/transport.py:648)"]
    compiling = query[:3] + ["SQLCompiler.visit_insert (sqlalchemy/sql/compiler.py:5900)"]
    assert category(query) == "database round trips (psycopg)"
    assert category(waiting) == IDLE
    assert category(compiling) == "SQLAlchemy Core (SQL, compile, results)"


def test_the_wall_bench_prints_its_figures_for_both_sides_and_cleans_up():
    done = subprocess.run([sys.executable, "bench/wall.py", "-n", "200", "--readers", "4",
                           "--seconds", "0.5", "--turns", "1"], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    out = done.stdout
    assert "open wishes: 200, readers: 4" in out
    figures = re.compile(r"(wall|bare) (.+?): ([\d,]+) req/s, p50 ([\d.]+) ms, p99 ([\d.]+) ms, "
                         r"([\d,]+) B/response")
    sides = {(side, page) for side, page, *_ in figures.findall(out)}
    pages = ("filtered (district + category)", "first page", "next page")
    assert sides >= {(side, page) for side in ("wall", "bare") for page in pages}
    assert ("wall", "page (HTML, for information)") in sides
    assert "ERRORS" not in out
    assert len(re.findall(r"ratio wall / bare, .+?: [\d.]+", out)) == 3
    assert re.search(r"bar \(.+\): (reached|NOT reached)", out)
    assert_cleaned_up(out)
