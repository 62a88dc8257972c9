"""The demo story against the all-in-one: a claim reminded and confirmed, an overdue claim
given up, a hand-over accepted, an escalated wish assigned and accepted, each notice in the
log's output; played once, however often the platform starts."""
from __future__ import annotations

import logging

import pytest
from sqlalchemy import select

from services import demo, demo_story
from services.matching import config as matching_config
from services.matching.models import Assignment, Claim, Handover, Wish
from tests.helpers import wait_for

NOTICES = ("claim.reminder", "liaison.fulfilled", "claim.confirmed", "claim.overdue_released",
           "liaison.overdue_released", "handover.offered", "handover.accepted",
           "liaison.escalated", "assignment.offered", "liaison.assignment_answered")


@pytest.fixture
def platform(demo_platform):
    return demo_platform


def test_the_demo_story_plays_once_through_matching_s_actions_and_jobs(platform, caplog):
    caplog.set_level(logging.INFO)
    demo.seed(platform.dbs["intake"], platform.settings)
    config = matching_config.from_env()
    outcome = demo_story.run_when_ready(platform.dbs, config, wait_seconds=60)
    assert outcome is not None, caplog.text
    assert outcome["reminders"] >= 1 and outcome["released"] == 1 and outcome["escalated"] >= 1
    with platform.dbs["matching"].uow() as uow:
        claims = {c.id: c for c in uow.session.scalars(select(Claim))}
        titles = dict(uow.session.execute(select(Wish.id, Wish.title)).all())
        handovers = list(uow.session.scalars(select(Handover)))
        assignments = list(uow.session.scalars(select(Assignment)))
        park = uow.session.scalar(select(Wish).where(Wish.title == demo_story.ASSIGNED))
        confirmed, overdue = claims[outcome["confirmed"]], claims[outcome["overdue"]]
        handed, assigned = claims[outcome["handed_over"]], claims[outcome["assigned"]]
        assert (titles[confirmed.wish_id], confirmed.status) == (demo_story.CONFIRMED, "confirmed")
        assert (overdue.status, overdue.release_reason) == ("released", "overdue")
        assert [(h.claim_id, h.outcome, h.to_member) for h in handovers] == [
            (handed.id, "accepted", handed.member_id)]
        assert handed.status == "claimed" and handed.member_id == confirmed.member_id  # 王志强
        assert [(a.wish_id, a.outcome) for a in assignments] == [(park.id, "accepted")]
        assert assigned.wish_id == park.id and park.escalated_at is not None
        assert park.claim_id == assigned.id and assigned.member_id == handovers[0].from_member

    said = caplog.text
    for kind in NOTICES:
        assert f"({kind})" in said, kind
    for words in ("还有1天到期", "已确认完成", "系统已取消认领", "已接受您转交的心愿", "指派给您"):
        assert words in said, words  # each notice as the log adapter writes its Chinese text
    assert "13917001234" not in said and "13803941234" not in said  # no wisher's phone
    assert "demo story played" in said

    assert demo_story.run_when_ready(platform.dbs, config, wait_seconds=5) is None
    with platform.dbs["matching"].uow() as uow:
        assert len(uow.session.scalars(select(Claim)).all()) == len(claims)


@pytest.mark.browser
def test_microwish_run_plays_the_story_once_across_a_restart(allinone_process):
    allinone_process.env["MICROWISH_DEMO_STORY"] = "on"
    allinone_process.start()
    log = allinone_process.log
    wait_for(lambda: "demo story played" in log.read_text(encoding="utf-8"), timeout=120,
             interval=0.5, what="the demo story to be played")
    text = log.read_text(encoding="utf-8")
    assert "(handover.accepted)" in text and "(claim.confirmed)" in text
    allinone_process.stop()
    allinone_process.start()
    wait_for(lambda: "demo story: already played" in log.read_text(encoding="utf-8"),
             timeout=120, interval=0.5, what="the restart to leave the story as it is")
    assert log.read_text(encoding="utf-8").count("demo story played") == 1
