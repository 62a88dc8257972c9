"""The points card's rules and corrections against the real PostgreSQL: what a deed earns under
its community's rule of the day, a group's shares summing to it, corrections as reversing
entries (never twice), replays changing nothing, and each year's total in China time."""
from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from services.scoring.app import create_app, handlers
from services.scoring.ledger import actions
from services.scoring.ledger.rules import Deed, PointRule, points_for, rule_for
from services.scoring.models import LedgerEntry
from shared.clock import CHINA
from shared.envelope import Envelope, delivered, make_event
from tests.factories import COMMUNITY, community_profile
from tests.helpers import bearer, principal

DISTRICT = principal("district_admin")


@pytest.fixture
def client(db, db_settings):
    return create_app(db_settings, db).test_client()


def _handler(settings, queue: str):
    return next(h.apply for h in handlers(settings) if h.queue.name == queue)


def _deliver(db, settings, queue: str, *events: Envelope) -> None:
    apply = _handler(settings, queue)
    for event in events:
        with db.uow() as uow:
            apply(uow, delivered(event))
            uow.commit()


def _confirmed(claim_id: str, at: datetime, shares=None, **deed) -> Envelope:
    return replace(make_event("wish.confirmed", {
        "wish_id": f"w-{claim_id}", "claim_id": claim_id, "member_id": "m-1",
        "community_code": COMMUNITY, "unit_code": "zhoukou-power", "shares": shares or [],
        "title": "想要一个血压仪", **deed}, "matching"), occurred_at=at)


def _district(client) -> dict:
    return bearer(client.application.extensions["microwish.settings"], DISTRICT)


def _entries(db) -> list[tuple]:
    with db.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(
            LedgerEntry.claim_id, LedgerEntry.member_id, LedgerEntry.points, LedgerEntry.reason)
            .order_by(LedgerEntry.id))]


def test_a_deed_earns_its_communitys_latest_rule_begun_else_its_districts_else_one_point():
    district = PointRule("chuanhui", date(2026, 1, 1), base=Decimal(2))
    old = PointRule(COMMUNITY, date(2026, 1, 1), base=Decimal(1), spiritual=Decimal("0.5"))
    new = PointRule(COMMUNITY, date(2027, 1, 1), base=Decimal(3), urgent=Decimal(1),
                    team=Decimal("0.5"), categories={"health": Decimal(1)})
    rules = [district, old, new]
    assert rule_for(rules, COMMUNITY, date(2026, 12, 31)) == old
    assert rule_for(rules, COMMUNITY, date(2027, 1, 1)) == new
    assert rule_for(rules, "chuanhui-zhongzhou", date(2026, 6, 1)) == district
    assert rule_for(rules, "chuanhui-zhongzhou", date(2025, 6, 1)) is None
    assert rule_for(rules, "pudong-gaoqiao", date(2027, 6, 1)) is None
    deed = Deed(COMMUNITY, date(2026, 6, 1), kind="spiritual")
    assert points_for(deed, rules) == Decimal("1.5")
    assert points_for(Deed(COMMUNITY, date(2027, 2, 1), kind="material", wish_type="team",
                           category="health", urgent=True), rules) == Decimal("5.5")
    assert points_for(Deed("pudong-gaoqiao", date(2027, 2, 1)), rules) == Decimal(1)


def test_the_district_sets_a_rule_and_a_confirmed_deed_is_priced_by_the_day_it_was_confirmed(
        db, db_settings, client):
    _deliver(db, db_settings, "scoring.communities",
             make_event("community.registered", community_profile(), "intake"))
    refused = client.put("/api/v1/point-rules", headers=_district(client), json={
        "scope": "chuanhui-nowhere", "applies_from": "2027-01-01", "base": "101",
        "categories": {"karaoke": "1"}})
    assert refused.status_code == 422
    assert {(f["field"], f["code"]) for f in refused.get_json()["error"]["fields"]} == {
        ("base", "out_of_range"), ("categories.karaoke.key", "invalid_choice")}
    unknown = client.put("/api/v1/point-rules", headers=_district(client), json={
        "scope": "chuanhui-nowhere", "applies_from": "2027-01-01"})
    assert unknown.get_json()["error"]["fields"][0]["code"] == "unknown_scope"
    for body in ({"scope": COMMUNITY, "applies_from": "2027-01-01", "base": "2"},
                 {"scope": COMMUNITY, "applies_from": "2027-01-01", "base": "3",
                  "spiritual": "1"}):  # the same day again replaces it
        assert client.put("/api/v1/point-rules", headers=_district(client),
                          json=body).status_code == 200
    rules = client.get("/api/v1/point-rules", headers=_district(client)).get_json()["items"]
    assert [(r["scope"], r["applies_from"], r["base"], r["spiritual"]) for r in rules] == [
        (COMMUNITY, "2027-01-01", "3.00", "1.00")]
    # 23:59 on 31 December in China is still 2026's rule (none: one point); 00:01 is 2027's
    _deliver(db, db_settings, "scoring.wish-confirmed",
             _confirmed("c-old", datetime(2026, 12, 31, 23, 59, tzinfo=CHINA), kind="spiritual"),
             _confirmed("c-new", datetime(2027, 1, 1, 0, 1, tzinfo=CHINA), kind="spiritual"))
    assert [(c, str(p)) for c, _m, p, _r in _entries(db)] == [("c-old", "1.00"), ("c-new", "4.00")]


