"""What the benchmarks share: a throwaway vhost and schemas, the platform's public commands, eligible wishes.

Everything the platform does here goes through the commands ops use (`python -m shared.migrate`,
`python -m services.intake.accounts.systems register`, `python -m services.worker <service>`), so a
benchmark measures whatever the checkout holds.
"""
from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import tempfile
import uuid
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from shared.idnumber import check_char  # noqa: E402
from shared.settings import SERVICES  # noqa: E402

AMQP = os.environ.get("MICROWISH_BENCH_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672")
PG = os.environ.get("MICROWISH_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
SYSTEM_NAME = "压测系统"


def id_number(n: int) -> str:
    """The n-th distinct valid ID number: elderly people born from 1 January 1940, 1000 a day."""
    born = date(1940, 1, 1) + timedelta(days=n // 1000)
    first17 = f"411602{born:%Y%m%d}{n % 1000:03d}"
    return first17 + check_char(first17)


# Two wishes verification approves by itself (a sure category, within the cap, nothing banned).
_WISHES = ({"title": "想要一个血压仪", "description": "患高血压多年，想在家里随时量血压。",
            "kind": "material", "estimated_value": 150},
           {"title": "想有人陪我聊聊天", "description": "希望有人陪老人聊聊天，帮忙买些日用品。",
            "kind": "spiritual"})


def submission(n: int) -> bytes:
    """The n-th submission.v1 body: a different elderly person living alone on a small income."""
    return json.dumps({
        "community_code": "chuanhui-wenming", **_WISHES[n % 2], "urgent": n % 10 == 0,
        "wisher": {"name": "压测老人", "id_number": id_number(n), "phone": "13900000000",
                   "address": f"河南省周口市川汇区压测路{n}号", "target_groups": ["elderly_alone"],
                   "household_size": 1, "household_monthly_income": 900},
        "consent": {"relation": "self", "method": "phone", "at": "2026-11-01T09:00:00+08:00"},
    }, ensure_ascii=False).encode()


def rabbitmqctl(*args: str) -> str:
    return subprocess.run(["rabbitmqctl", "-q", *args], check=True, capture_output=True,
                          text=True, timeout=120).stdout


class Sandbox:
    """A throwaway vhost and a schema per service, the platform's commands run inside them."""

    def __init__(self, services=SERVICES):
        tag = uuid.uuid4().hex[:8]
        self.services = services
        self.vhost = f"mw-bench-{tag}"
        self.url = f"{AMQP}/{self.vhost}"
        self.schemas = {s: f"bench_{tag}_{s}" for s in services}
        self.app_id = f"bench-{tag}"
        self.broker_users: list[str] = []
        self.logs = Path(tempfile.mkdtemp(prefix=f"mw-bench-{tag}-"))
        self.env = {**os.environ, "PYTHONPATH": str(ROOT), "MICROWISH_BROKER_URL": self.url,
                    "MICROWISH_DATABASE_URL": PG,
                    **{f"MICROWISH_{s.upper()}_DATABASE_SCHEMA": schema
                       for s, schema in self.schemas.items()}}

    def __enter__(self) -> "Sandbox":
        rabbitmqctl("add_vhost", self.vhost)
        rabbitmqctl("set_permissions", "-p", self.vhost, "guest", ".*", ".*", ".*")
        return self

    def __exit__(self, *exc) -> None:
        rabbitmqctl("delete_vhost", self.vhost)
        for user in self.broker_users:
            rabbitmqctl("delete_user", user)
        import psycopg
        with psycopg.connect(PG, autocommit=True) as conn:
            for schema in self.schemas.values():
                conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')

    def command(self, *args: str) -> str:
        """Run one of the platform's commands inside the sandbox; its output."""
        done = subprocess.run([sys.executable, "-m", *args], env=self.env, cwd=ROOT,
                              capture_output=True, text=True, timeout=300)
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(args)} failed:\n{done.stderr[-2000:]}")
        return done.stdout

    def migrate(self) -> None:
        self.command("shared.migrate", *self.services)

    def register_system(self) -> str:
        """Register the bench's system client and make its broker user; returns that user's password."""
        out = self.command("services.intake.accounts.systems", "register", self.app_id, SYSTEM_NAME)
        password = None
        for line in out.splitlines():
            if line.startswith("broker user ") and "(password shown once): " in line:
                # register made the user and its grants itself, over the management API
                self.broker_users.append(line.split()[2])
                password = line.rsplit(": ", 1)[1].strip()
                continue
            words = shlex.split(line.strip())
            if words[:1] != ["rabbitmqctl"]:
                continue
            if words[1] == "add_user":
                password = words[3]
                self.broker_users.append(words[2])
                words.insert(3, "--")  # token_urlsafe may start with "-": not an option
            if words[1:3] == ["set_permissions", "-p"]:
                words[3] = self.vhost  # the grants as printed, in our vhost rather than /
            rabbitmqctl(*words[1:])
        if password is None:
            raise SystemExit(f"systems register printed no broker user:\n{out}")
        return password

    def declare_topology(self) -> None:
        """The exchanges and queues, as every worker declares them, before anything is queued."""
        from kombu import Connection

        from shared import topology
        with Connection(self.url) as conn:
            topology.declare(conn)

    def worker(self, service: str, wrap: list[str] = (), queues: str = "",
               name: str = "") -> subprocess.Popen:
        """Start `python -m services.worker <service>` as deployed (`--queues` some of its queues);
        its log goes under self.logs."""
        log = open(self.logs / f"{name or service}.log", "ab")
        picked = ["--queues", queues] if queues else []
        return subprocess.Popen([*wrap, sys.executable, "-m", "services.worker", service, *picked],
                                env=self.env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)

    def log_tail(self, lines: int = 15) -> str:
        return "\n".join(f"--- {path.name}\n" + "\n".join(path.read_text(errors="replace")
                                                           .splitlines()[-lines:])
                         for path in sorted(self.logs.glob("*.log")))


def serve_as_matching(box: Sandbox, name: str, app: str, env: dict | None = None
                      ) -> tuple[subprocess.Popen, int]:
    """`app` under gunicorn exactly as the stack runs matching's (its command line), on a free
    port, with `env` beside the sandbox's; once it answers /healthz, the process and its port."""
    import socket
    import time
    import urllib.request

    from services.stack import commands

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    command = commands("matching", port)["matching-http"]
    command[-1] = app
    log = open(box.logs / f"{name}.log", "ab")
    proc = subprocess.Popen(command, env={**box.env, **(env or {})}, cwd=ROOT, stdout=log,
                            stderr=subprocess.STDOUT)
    for _ in range(300):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).read()
            return proc, port
        except OSError:
            if proc.poll() is not None:
                break
            time.sleep(0.1)
    stop([proc])
    raise SystemExit(f"{name} did not start:\n{box.log_tail()}")


def stop(procs) -> None:
    """SIGTERM each worker (each finishes the message in hand), then wait for it."""
    for proc in procs:
        proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
