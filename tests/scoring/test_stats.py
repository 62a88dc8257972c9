"""Scoring's programme statistics, from the wish's events to the API and the xlsx: 浦东's first
round as the seed report states it; filters, scope, late and repeated events."""
from __future__ import annotations

from io import BytesIO

import pytest
from openpyxl import load_workbook

from services.scoring.stats.models import WishFact
from shared import topology
from services.scoring.stats.facts import EVENTS
from tests.actors import Actor
from tests.helpers import api_error, principal
from tests.scoring.stats_events import (CHUANHUI, PUDONG, at, chuanhui_round, community, deliver,
                                        member, pudong_first_round, wish)

SPRING = {"from": "2016-01-20", "to": "2016-02-29"}


def admin(app, settings, role: str = "district_admin", communities=()):
    return Actor.signed(app.test_client(), settings,
                        who=principal(role, communities=communities))


def stats(actor, **query):
    resp = actor.get("/api/v1/stats", query_string=query)
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()


def by_code(entries: list[dict], figure: str = "collected") -> dict:
    return {e["code"]: e[figure] for e in entries}


def test_pudong_first_round_as_the_report_states_it_in_the_api_and_the_xlsx(app, db, db_settings):
    deliver(db, db_settings, pudong_first_round() + chuanhui_round())
    district = admin(app, db_settings)
    found = stats(district, district="pudong", **SPRING)
    assert found["totals"] == {"collected": 414, "verified": 414, "rejected": 0, "urgent": 0,
                               "published": 414, "claimed": 414, "claimed_share": 1.0,
                               "fulfilled": 300, "confirmed": 250}
    assert by_code(found["by_wish_type"]) == {"individual": 390, "team": 24}
    assert by_code(found["by_kind"]) == {"material": 361, "spiritual": 53}
    assert by_code(found["by_kind"], "claimed") == {"material": 361, "spiritual": 53}
    assert by_code(found["claimed_by"], "count") == {
        "party_member": 284, "party_org": 80, "company": 0, "other_org": 0, "citizen": 50,
        "unknown": 0}
    assert by_code(found["by_community"]) == {c: 138 for c, _n, _s in PUDONG}
    assert by_code(found["by_street"]) == {"航头镇": 138, "南码头街道": 138, "高桥镇": 138}
    assert by_code(found["by_district"]) == {"pudong": 414}
    assert sum(by_code(found["by_category"]).values()) == 414
    assert found["times"]["to_claim"] == {"count": 414, "median_seconds": 7200,
                                          "fastest_seconds": 240, "median_zh": "2 小时",
                                          "fastest_zh": "4 分钟"}
    assert found["times"]["to_fulfilment"]["fastest_seconds"] == 86400
    assert found["times"]["to_fulfilment"]["median_seconds"] == 2 * 86400
    # 60 party members, 25 citizens and the 8 members the organisations named served; the
    # organisations' admin accounts registered but did not serve themselves.
    assert found["members"] == {"registered": 97, "active": 93}

    # The whole city, every period: 川汇's six wishes are there too.
    everything = stats(district)["totals"]
    assert (everything["collected"], everything["published"], everything["claimed"],
            everything["rejected"]) == (420, 417, 416, 1)

    resp = district.get("/api/v1/stats/export.xlsx", query_string={"district": "pudong", **SPRING})
    assert resp.status_code == 200
    assert resp.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in resp.headers["Content-Disposition"]
    book = load_workbook(BytesIO(resp.data))
    overview = {row[0]: row[1] for row in book["总览"].iter_rows(min_row=2, values_only=True)}
    assert overview["征集心愿"] == 414 and overview["已认领"] == 414
    assert overview["认领率（占已发布）"] == 1.0
    assert overview["发布到认领：最快（秒）"] == 240 and overview["发布到认领：中位数（秒）"] == 7200
    assert overview["区县"] == "pudong" and overview["报到的党员和组织"] == 97
    sheet = lambda name: {r[0]: r[1:] for r in book[name].iter_rows(min_row=2, values_only=True)}  # noqa: E731
    assert sheet("认领者")["党员"][0] == 284 and sheet("认领者")["爱心群众"][0] == 50
    assert {k: v[0] for k, v in sheet("个人团体").items()} == {"个人心愿": 390, "团体心愿": 24}
    assert {k: v[0] for k, v in sheet("物质精神").items()} == {"物质类": 361, "精神类": 53}
    assert sheet("社区")["高桥镇社区"] == (138, 138, 138, 100, 83)


