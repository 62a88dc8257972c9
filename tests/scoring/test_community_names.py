"""Scoring's answers name a community in Chinese once intake announced it, by code until then:
each ledger entry the community of its deed, the unit report each member's 报到 community."""
from __future__ import annotations

import pytest

from services.scoring.app import handlers
from shared.envelope import delivered, make_event
from tests.actors import Actor, Claimer
from tests.factories import community_profile, member_profile
from tests.helpers import principal

UNIT = "zhoukou-power"


def deliver(db, settings, queue: str, type_: str, payload: dict, producer: str) -> None:
    """Deliver one event to the handler scoring's composition root reads `queue` with."""
    apply = next(h.apply for h in handlers(settings) if h.queue.name == queue)
    with db.uow() as uow:
        apply(uow, delivered(make_event(type_, payload, producer)))
        uow.commit()


def confirmed(db, settings, claim_id: str, member_id: str, community_code: str) -> None:
    deliver(db, settings, "scoring.wish-confirmed", "wish.confirmed", {
        "wish_id": f"w-{claim_id}", "claim_id": claim_id, "member_id": member_id,
        "community_code": community_code, "unit_code": UNIT}, "matching")


@pytest.fixture
def ledger(db, db_settings):
    """文明社区 announced; 张建国 (m-1) reported there; deeds in it and in an unannounced one."""
    deliver(db, db_settings, "scoring.communities", "community.registered", community_profile(),
            "intake")
    deliver(db, db_settings, "scoring.members", "member.registered", member_profile(), "intake")
    confirmed(db, db_settings, "c-1", "m-1", "chuanhui-wenming")
    confirmed(db, db_settings, "c-2", "m-1", "chuanhui-xinxing")
    confirmed(db, db_settings, "c-3", "m-2", "chuanhui-wenming")  # m-2: never announced


def test_a_members_points_name_the_community_of_each_deed(app, db_settings, ledger):
    member = Claimer.signed(app.test_client(), db_settings, who=principal("member", id="m-1"))
    entries = member.get("/api/v1/points/m-1").get_json()["entries"]
    assert [(e["claim_id"], e["community_code"], e["community_name"]) for e in entries] == [
        ("c-1", "chuanhui-wenming", "文明社区"),
        ("c-2", "chuanhui-xinxing", "chuanhui-xinxing")]  # not announced yet: its code


def test_the_unit_report_names_each_members_community(app, db_settings, ledger):
    unit = Actor.signed(app.test_client(), db_settings, who=principal("unit_admin", unit=UNIT))
    report = unit.get("/api/v1/reports/unit").get_json()
    assert report["members"] == [
        {"member_id": "m-1", "points": 2, "deeds": 2, "community_code": "chuanhui-wenming",
         "community_name": "文明社区"},
        {"member_id": "m-2", "points": 1, "deeds": 1, "community_code": None,
         "community_name": None}]


def test_a_renamed_community_is_shown_by_its_new_name(app, db, db_settings, ledger):
    deliver(db, db_settings, "scoring.communities", "community.updated",
            community_profile(name="文明路社区"), "intake")
    member = Claimer.signed(app.test_client(), db_settings, who=principal("member", id="m-1"))
    entries = member.get("/api/v1/points/m-1").get_json()["entries"]
    assert entries[0]["community_name"] == "文明路社区"
