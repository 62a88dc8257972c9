"""The stack: every service as its own processes — gunicorn for HTTP, one worker for consumer and relay.

`microwish stack` (or `python -m services.stack`) migrates and runs them all against RabbitMQ and
PostgreSQL until Ctrl-C. The end-to-end tests start the same processes through `Stack`.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import click

from shared.settings import ROOT, SERVICES

PORTS = {"intake": 8001, "verification": 8002, "matching": 8003, "scoring": 8004}

STACK_DEFAULTS = {
    "MICROWISH_BROKER_URL": "amqp://guest:guest@127.0.0.1:5672//",
    "MICROWISH_DATABASE_URL": "postgresql://postgres@127.0.0.1:5432/test",
}


# Intake's workers split its queues, so a flood of submissions never holds back the outcomes a
# source system's receipts follow (each process has its own interpreter lock).
SPLIT_WORKERS = {"intake": {"intake-worker": "intake.submissions",
                            "intake-events-worker": "intake.wish-outcomes",
                            "intake-audit-worker": "intake.audit"}}


# Each worker's /metrics, /healthz and /readyz (MICROWISH_METRICS_PORT), numbered from here in
# the order of `commands`; in docker-compose.yml every container has its own 9100.
METRICS_PORT_BASE = 9101


def commands(service: str, port: int) -> dict[str, list[str]]:
    """The processes of one service, exactly as docker-compose.yml runs them."""
    worker = [sys.executable, "-m", "services.worker", service]
    workers = {name: [*worker, "--queues", queues]
               for name, queues in SPLIT_WORKERS.get(service, {}).items()}
    return {
        # shared/gunicorn_conf.py: Prometheus multiprocess mode and JSON logs (one line a request)
        f"{service}-http": [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}",
                            "--workers", "2", "--no-control-socket",
                            "--config", "python:shared.gunicorn_conf",
                            f"services.{service}.app:create_app()"],
        **(workers or {f"{service}-worker": worker}),
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Stack:
    """Start, kill and restart the stack's processes; used by `make stack` and the e2e tests."""

    def __init__(self, env: dict[str, str] | None = None, ports: dict[str, int] | None = None,
                 log_dir=None, metrics_ports: dict[str, int] | None = None):
        self.env = {**os.environ, **STACK_DEFAULTS, **(env or {})}
        self.ports = ports or PORTS
        self.log_dir = log_dir
        self.commands = {name: cmd for s in SERVICES
                         for name, cmd in commands(s, self.ports[s]).items()}
        workers = [name for name in self.commands if not name.endswith("-http")]
        # Fixed numbers for `microwish stack`; free ones for a stack on ports of its own (tests).
        self.metrics_ports = metrics_ports or {
            name: METRICS_PORT_BASE + n if ports is None else _free_port()
            for n, name in enumerate(workers)}
        self.procs: dict[str, subprocess.Popen] = {}

    def metrics_url(self, name: str) -> str:
        """Where a worker process serves /metrics, /healthz and /readyz."""
        return f"http://127.0.0.1:{self.metrics_ports[name]}"

    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.ports[service]}"

    def migrate(self) -> None:
        subprocess.run([sys.executable, "-m", "shared.migrate"], env=self.env, cwd=ROOT,
                       check=True, capture_output=True)

    def start(self, name: str | None = None) -> None:
        for proc_name in [name] if name else self.commands:
            out = None
            if self.log_dir is not None:
                out = open(os.path.join(self.log_dir, f"{proc_name}.log"), "ab")
            env = self.env
            if proc_name in self.metrics_ports:
                env = {**env, "MICROWISH_METRICS_PORT": str(self.metrics_ports[proc_name])}
            self.procs[proc_name] = subprocess.Popen(
                self.commands[proc_name], env=env, cwd=ROOT, stdout=out,
                stderr=subprocess.STDOUT if out else None)

    def kill(self, name: str, sig: int = signal.SIGKILL) -> int:
        """Signal one process and wait for it; return its exit code."""
        proc = self.procs.pop(name)
        proc.send_signal(sig)
        return proc.wait(30)

    def stop(self) -> None:
        for proc in self.procs.values():
            proc.terminate()
        deadline = time.monotonic() + 15
        for proc in self.procs.values():
            try:
                proc.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
        self.procs.clear()


@click.command("stack")
def stack() -> None:
    """Every service as its own processes, until Ctrl-C.

    Migrates, then runs gunicorn and a worker per service against RabbitMQ and PostgreSQL.
    """
    running = Stack()
    running.migrate()
    running.start()
    click.echo("stack running: " + ", ".join(f"{s} {running.url(s)}" for s in SERVICES))
    try:
        while all(p.poll() is None for p in running.procs.values()):
            time.sleep(1)
        click.echo("a process exited; stopping the stack", err=True)
    except KeyboardInterrupt:
        pass
    finally:
        running.stop()


if __name__ == "__main__":
    stack(prog_name="python -m services.stack")