@pytest.fixture
def two_districts(db, db_settings):
    """浦东's round and 川汇's November, as every service announced them."""
    deliver(db, db_settings, pudong_first_round() + chuanhui_round())


def test_filters_narrow_by_period_street_and_community(app, db_settings, two_districts):
    district = admin(app, db_settings)
    assert stats(district, district="chuanhui")["totals"]["collected"] == 6
    assert stats(district, street="七一路街道", **{"from": "2016-11-01"})["totals"]["claimed"] == 2
    assert stats(district, street="七一路街道", **SPRING)["totals"]["collected"] == 0
    one = stats(district, community="pudong-gaoqiao", **SPRING)
    assert one["totals"]["collected"] == 138 and list(by_code(one["by_community"])) == [
        "pudong-gaoqiao"]
    # A day in China time: the first 浦东 wish was collected at 09:00 on 25 January.
    assert stats(district, **{"from": "2016-01-25", "to": "2016-01-25"})["totals"][
        "collected"] == 414  # 414 minutes from 09:00 still falls on that day
    assert stats(district, **{"to": "2016-01-24"})["totals"]["collected"] == 0
    assert stats(district, community="nowhere")["totals"]["collected"] == 0
    assert stats(district, **{"from": "2016-11-05", "to": ""})["filters"] == {"from": "2016-11-05"}


@pytest.mark.parametrize("query, field, code", [
    ({"from": "2016-02-30"}, "from", "invalid_date"),
    ({"to": "tomorrow"}, "to", "invalid_date"),
    ({"from": "2016-03-01", "to": "2016-02-01"}, "to", "period_reversed"),
    ({"from": "2000-01-01", "to": "2016-02-01"}, "to", "period_too_long"),
    ({"community": "x" * 33}, "community", "invalid_length"),
    ({"kind": "material"}, "kind", "unknown_field"),
])
def test_bad_filters_are_refused_with_the_field_and_why(app, db, db_settings, query, field, code):
    district = admin(app, db_settings)
    for path in ("/api/v1/stats", "/api/v1/stats/export.xlsx"):
        error = api_error(district.get(path, query_string=query), 422, "validation_failed")
        assert [(f["field"], f["code"]) for f in error["fields"]] == [(field, code)]
        assert all(any("\u4e00" <= ch <= "\u9fff" for ch in f["message"]) for f in error["fields"])


def test_a_street_admin_counts_only_their_communities(app, db_settings, two_districts):
    street = admin(app, db_settings, "street_admin", [c for c, _n, _s in CHUANHUI])
    mine = stats(street)
    assert mine["totals"]["collected"] == 6
    assert set(by_code(mine["by_community"])) == {"chuanhui-wenming", "chuanhui-zhongzhou"}
    assert stats(street, district="pudong")["totals"]["collected"] == 0
    assert mine["members"]["registered"] == 0  # nobody reported to 川汇 in this round
    api_error(street.get("/api/v1/stats", query_string={"community": "pudong-gaoqiao"}), 404,
              "not_found")
    api_error(street.get("/api/v1/stats/export.xlsx",
                         query_string={"community": "pudong-gaoqiao"}), 404, "not_found")
    for role in ("liaison", "member", "unit_admin", "resident", "ops"):
        api_error(admin(app, db_settings, role, ["chuanhui-wenming"]).get("/api/v1/stats"), 403,
                  "forbidden")
    api_error(app.test_client().get("/api/v1/stats"), 401, "authentication_required")


def _fact(db, wish_id: str) -> WishFact:
    with db.uow() as uow:
        row = uow.session.get(WishFact, wish_id)
        uow.session.expunge(row)
        return row


