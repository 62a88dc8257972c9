"""Annual honours against the real PostgreSQL: crossing 20 and 30 points drafts each honour once
(replays too), a correction below a threshold revokes it with a numbered notice, the official
process refuses a skipped step and a wrong role, the year is China's, and the district selects
from nominations."""
from __future__ import annotations

from decimal import Decimal

import pytest

from services.scoring.app import create_app
from services.scoring.honours import config, rules
from services.scoring.honours.rules import LETTER, STAR, Counted, Thresholds
from shared.contracts import schema_for
from tests.factories import COMMUNITY
from tests.scoring.honour_steps import (DISTRICT, LIAISON, OTHER_LIAISON, STREET, as_, at,
                                        award_ids, confirmed, deliver, events, honour_id,
                                        honours, setup, step)

WISH = "scoring.wish-confirmed"


@pytest.fixture
def client(db, db_settings):
    c = create_app(db_settings, db).test_client()
    setup(db, db_settings, c)
    return c


def test_the_rules_count_a_correction_in_its_deeds_year_and_map_each_step_to_one_role():
    limits = Thresholds()
    assert rules.reached(Decimal("19.99"), limits) == []
    assert rules.reached(Decimal(20), limits) == [LETTER]
    assert rules.reached(Decimal(31), limits) == [LETTER, STAR]
    # a correction in January of a December deed takes the points from December's year
    assert rules.counted_year(at(1, 3, year=2027), at(12, 31, 23)) == 2026
    assert rules.year_total([Counted(Decimal(10), 2026), Counted(Decimal(-10), 2026),
                             Counted(Decimal(5), 2027)], 2026) == 0
    assert [rules.actor_of(LETTER, s) for s in ("review", "issue", "publish")] == [
        "liaison", "street_admin", "street_admin"]
    assert [rules.actor_of(STAR, s) for s in ("review", "issue")] == [
        "street_admin", "district_admin"]
    assert rules.number_text(2026, "表", 3) == "〔2026〕表字第3号"
    assert config.thresholds({"MICROWISH_HONOUR_LETTER_POINTS": "15"}).letter == 15
    with pytest.raises(ValueError):
        config.thresholds({"MICROWISH_HONOUR_LETTER_POINTS": "40"})


def test_crossing_20_and_30_drafts_each_honour_once_even_when_every_event_is_replayed(
        db, db_settings, client):
    deeds = [confirmed(f"c-{n}", at(3, n)) for n in (1, 2, 3, 4)]
    deliver(db, db_settings, WISH, *deeds[:2])
    assert honours(db) == [("m-1", 2026, "letter", "drafted")]
    deliver(db, db_settings, WISH, *deeds[2:])
    deliver(db, db_settings, WISH, *deeds, *deeds)  # replays: nothing new
    assert honours(db) == [("m-1", 2026, "letter", "drafted"), ("m-1", 2026, "star", "drafted")]
    granted = events(db, "honour.granted")
    assert [(g["level"], g["year"], g["points"]) for g in granted] == [
        ("letter", 2026, "20.00"), ("star", 2026, "30.00")]
    for payload in granted:
        schema_for("honour.granted").load(payload)
        assert "张建国" not in str(payload)  # names stay in scoring


def test_a_correction_below_20_revokes_the_letter_with_a_numbered_notice_off_the_list(
        db, db_settings, client):
    deliver(db, db_settings, WISH, confirmed("c-1", at(3, 1)), confirmed("c-2", at(3, 2)))
    letter = honour_id(db, LETTER)
    for who, name in ((LIAISON, "review"), (STREET, "issue"), (STREET, "publish")):
        assert step(client, db_settings, who, letter, name).status_code == 200
    public = client.get("/api/v1/honours/public?year=2026").get_json()["items"]
    assert [(p["name"], p["title"], p["number"]) for p in public] == [
        ("张**", "通报表扬", "〔2026〕表字第1号")]
    first = award_ids(db)[0]
    resp = client.post(f"/api/v1/ledger/{first}/reversal", json={"reason": "心愿人反映未完成"},
                       headers=as_(db_settings, DISTRICT))
    assert resp.status_code == 201
    assert honours(db) == [("m-1", 2026, "letter", "revoked")]
    [revoked] = events(db, "honour.revoked")
    schema_for("honour.revoked").load(revoked)
    assert (revoked["notice"], revoked["points"], revoked["level"]) == (
        "〔2026〕撤字第1号", "10.00", "letter")
    got = client.get(f"/api/v1/honours/{letter}", headers=as_(db_settings, LIAISON)).get_json()
    assert (got["status"], got["revocation_notice"], got["number"]) == (
        "revoked", "〔2026〕撤字第1号", "〔2026〕表字第1号")
    assert client.get("/api/v1/honours/public?year=2026").get_json()["items"] == []
    assert step(client, db_settings, STREET, letter, "publish").get_json()["error"][
        "code"] == "honour_revoked"
    # points back above 20: the letter is drafted again, to go through the process anew
    deliver(db, db_settings, WISH, confirmed("c-3", at(4, 1)))
    assert honours(db) == [("m-1", 2026, "letter", "drafted")]


