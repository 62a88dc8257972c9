"""The ops page: the queue table and dead letters by reason for the ops role, and its replay
button (a CSRF form, audited as the ops account that pressed it)."""
from __future__ import annotations

import pytest

from services.worker import service_module
from shared import topology
from tests.helpers import principal, wait_for
from tests.ops.test_dead_letters import QUEUE, awarded, fixable, kept, _audits


@pytest.fixture
def app(settings, dbs):
    made = service_module("intake").create_app(settings, dbs["intake"])
    made.config.update(TESTING=True)
    return made


@pytest.fixture
def db(dbs):
    return dbs["intake"]


def test_the_ops_page_shows_queues_and_dead_letters_and_replays_them(
        settings, dbs, bench, browser_of, cli):
    state = {"broken": True}
    bench.run(fixable(bench, state))
    env = bench.confirmed(1)
    bench.publish(env.body(), env.message_id)
    wait_for(lambda: kept(dbs), what="dead")
    ops = browser_of(principal("ops", id="ops-1"))
    page = ops.get("/ops")
    assert page.status_code == 200
    assert f'data-queue="{topology.queue(QUEUE).name}"' in page.text
    assert "member unknown to scoring" in page.text and "重放" in page.text
    state["broken"] = False
    answer = ops.form("/ops/replay", "/ops", queue=QUEUE, reason="member unknown to scoring")
    assert answer.status_code == 303 and "/ops?m=" in answer.headers["Location"]
    wait_for(lambda: awarded(dbs) == 1, what="applied on its replay")
    [audit] = _audits(dbs["scoring"])
    assert audit["payload"]["actor_id"] == "ops-1"
    assert "没有死信" in ops.get("/ops").text


def test_the_replay_button_needs_its_csrf_token(settings, dbs, browser_of):
    ops = browser_of(principal("ops", id="ops-1"))
    answer = ops.post("/ops/replay", data={"queue": QUEUE})
    assert answer.status_code == 403
