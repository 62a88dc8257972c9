"""What every app does for ops: a request id and one log line a request, HTTP metrics by URL rule,
/readyz (database, broker, the relay's lag) and /metrics. Installed by shared.web.make_app."""
from __future__ import annotations

import logging
import re
import time
import uuid

from flask import Flask, Response, current_app, g, request

from shared import health, logs, metrics
from shared.access import public
from shared.errors import ApiError

_requests = logging.getLogger("microwish.http")  # one line a request: the rule, never the path
REQUEST_ID = "X-Request-Id"
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,100}$")  # a caller's id we echo: nothing else
# The view args that name a wish (a submission's id is its wish's), for the log's correlation id.
_WISH_ARGS = ("wish_id", "submission_id")
_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}  # any other: "other"


def install(app: Flask, service: str) -> None:
    """Register the hooks (call before any other before_request) and the two routes."""
    app.extensions["microwish.service"] = service
    app.before_request(_begin_request)
    app.after_request(_end_request)
    app.teardown_request(_unbind_log_context)
    app.add_url_rule("/readyz", "readyz", public(_ready))
    # Public as far as tokens go (the scraper has none); the gateway refuses it from outside.
    app.add_url_rule("/metrics", "metrics", public(_metrics))


def _ready():
    """The database and the broker answer; the relay's lag (its oldest unsent row) with it."""
    status, body = health.readiness(current_app.extensions["microwish.db"],
                                    current_app.extensions["microwish.settings"].broker_url)
    if status != 200:
        return {**ApiError(503, "not_ready").to_dict(), **body}, 503
    return body


def _metrics():
    data, content_type = metrics.exposition()
    return Response(data, content_type=content_type)


def _begin_request() -> None:
    """The request's id (the caller's X-Request-Id when sane, else a new one) and its clock."""
    g.started = time.perf_counter()
    sent = request.headers.get(REQUEST_ID, "")
    g.request_id = sent if _REQUEST_ID.match(sent) else uuid.uuid4().hex
    args = request.view_args or {}
    wish = next((args[k] for k in _WISH_ARGS if k in args), None)
    g.log_token = logs.begin(service=current_app.extensions["microwish.service"],
                             request_id=g.request_id,
                             correlation_id=wish if wish and len(wish) <= 64 else None)


def _end_request(response):
    """Echo the request id; count the request by its URL rule (never the raw path)."""
    response.headers[REQUEST_ID] = g.get("request_id") or uuid.uuid4().hex
    route = request.url_rule.rule if request.url_rule is not None else "<unmatched>"
    service = current_app.extensions["microwish.service"]
    method = request.method if request.method in _METHODS else "other"
    metrics.HTTP_REQUESTS.labels(service, route, method, str(response.status_code)).inc()
    if "started" in g:
        seconds = time.perf_counter() - g.started
        metrics.HTTP_SECONDS.labels(service, route, method).observe(seconds)
        _requests.info("%s %s %s %.1fms", method, route, response.status_code, seconds * 1000)
    return response


def _unbind_log_context(_exc=None) -> None:
    token = g.pop("log_token", None)
    if token is not None:
        try:
            logs.unbind(token)
        except ValueError:  # set in another context (a test client's nested request)
            pass