def test_the_process_refuses_a_skipped_step_a_wrong_role_and_another_community(
        db, db_settings, client):
    deliver(db, db_settings, WISH, *[confirmed(f"c-{n}", at(5, n)) for n in (1, 2, 3)])
    letter, star = honour_id(db, LETTER), honour_id(db, STAR)
    skipped = step(client, db_settings, STREET, letter, "issue")
    assert skipped.status_code == 409
    assert skipped.get_json()["error"]["fields"][0]["code"] == "step_out_of_order"
    assert "审核" in skipped.get_json()["error"]["fields"][0]["message"]
    wrong = step(client, db_settings, STREET, letter, "review")  # the liaison's step
    assert (wrong.status_code, wrong.get_json()["error"]["fields"][0]["code"]) == (
        403, "wrong_role")
    assert step(client, db_settings, OTHER_LIAISON, letter, "review").status_code == 404
    assert step(client, db_settings, LIAISON, star, "review").status_code == 403
    assert step(client, db_settings, STREET, star, "review").status_code == 200
    assert step(client, db_settings, STREET, star, "issue").status_code == 403  # the district's
    issued = step(client, db_settings, DISTRICT, star, "issue").get_json()
    assert (issued["status"], issued["number"]) == ("issued", "〔2026〕表字第1号")
    again = step(client, db_settings, DISTRICT, star, "issue")
    assert again.get_json()["error"]["fields"][0]["code"] == "step_out_of_order"
    listing = client.get("/api/v1/honours?year=2026&status=drafted",
                         headers=as_(db_settings, LIAISON)).get_json()
    assert [i["level"] for i in listing["items"]] == ["letter"]
    assert listing["counts"]["issued"] == 1
    assert client.get("/api/v1/honours?year=2026", headers=as_(
        db_settings, OTHER_LIAISON)).get_json()["items"] == []
    audit = [e["action"] for e in events(db, "audit.recorded") if e["object_type"] == "honour"]
    assert audit == ["honour.granted", "honour.granted", "honour.review", "honour.issue"]


def test_the_year_is_chinas_a_deed_at_0030_on_new_years_day_counts_in_the_new_year(
        db, db_settings, client):
    deliver(db, db_settings, WISH, confirmed("c-old", at(12, 31, 23)),
            confirmed("c-new1", at(1, 1, 0, year=2027).replace(minute=30)))  # UTC: still 2026
    assert honours(db) == []
    deliver(db, db_settings, WISH, confirmed("c-new2", at(1, 2, year=2027)))
    assert honours(db) == [("m-1", 2027, "letter", "drafted")]


def test_the_district_selects_its_own_from_nominations_of_members_above_30(
        db, db_settings, client):
    nominate = lambda who, **body: client.post("/api/v1/honours/nominations", headers=as_(
        db_settings, who), json={"nominee": "m-1", "year": 2026, "note": "常年照顾独居老人",
                                 **body})
    deliver(db, db_settings, WISH, confirmed("c-1", at(6, 1)), confirmed("c-2", at(6, 2)))
    early = nominate(LIAISON)
    assert (early.status_code, early.get_json()["error"]["fields"][0]["code"]) == (
        422, "not_eligible")
    deliver(db, db_settings, WISH, confirmed("c-3", at(6, 3)))
    assert nominate(OTHER_LIAISON).status_code == 404
    made = nominate(STREET)
    assert (made.status_code, made.get_json()["status"]) == (201, "nominated")
    assert nominate(LIAISON).get_json()["error"]["fields"][0]["code"] == "already_nominated"
    chosen = made.get_json()["id"]
    assert step(client, db_settings, STREET, chosen, "select").status_code == 403
    for name in ("select", "review", "issue", "publish"):
        resp = step(client, db_settings, DISTRICT, chosen, name)
        assert resp.status_code == 200, resp.get_json()
    assert [g["level"] for g in events(db, "honour.granted")] == ["letter", "star", "district"]
    public = client.get("/api/v1/honours/public?year=2026").get_json()["items"]
    assert [(p["title"], p["name"]) for p in public] == [("区级优秀在职党员", "张**")]


def test_the_desk_page_lists_the_year_and_takes_a_step_by_form(db, db_settings, client):
    deliver(db, db_settings, WISH, confirmed("c-1", at(7, 1)), confirmed("c-2", at(7, 2)))
    letter = honour_id(db, LETTER)
    page = client.get("/honours?year=2026", headers={**as_(db_settings, LIAISON),
                                                     "Accept": "text/html"})
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "2026年度荣誉办理" in text and "张建国" in text
    assert f'action="/honours/{letter}/review"' in text
    done = client.post(f"/honours/{letter}/review", data={},
                       headers={**as_(db_settings, LIAISON), "Accept": "text/html"})
    assert done.status_code == 303 and done.headers["Location"].startswith("/honours?year=2026")
    refused = client.post(f"/honours/{letter}/review", data={},
                          headers={**as_(db_settings, LIAISON), "Accept": "text/html"})
    assert refused.status_code == 409 and "不能办理" in refused.get_data(as_text=True)
    district = client.get("/honours?year=2026", headers={**as_(db_settings, DISTRICT),
                                                         "Accept": "text/html"})
    assert "由街道管理员办理" in district.get_data(as_text=True)
    assert COMMUNITY  # the community the member reported to
