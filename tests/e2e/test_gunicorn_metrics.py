"""gunicorn as the stack runs it (shared/gunicorn_conf.py): /metrics sums every worker's counts
(Prometheus multiprocess mode) by URL rule, and the log is JSON lines with the request id."""
from __future__ import annotations

import json
import os
import subprocess

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from services.stack import commands
from shared.settings import ROOT
from tests.helpers import PG_URL, free_port, wait_for

pytestmark = pytest.mark.stack


def _up(url: str) -> bool:
    try:
        return requests.get(url, timeout=1).status_code == 200
    except requests.RequestException:
        return False


def test_gunicorns_workers_are_counted_together_and_log_json(make_db, db_settings, tmp_path):
    make_db("matching")
    port = free_port()
    env = {**os.environ, "MICROWISH_DATABASE_URL": PG_URL, "MICROWISH_BROKER_URL": "memory://",
           "MICROWISH_MATCHING_DATABASE_SCHEMA": db_settings.database_schema("matching"),
           "MICROWISH_LOG_FORMAT": "json"}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    log = tmp_path / "gunicorn.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(commands("matching", port)["matching-http"], cwd=ROOT, env=env,
                                stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: proc.poll() is None and _up(f"{base}/healthz"), timeout=60,
                 what="gunicorn serving")
        for n in range(6):  # two workers: these land on both (or one; the sum is the same)
            answer = requests.get(f"{base}/api/v1/wishes/w-{n}", timeout=5,
                                  headers={"X-Request-Id": f"gunicorn-{n}"})
            assert answer.headers["X-Request-Id"] == f"gunicorn-{n}"
        text = requests.get(f"{base}/metrics", timeout=5).text
        counted = sum(s.value for family in text_string_to_metric_families(text)
                      for s in family.samples if s.name == "microwish_http_requests_total"
                      and s.labels.get("route") == "/api/v1/wishes/<wish_id>")
        assert counted == 6
        assert "w-3" not in text
    finally:
        proc.terminate()
        proc.wait(30)
    lines = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()
             if line.startswith("{")]
    ours = [line for line in lines if (line.get("request_id") or "").startswith("gunicorn-")]
    assert len(ours) == 6 and {line["service"] for line in ours} == {"matching"}
    assert {line["correlation_id"] for line in ours} == {f"w-{n}" for n in range(6)}
    assert all(line["process"].startswith("http:") for line in ours)
    assert any(line["logger"] == "gunicorn.error" for line in lines)  # gunicorn's own, as JSON