def test_a_group_deeds_shares_sum_to_its_points_and_replaying_every_event_changes_nothing(
        db, db_settings, client):
    _deliver(db, db_settings, "scoring.communities",
             make_event("community.registered", community_profile(), "intake"))
    assert client.put("/api/v1/point-rules", headers=_district(client), json={
        "scope": "chuanhui", "applies_from": "2026-01-01", "base": "2",
        "team": "0.5"}).status_code == 200
    shares = [{"member_id": m, "unit_code": None, "share": s}
              for m, s in (("m-a", "0.3334"), ("m-b", "0.3333"), ("m-c", "0.3333"))]
    group = _confirmed("c-team", datetime(2026, 12, 2, 10, 0, tzinfo=CHINA), shares,
                       wish_type="team")
    _deliver(db, db_settings, "scoring.wish-confirmed", group, group, group)
    entries = _entries(db)
    assert [(m, str(p)) for _c, m, p, _r in entries] == [
        ("m-a", "0.84"), ("m-b", "0.83"), ("m-c", "0.83")]
    assert sum(p for _c, _m, p, _r in entries) == Decimal("2.5")


def test_a_correction_reverses_an_award_once_with_who_and_why(db, db_settings, client):
    _deliver(db, db_settings, "scoring.wish-confirmed",
             _confirmed("c-1", datetime(2026, 12, 2, 10, 0, tzinfo=CHINA)))
    [(entry_id,)] = db.engine.connect().execute(select(LedgerEntry.id)).all()
    path = f"/api/v1/ledger/{entry_id}/reversal"
    assert client.post(path, json={"reason": " "}, headers=_district(client)).get_json()[
        "error"]["fields"] == [{"field": "reason", "code": "required", "message": "请写明冲正原因"}]
    done = client.post(path, json={"reason": "心愿人反映未完成"}, headers=_district(client))
    assert done.status_code == 201 and done.get_json()["points"] == "-1.00"
    again = client.post(path, json={"reason": "再冲一次"}, headers=_district(client))
    assert again.get_json()["error"]["fields"][0]["code"] == "already_reversed"
    reversal_id = done.get_json()["id"]
    of_reversal = client.post(f"/api/v1/ledger/{reversal_id}/reversal",
                              json={"reason": "冲正的冲正"}, headers=_district(client))
    assert of_reversal.get_json()["error"]["fields"][0]["code"] == "not_an_award"
    assert [(r, str(p)) for _c, _m, p, r in _entries(db)] == [
        ("wish.confirmed", "1.00"), ("correction", "-1.00")]
    with db.engine.connect() as conn:
        told = [json.loads(b)["payload"] for b in conn.scalars(
            select(db.outbox.c.body).where(db.outbox.c.type == "points.awarded")
            .order_by(db.outbox.c.created_at))]
    assert [(p["points"], p["total"], p["reason"]) for p in told] == [
        ("1.00", "1.00", "wish.confirmed"), ("-1.00", "0.00", "correction")]
    card = client.get("/api/v1/points/m-1", headers=_district(client)).get_json()
    assert [(e["reason"], e["reverses"], e["note"]) for e in card["entries"]] == [
        ("wish.confirmed", None, None), ("correction", entry_id, "心愿人反映未完成")]


def test_the_card_totals_each_year_in_china_time(db, db_settings, client):
    _deliver(db, db_settings, "scoring.wish-confirmed",
             _confirmed("c-2026", datetime(2026, 12, 31, 23, 30, tzinfo=CHINA)),
             _confirmed("c-2027", datetime(2027, 1, 1, 0, 30, tzinfo=CHINA)),  # UTC: 2026
             _confirmed("c-2027b", datetime(2027, 3, 1, 9, 0, tzinfo=CHINA)))
    member = bearer(db_settings, principal("member", id="m-1"))
    card = client.get("/api/v1/points/m-1", headers=member).get_json()
    assert card["years"] == [{"year": 2027, "points": "2.00"}, {"year": 2026, "points": "1.00"}]
    assert [(e["title"], e["year"]) for e in card["entries"]] == [
        ("想要一个血压仪", 2026), ("想要一个血压仪", 2027), ("想要一个血压仪", 2027)]


def test_a_correction_in_january_counts_in_its_deeds_year_on_the_card(db, db_settings, client):
    _deliver(db, db_settings, "scoring.wish-confirmed",
             _confirmed("c-dec", datetime(2026, 12, 31, 20, 0, tzinfo=CHINA)))
    [(entry_id,)] = db.engine.connect().execute(select(LedgerEntry.id)).all()
    with db.uow() as uow:
        actions.reverse(uow, entry_id, "district-1", "重复记分",
                        datetime(2027, 1, 5, 9, 0, tzinfo=CHINA))
        uow.commit()
    card = client.get("/api/v1/points/m-1", headers=_district(client)).get_json()
    assert card["years"] == [{"year": 2026, "points": "0.00"}]
    assert [e["year"] for e in card["entries"]] == [2026, 2026]
