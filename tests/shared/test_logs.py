"""Log lines as JSON (or text) carrying the service, the request id and the wish's correlation id,
set up in one place (shared/logs.py)."""
from __future__ import annotations

import io
import json
import logging

import pytest

from services.matching import app as matching
from shared import logs, topology
from shared.batch import apply_batch
from shared.consumer import Handler, inbox_name
from shared.local_bus import LocalMessage


@pytest.fixture
def lines():
    """Every record of INFO and above, as the JSON handler writes it, parsed."""
    stream, root = io.StringIO(), logging.getLogger()
    handler, level = logs.handler("json", stream), root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    root.removeHandler(handler)
    root.setLevel(level)


def test_a_request_logs_one_json_line_with_its_route_request_id_and_wish(db_settings, make_db,
                                                                          lines):
    client = matching.create_app(db_settings, make_db("matching")).test_client()
    client.get("/api/v1/wishes/w-log-1", headers={"X-Request-Id": "req-log-1"})
    mine = [line for line in lines() if line.get("request_id") == "req-log-1"]
    assert [line["message"] for line in mine] == ["GET /api/v1/wishes/<wish_id> 404 " +
                                                  mine[0]["message"].rsplit(" ", 1)[1]]
    assert mine[0]["correlation_id"] == "w-log-1" and mine[0]["service"] == "matching"
    assert mine[0]["logger"] == "microwish.http" and mine[0]["level"] == "INFO" and mine[0]["time"]
    # The next request (same thread) starts from a clean context.
    client.get("/api/v1/wishes")
    last = lines()[-1]
    assert last["request_id"] != "req-log-1" and last["correlation_id"] is None


def test_a_consumers_lines_carry_the_queue_message_and_correlation_id(make_db, lines):
    db = make_db("matching")
    handler = Handler(topology.queue("matching.communities"), lambda uow, item: None,
                      decode=lambda message: message,
                      key=lambda message, _item: message.properties["message_id"])
    message = LocalMessage("{}", {"message_id": "m-log-1", "correlation_id": "w-log-2"})
    for _ in range(2):  # the second is a duplicate, which the consumer logs
        [outcome] = apply_batch(db, handler, inbox_name(db, handler), [message])
        assert outcome.applied
    [skipped] = [line for line in lines() if line["message"].startswith("duplicate")]
    assert skipped["queue"] == "matching.communities" and skipped["message_id"] == "m-log-1"
    assert skipped["correlation_id"] == "w-log-2"
    assert "correlation_id" not in logs.current()  # unbound once the message is done


def test_text_lines_name_the_context_and_a_bad_format_is_refused():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "hello %s", ("there",), None)
    with logs.bound(queue="q.one", correlation_id="w-9"):
        logs.ContextFilter().filter(record)
    assert logs.formatter("text").format(record).endswith(
        "x hello there [queue=q.one correlation_id=w-9]")
    with pytest.raises(SystemExit, match="MICROWISH_LOG_FORMAT"):
        logs.configure("intake", "worker", env={"MICROWISH_LOG_FORMAT": "xml"})
