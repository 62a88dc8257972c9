"""A worker's small HTTP port (MICROWISH_METRICS_PORT): /metrics for the scraper, /healthz and
/readyz for the orchestrator — the HTTP apps' answers, without Flask. Never behind the gateway."""
from __future__ import annotations

import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable

from shared import health, metrics

log = logging.getLogger(__name__)


class Probe:
    """Serve this process's metrics and health on `port` (0: a free one) in a daemon thread.

    `alive()` says whether the process's threads still run; `dbs` are the databases whose
    outbox the relay drains (their gauges and readiness)."""

    def __init__(self, port: int, dbs: list, broker_url: str, alive: Callable[[], bool],
                 host: str = "0.0.0.0"):
        self.dbs, self.broker_url, self.alive = dbs, broker_url, alive
        self.gauges = metrics.watch_databases(dbs)
        self.server = ThreadingHTTPServer((host, port), self._handler())
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, name="probe", daemon=True)

    def start(self) -> "Probe":
        self.thread.start()
        log.info("metrics and health on port %s", self.port)
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        metrics.REGISTRY.unregister(self.gauges)

    def ready(self) -> tuple[int, dict]:
        """Every database and the broker answer, and no thread has died."""
        answers = [health.readiness(db, self.broker_url) for db in self.dbs]
        body = {"status": "ready", "services": [b for _s, b in answers], "threads": "ok"}
        if not self.alive():
            body["threads"] = "stopped"
        if not self.alive() or any(status != 200 for status, _b in answers):
            body["status"] = "not_ready"
            return 503, body
        return 200, body

    def _handler(self):
        probe = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                path = self.path.split("?", 1)[0]
                if path == "/metrics":
                    data, content_type = metrics.exposition()
                    return self._send(200, data, content_type)
                if path == "/healthz":
                    ok = probe.alive()
                    return self._json(200 if ok else 503, {"status": "ok" if ok else "stopped"})
                if path == "/readyz":
                    return self._json(*probe.ready())
                return self._json(404, {"status": "not_found"})

            def _json(self, status: int, body: dict):
                self._send(status, json.dumps(body, ensure_ascii=False).encode(),
                           "application/json")

            def _send(self, status: int, data: bytes, content_type: str):
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *_args):  # a scrape every few seconds is no news
                pass

        return Handler