def test_late_and_repeated_events_leave_the_row_right(db, db_settings):
    where = {"community_code": "pudong-gaoqiao"}
    claimed = wish("wish.claimed", "w-1", at("2016-02-01 09:04"), member_id="pm-1",
                   claim_id="c-1", **where)
    released = wish("wish.released", "w-1", at("2016-02-02 09:00"), member_id="pm-1",
                    claim_id="c-1", **where)
    again = wish("wish.claimed", "w-1", at("2016-02-03 09:00"), member_id="pm-2",
                 claim_id="c-2", **where)
    confirmed = wish("wish.confirmed", "w-1", at("2016-02-04 09:00"), member_id="pm-2",
                     claim_id="c-2", **where)
    verified = wish("wish.verified", "w-1", at("2016-01-26 09:00"), kind="spiritual",
                    wish_type="team", category="culture", **where)
    submitted = wish("wish.submitted", "w-1", at("2016-01-25 09:00"), kind="material", **where)
    published = wish("wish.published", "w-1", at("2016-02-01 09:00"), **where)
    # The confirmation first, the second claim twice, the first claim's release after the
    # second claim, the submission (older details) after the verification, publication last.
    deliver(db, db_settings, [confirmed, again, again, claimed, verified, released, submitted,
                              submitted, published])
    fact = _fact(db, "w-1")
    assert (fact.claim_id, fact.claimer_id, fact.claim_state) == ("c-2", "pm-2", "confirmed")
    assert fact.claimed_at == at("2016-02-03 09:00") and fact.confirmed_at == at("2016-02-04 09:00")
    assert fact.first_claimed_at == at("2016-02-01 09:04")  # four minutes after publication
    assert (fact.kind, fact.wish_type, fact.category) == ("spiritual", "team", "culture")
    assert fact.collected_at == at("2016-01-25 09:00") == fact.submitted_at

    # A released claim sends the wish back to unclaimed; its late claimed event does not undo it.
    deliver(db, db_settings, [
        wish("wish.released", "w-2", at("2016-02-02 09:00"), member_id="pm-1", claim_id="c-9",
             **where),
        wish("wish.claimed", "w-2", at("2016-02-01 09:00"), member_id="pm-1", claim_id="c-9",
             **where),
        wish("wish.erased", "w-2", at("2016-06-01 09:00"))])
    fact = _fact(db, "w-2")
    assert fact.claim_state == "released" and fact.erased_at is not None
    assert fact.collected_at == at("2016-02-01 09:00")  # no submission heard of: its first step


def test_an_erased_wish_still_counts_and_unknown_claimers_are_said_so(app, db, db_settings):
    deliver(db, db_settings, [community(*PUDONG[0]), member("pm-1", PUDONG[0][0]),
                              wish("wish.submitted", "w-1", at("2016-02-01 08:00")),
                              wish("wish.published", "w-1", at("2016-02-01 09:00")),
                              wish("wish.claimed", "w-1", at("2016-02-01 09:10"),
                                   member_id="pm-1"),
                              wish("wish.submitted", "w-2", at("2016-02-01 08:00")),
                              wish("wish.published", "w-2", at("2016-02-01 09:00")),
                              wish("wish.claimed", "w-2", at("2016-02-01 10:00"),
                                   member_id="never-announced"),
                              wish("wish.erased", "w-1", at("2016-06-01 09:00"))])
    found = stats(admin(app, db_settings))
    assert found["totals"]["collected"] == 2 and found["totals"]["claimed"] == 2
    assert by_code(found["claimed_by"], "count")["party_member"] == 1
    assert by_code(found["claimed_by"], "count")["unknown"] == 1
    assert found["times"]["to_claim"]["fastest_zh"] == "10 分钟"
    assert found["members"] == {"registered": 1, "active": 2}


def test_the_queue_hears_every_event_the_facts_fold():
    queue = topology.queue("scoring.wish-facts")
    assert all(topology.binds(queue, topology.EVENTS, event) for event in EVENTS)
    assert not topology.binds(queue, topology.EVENTS, "points.awarded")
