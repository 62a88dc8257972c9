"""The all-in-one embedded default: four apps behind one WSGI dispatcher, the bus in threads.

`microwish run` (or `python -m services.allinone`) migrates, seeds demo data and serves
http://127.0.0.1:8000 (MICROWISH_HOST, MICROWISH_PORT) on SQLite files under var/. With the default
broker URL (memory://) each outbox goes straight to the consumers in this process (shared/local_bus.py),
so a kill loses nothing; with an amqp:// URL the services use RabbitMQ as the stack does.
"""
from __future__ import annotations

import os
import threading

import click
from werkzeug.serving import run_simple
from werkzeug.wrappers import Response

from services import demo, demo_points, demo_story
from services.intake.contracts.gateway import PEERS
from services.matching import config as matching_config
from services.worker import runtime, service_module
from shared import logs
from shared.db import Database
from shared.local_bus import LocalBus
from shared.migrate import upgrade
from shared.probe import Probe
from shared.settings import SERVICES, from_env

# Which app answers which API prefix (DESIGN §2); everything else, the wall included, is matching's.
ROUTES = {
    "/api/v1/submissions": "intake", "/api/v1/members": "intake", "/api/v1/auth": "intake",
    "/api/v1/audit": "intake", "/api/v1/openapi.json": "intake", "/login": "intake",
    "/logout": "intake", "/submit": "intake", "/my/wishes": "intake", "/join": "intake",
    "/api/v1/communities": "intake", "/ops": "intake", "/api/v1/accounts": "intake",
    "/accounts": "intake", "/api/v1/systems": "intake",
    "/api/v1/reviews": "verification", "/review": "verification",
    "/api/v1/wishes": "matching", "/api/v1/claims": "matching",
    "/api/v1/points": "scoring", "/api/v1/honours": "scoring", "/api/v1/reports": "scoring",
    "/api/v1/point-rules": "scoring", "/api/v1/ledger": "scoring",
    "/api/v1/stats": "scoring", "/stats": "scoring", "/honours": "scoring",
    "/api/v1/notices": "scoring", "/notices": "scoring", "/feedback": "scoring",
    "/api/v1/leaderboards": "scoring", "/api/v1/leaderboard": "scoring",
    "/leaderboards": "scoring", "/my/points": "scoring",
}
DEFAULT = "matching"
# Never answered through the gateway (deploy/nginx/nginx.conf denies them too): the scraper reads
# each process directly, on its own port.
INTERNAL = ("/metrics",)


class PrefixDispatcher:
    """Route each request, path untouched, to the app that owns its API prefix."""

    def __init__(self, apps: dict, routes: dict[str, str] = ROUTES, default: str = DEFAULT):
        self.apps = apps
        self.routes = sorted(routes.items(), key=lambda item: -len(item[0]))
        self.default = apps[default]

    def app_for(self, path: str):
        for prefix, name in self.routes:
            if path == prefix or path.startswith(prefix + "/"):
                return self.apps[name]
        return self.default

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if any(path == p or path.startswith(p + "/") for p in INTERNAL):
            return refused(environ, start_response)
        return self.app_for(path)(environ, start_response)


def refused(environ, start_response):
    """What the gateway answers for an internal path: 404, as if it did not exist."""
    body = '{"error": {"code": "not_found", "message": "页面不存在", "fields": []}}'
    return Response(body, 404, content_type="application/json")(environ, start_response)


class AllInOne:
    """Every service in this process: its database, its app, its bus and its scheduled jobs."""

    def __init__(self, settings=None):
        self.settings = settings or from_env()
        self.dbs = {s: Database(self.settings, s, service_module(s).METADATA) for s in SERVICES}
        self.apps = {s: service_module(s).create_app(self.settings, self.dbs[s]) for s in SERVICES}
        self.apps["intake"].extensions[PEERS] = self.apps  # the gateway's OpenAPI, merged in process
        self.bus = None
        if self.settings.broker_url.startswith("memory://"):
            self.bus = LocalBus(self.dbs, {s: service_module(s).handlers(self.settings)
                                           for s in SERVICES},
                                self.settings.batch_size, self.settings.relay_idle_seconds)
        # With the local bus, the runtimes only run the jobs.
        bus = {"queues": [], "relay": False} if self.bus else {}
        self.runtimes = [runtime(s, self.settings, self.dbs[s], **bus) for s in SERVICES]
        self.wsgi = PrefixDispatcher(self.apps)
        self.probe = None

    def migrate(self) -> None:
        for service in SERVICES:
            upgrade(self.settings, service)

    def start(self) -> None:
        if self.bus is not None:
            self.bus.start()
        for rt in self.runtimes:
            rt.start()
        if self.settings.metrics_port:  # every service's metrics and health on one port
            self.probe = Probe(self.settings.metrics_port, list(self.dbs.values()),
                               self.settings.broker_url, self.alive).start()

    def alive(self) -> bool:
        threads = [t for rt in self.runtimes for t in rt.threads] + (self.bus.threads
                                                                      if self.bus else [])
        return all(t.is_alive() for t in threads)

    def stop(self) -> None:
        if self.probe is not None:
            self.probe.stop()
        if self.bus is not None:
            self.bus.stop()
        for rt in self.runtimes:
            rt.stop()


@click.command("run")
def run() -> None:
    """The all-in-one platform with demo data, in one process.

    Serves http://127.0.0.1:8000; MICROWISH_HOST and MICROWISH_PORT change where.
    """
    os.environ.setdefault("MICROWISH_LOG_FORMAT", "text")  # a terminal reads text better
    for name, value in demo.SETTINGS.items():
        os.environ.setdefault(name, value)
    logs.configure(None, "allinone")
    platform = AllInOne()
    platform.migrate()
    platform.start()
    created = demo.seed(platform.dbs["intake"], platform.settings)
    if demo_points.enabled(os.environ):  # the year so far on the points cards, once
        threading.Thread(target=demo_points.run_when_ready, name="demo-points", daemon=True,
                         args=(platform.dbs, platform.settings)).start()
    if demo_story.enabled(os.environ):  # once the wishes reach the wall; the site serves meanwhile
        threading.Thread(target=demo_story.run_when_ready, name="demo-story", daemon=True,
                         args=(platform.dbs, matching_config.from_env())).start()
    host = os.environ.get("MICROWISH_HOST", "127.0.0.1")
    port = int(os.environ.get("MICROWISH_PORT", "8000"))
    click.echo(f"微心愿 all-in-one: {created} demo wishes submitted; open http://{host}:{port}/")
    click.echo(demo.accounts_banner())
    try:
        run_simple(host, port, platform.wsgi, threaded=True, use_reloader=False)
    finally:
        platform.stop()


if __name__ == "__main__":
    run(prog_name="python -m services.allinone")
