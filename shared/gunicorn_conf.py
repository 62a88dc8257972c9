"""gunicorn's settings for every service's HTTP process (`-c python:shared.gunicorn_conf`).

Prometheus multiprocess mode: each gunicorn worker counts in files under PROMETHEUS_MULTIPROC_DIR
(a fresh temporary directory unless set; in a container, point it at an emptyDir or tmpfs), and
the app's /metrics sums them all. The directory is emptied when gunicorn starts, so a previous
run's counts never come back, and `child_exit` marks a dead worker's files so its live gauges
leave the sum (its counters stay, as Prometheus expects of a counter).
Logging goes through shared/logs.py (MICROWISH_LOG_FORMAT), gunicorn's own lines too.
"""
from __future__ import annotations

import os
import shutil
import tempfile

# Before prometheus_client is imported anywhere: it picks its storage when first imported.
_OWN_DIR = not os.environ.get("PROMETHEUS_MULTIPROC_DIR")
if _OWN_DIR:
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="microwish-metrics-")
METRICS_DIR = os.environ["PROMETHEUS_MULTIPROC_DIR"]

from prometheus_client import multiprocess  # noqa: E402  (after the variable, on purpose)

from shared import logs  # noqa: E402


def service_of(app_uri: str | None) -> str | None:
    """`services.intake.app:create_app()` → intake."""
    parts = (app_uri or "").split(":", 1)[0].split(".")
    return parts[1] if len(parts) > 2 and parts[0] == "services" else None


def on_starting(server) -> None:
    os.makedirs(METRICS_DIR, exist_ok=True)
    for name in os.listdir(METRICS_DIR):
        if name.endswith(".db"):
            os.remove(os.path.join(METRICS_DIR, name))
    logs.configure(service_of(getattr(server.app, "app_uri", None)), "http")


def post_fork(server, worker) -> None:
    logs.set_process("http")


def child_exit(server, worker) -> None:
    multiprocess.mark_process_dead(worker.pid)


def on_exit(server) -> None:
    if _OWN_DIR:
        shutil.rmtree(METRICS_DIR, ignore_errors=True)
