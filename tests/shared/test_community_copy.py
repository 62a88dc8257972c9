"""Each service's copy of intake's communities: applied in order, never going back in time, and
their names looked up in one query."""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import event

from services.allinone import AllInOne
from services.matching import communities as matching_communities
from services.matching.models import Community as MatchingCommunity
from services.scoring import communities as scoring_communities
from services.scoring.models import Community as ScoringCommunity
from shared.envelope import delivered, make_event
from shared.settings import from_env
from tests.factories import community_profile

COPIES = pytest.mark.parametrize("module, model, service", [
    (matching_communities, MatchingCommunity, "matching"),
    (scoring_communities, ScoringCommunity, "scoring")])


def _apply(db, module, *events) -> None:
    for env in events:
        with db.uow() as uow:
            module.keep(uow, delivered(env))
            uow.commit()


def _row(db, model, code: str = "chuanhui-wenming"):
    with db.uow() as uow:
        row = uow.session.get(model, code)
        uow.session.expunge(row)
        return row


@COPIES
def test_a_registered_community_is_copied_whole(make_db, module, model, service):
    db = make_db(service)
    _apply(db, module, make_event("community.registered", community_profile(), "intake"))
    row = _row(db, model)
    assert (row.name, row.street, row.district, row.district_name, row.meeting_day) == (
        "文明社区", "七一路街道", "chuanhui", "川汇区", {"nth": 1, "weekday": 6})
    assert row.meeting_rule.label() == "每月第1个周六"


@COPIES
def test_an_update_replaces_the_copy(make_db, module, model, service):
    db = make_db(service)
    registered = make_event("community.registered", community_profile(), "intake")
    updated = replace(make_event("community.updated", community_profile(
        name="文明路社区", street="人民路街道", meeting_day={"nth": 2, "weekday": 3}), "intake"),
        occurred_at=registered.occurred_at + timedelta(minutes=5))
    _apply(db, module, registered, updated)
    row = _row(db, model)
    assert (row.name, row.street, row.meeting_day) == (
        "文明路社区", "人民路街道", {"nth": 2, "weekday": 3})
    assert row.as_of == updated.occurred_at


@COPIES
def test_a_late_older_event_never_overwrites_a_newer_one(make_db, module, model, service):
    db = make_db(service)
    registered = make_event("community.registered", community_profile(), "intake")
    updated = replace(make_event("community.updated", community_profile(name="文明路社区"),
                                 "intake"), occurred_at=registered.occurred_at + timedelta(1))
    _apply(db, module, updated, registered)  # the newer arrives first
    row = _row(db, model)
    assert row.name == "文明路社区" and row.as_of == updated.occurred_at


@COPIES
def test_names_come_in_one_query_and_an_unknown_code_shows_itself(make_db, module, model,
                                                                 service):
    db = make_db(service)
    _apply(db, module, make_event("community.registered", community_profile(), "intake"),
           make_event("community.registered", community_profile(
               code="pudong-gaoqiao", name="高桥镇社区", street="高桥镇", district="pudong",
               district_name="浦东新区"), "intake"))
    statements: list[str] = []

    def count(conn, cursor, statement, *args) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        with db.uow() as uow:
            found = module.names(uow.session, ["chuanhui-wenming", "pudong-gaoqiao",
                                               "chuanhui-wenming", "pudong-nowhere", None])
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert found == {"chuanhui-wenming": "文明社区", "pudong-gaoqiao": "高桥镇社区",
                     "pudong-nowhere": "pudong-nowhere"}
    assert len([s for s in statements if "communities" in s]) == 1
    with db.uow() as uow:
        assert module.names(uow.session, []) == {}


def test_the_all_in_one_takes_intakes_announcement_to_both_copies(tmp_path):
    """On its local bus and SQLite, one community.registered from intake reaches matching and
    scoring through the handlers their composition roots list."""
    platform = AllInOne(from_env({"MICROWISH_VAR_DIR": str(tmp_path)}))
    try:
        platform.migrate()
        intake = platform.dbs["intake"]
        with intake.uow() as uow:
            uow.emit("community.registered", community_profile())
            uow.commit()
        assert platform.bus.deliver_batch(intake) == 1
        for service, module in (("matching", matching_communities),
                                ("scoring", scoring_communities)):
            with platform.dbs[service].uow() as uow:
                assert module.names(uow.session, ["chuanhui-wenming"]) == {
                    "chuanhui-wenming": "文明社区"}, service
    finally:
        for db in platform.dbs.values():
            db.dispose()
