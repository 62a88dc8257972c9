"""The figures and the facts' folding as pure functions: no database, no bus."""
from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

from services.scoring.stats.facts import Fact, apply
from services.scoring.stats.figures import Row, claimer_group, duration_zh, figures, timing
from tests.scoring.stats_events import at

PUBLISHED = at("2016-02-01 08:00")


def claimed(after: timedelta, by: str = "party_member", **fields) -> Row:
    return Row(published_at=PUBLISHED, first_claimed_at=PUBLISHED + after, claim_state="claimed",
               claimed_by=by, **fields)


def test_median_and_fastest_time_to_claim():
    rows = [claimed(timedelta(minutes=4)), claimed(timedelta(hours=1)), claimed(timedelta(hours=3)),
            claimed(timedelta(hours=5)), Row(published_at=PUBLISHED)]
    t = figures(rows, 0, 0)["times"]["to_claim"]
    assert (t["count"], t["median_seconds"], t["fastest_seconds"]) == (4, 7200, 240)
    assert (t["median_zh"], t["fastest_zh"]) == ("2 小时", "4 分钟")
    assert figures([], 0, 0)["times"]["to_fulfilment"] == timing([]) == {
        "count": 0, "median_seconds": None, "fastest_seconds": None, "median_zh": "—",
        "fastest_zh": "—"}


def test_a_claim_before_publication_is_no_time_at_all():
    """A clock or an order gone wrong never makes a negative time or a record."""
    assert figures([claimed(timedelta(minutes=-5))], 0, 0)["times"]["to_claim"]["count"] == 0


def test_shares_and_who_claimed():
    rows = [claimed(timedelta(hours=1)), claimed(timedelta(hours=1), "party_org"),
            claimed(timedelta(hours=1), "citizen"), Row(published_at=PUBLISHED),
            Row(published_at=PUBLISHED, claim_state="released", claimed_by="company")]
    found = figures(rows, 3, 10)
    assert found["totals"]["claimed"] == 3 and found["totals"]["claimed_share"] == 0.6
    counts = {c["code"]: (c["count"], c["share"]) for c in found["claimed_by"]}
    assert counts["party_member"] == (1, 0.3333) and counts["company"] == (0, 0.0)
    assert figures([], 0, 0)["totals"]["claimed_share"] is None  # nothing published
    assert found["members"] == {"registered": 10, "active": 3}


def test_breakdowns_list_the_vocabulary_and_name_the_unknown():
    rows = [Row(kind="material", wish_type="team", category=None, community_code="a",
                community_name="甲社区", street="甲街道", district="pd", district_name="浦东新区"),
            Row(kind=None, community_code="b")]
    found = figures(rows, 0, 0)
    assert [(e["label"], e["collected"]) for e in found["by_kind"]] == [
        ("物质类", 1), ("精神类", 0), ("未知", 1)]
    assert [e["label"] for e in found["by_community"]] == ["甲社区", "b"]
    assert found["by_category"][-1]["label"] == "未分类"
    assert [e["label"] for e in found["by_district"]] == ["浦东新区", "未知"]


def test_who_a_claimer_is():
    assert claimer_group("person", True, None) == "party_member"
    assert claimer_group("person", False, None) == "citizen"
    assert claimer_group("organisation", False, "party_org") == "party_org"
    assert claimer_group("organisation", False, "company") == "company"
    assert claimer_group("organisation", False, "social_org") == "other_org"
    assert claimer_group(None, None, None) == "unknown"


def test_durations_read_as_people_say_them():
    assert [duration_zh(s) for s in (30, 240, 3600, 3900, 86400, 90000)] == [
        "30 秒", "4 分钟", "1 小时", "1 小时 5 分钟", "1 天", "1 天 1 小时"]


def deed(claim_id: str, member_id: str = "pm-1", **kw):
    return SimpleNamespace(wish_id="w", claim_id=claim_id, member_id=member_id,
                           community_code="c", members=kw.get("members", []),
                           shares=kw.get("shares", []))


def test_a_dispute_sends_a_fulfilled_wish_back_and_the_second_report_is_its_time():
    fact = Fact(wish_id="w")
    apply(fact, "wish.claimed", deed("c-1"), at("2016-02-01 09:00"))
    apply(fact, "wish.fulfilled", deed("c-1"), at("2016-02-02 09:00"))
    apply(fact, "wish.disputed", deed("c-1"), at("2016-02-03 09:00"))
    assert fact.claim_state == "claimed"
    apply(fact, "wish.fulfilled", deed("c-1"), at("2016-02-04 09:00"))
    apply(fact, "wish.fulfilled", deed("c-1"), at("2016-02-02 09:00"))  # the first, late again
    assert (fact.claim_state, fact.fulfilled_at) == ("fulfilled", at("2016-02-04 09:00"))


def test_who_serves_on_a_claim():
    fact = Fact(wish_id="w")
    apply(fact, "wish.claimed", deed("c-1", "org-1", members=["m-1", "m-2"]), at("2016-02-01 09:00"))
    assert fact.serving == ["m-1", "m-2"]
    apply(fact, "wish.confirmed", deed("c-1", "m-1", shares=[
        {"member_id": "m-1", "share": "0.5"}, {"member_id": "m-3", "share": "0.5"}]),
        at("2016-02-02 09:00"))
    assert fact.serving == ["m-1", "m-3"]
