"""Communities as intake's master data on real PostgreSQL: the public list, district admins'
registrations and changes, the events every service copies, and the names people are shown."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from services.intake.communities import rules
from services.intake.communities.models import Community
from shared.contracts import schema_for
from tests.actors import Actor, DistrictAdmin
from tests.factories import COMMUNITY, community, submission
from tests.helpers import api_error, emitted, principal, reread

URL = "/api/v1/communities"
REGISTERED, UPDATED = "community.registered", "community.updated"


@pytest.fixture
def anyone(app):
    return Actor(app.test_client())


@pytest.fixture
def admin(app, db_settings):
    """The district admin of the demo: an empty scope, every district."""
    return DistrictAdmin.signed(app.test_client(), db_settings, communities=())


def _count(db) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(Community))


def test_a_district_admin_registers_a_community_that_anyone_reads_and_every_service_hears(
        db, admin, anyone):
    created = admin.post(URL, json=community())
    assert created.status_code == 201, created.text
    shown = {"code": COMMUNITY, "name": "文明社区", "street": "七一路街道", "district": "chuanhui",
             "district_name": "川汇区", "meeting_day": {"nth": 1, "weekday": 6},
             "meeting_day_label": "每月第1个周六", "office_contact_set": False}
    assert created.get_json() == shown
    assert anyone.get(f"{URL}/{COMMUNITY}").get_json() == shown  # no login needed
    [event] = emitted(db, REGISTERED, COMMUNITY)  # correlated by the community's code
    assert event == {**{k: v for k, v in shown.items()
                        if k not in ("meeting_day_label", "office_contact_set")},
                     "office_contact_sealed": None}
    assert schema_for(REGISTERED).validate(event) == {}  # the contract's CommunityProfile


def test_a_community_without_a_meeting_day_publishes_once_verified(db, admin):
    """浦东's online wall: meeting_day null, said so in Chinese, and announced as null."""
    created = admin.post(URL, json=community(code="pudong-gaoqiao", name="高桥镇社区",
                                             street="高桥镇", district="pudong",
                                             district_name="浦东新区", meeting_day=None))
    assert created.status_code == 201, created.text
    assert created.get_json()["meeting_day"] is None
    assert created.get_json()["meeting_day_label"] == "不设例会日（审核通过即发布）"
    [event] = emitted(db, REGISTERED, "pudong-gaoqiao")
    assert event["meeting_day"] is None and schema_for(REGISTERED).validate(event) == {}


def test_the_list_is_public_sorted_and_filtered_by_district(admin, anyone):
    for body in (community(code="chuanhui-zhongzhou", name="中州社区"), community(),
                 community(code="pudong-gaoqiao", name="高桥镇社区", street="高桥镇",
                           district="pudong", district_name="浦东新区",
                           meeting_day={"nth": 2, "weekday": 3})):
        assert admin.post(URL, json=body).status_code == 201
    every = anyone.get(URL)
    assert every.status_code == 200
    assert [c["code"] for c in every.get_json()["items"]] == [
        "chuanhui-wenming", "chuanhui-zhongzhou", "pudong-gaoqiao"]
    pudong = anyone.get(URL, query_string={"district": "pudong"}).get_json()["items"]
    assert [(c["name"], c["meeting_day_label"]) for c in pudong] == [("高桥镇社区", "每月第2个周三")]
    assert anyone.get(URL, query_string={"district": "xihua"}).get_json() == {"items": []}
    bad = api_error(anyone.get(URL, query_string={"district": "Chuan Hui"}), 422,
                    "validation_failed")
    assert bad["fields"][0]["field"] == "district"
    unknown = api_error(anyone.get(URL, query_string={"street": "七一路街道"}), 422,
                        "validation_failed")
    assert unknown["fields"][0]["code"] == "unknown_field"


def test_an_unknown_community_is_a_not_found_in_chinese(anyone, admin):
    error = api_error(anyone.get(f"{URL}/chuanhui-nowhere"), 404, "unknown_community")
    assert error["fields"][0]["field"] == "code"
    api_error(admin.patch(f"{URL}/chuanhui-nowhere", json={"name": "无名社区"}), 404,
              "unknown_community")


def test_an_update_is_announced_once_and_one_that_changes_nothing_is_not(db, admin):
    assert admin.post(URL, json=community()).status_code == 201
    before = reread(db, Community, COMMUNITY).updated_at
    changed = admin.patch(f"{URL}/{COMMUNITY}", json={"name": "文明路社区",
                                                      "meeting_day": {"nth": 3, "weekday": 7}})
    assert changed.status_code == 200, changed.text
    assert (changed.get_json()["name"], changed.get_json()["meeting_day_label"]) == (
        "文明路社区", "每月第3个周日")
    [event] = emitted(db, UPDATED, COMMUNITY)
    assert (event["name"], event["meeting_day"], event["street"]) == (
        "文明路社区", {"nth": 3, "weekday": 7}, "七一路街道")  # the whole profile, not a diff
    assert schema_for(UPDATED).validate(event) == {}
    after = reread(db, Community, COMMUNITY).updated_at
    assert after > before
    same = admin.patch(f"{URL}/{COMMUNITY}", json={"name": "文明路社区", "street": "七一路街道"})
    empty = admin.patch(f"{URL}/{COMMUNITY}", json={})
    assert same.status_code == empty.status_code == 200
    assert len(emitted(db, UPDATED, COMMUNITY)) == 1
    assert reread(db, Community, COMMUNITY).updated_at == after
    # The code and the district are what other services key on: never changed.
    refused = api_error(admin.patch(f"{URL}/{COMMUNITY}", json={"district": "pudong"}), 422,
                        "validation_failed")
    assert refused["fields"][0] == {"field": "district", "code": "unknown_field",
                                    "message": "不允许的字段"}


def test_a_taken_code_is_refused_and_the_first_kept(db, admin):
    assert admin.post(URL, json=community()).status_code == 201
    error = api_error(admin.post(URL, json=community(name="另一个社区")), 409,
                      "community_code_taken")
    assert error["fields"][0]["field"] == "code"
    assert reread(db, Community, COMMUNITY).name == "文明社区"
    assert len(emitted(db, REGISTERED)) == 1


def test_only_district_admins_register_or_change_and_a_scoped_one_only_in_their_district(
        db, app, db_settings, admin, anyone):
    assert admin.post(URL, json=community()).status_code == 201
    api_error(anyone.post(URL, json=community(code="chuanhui-chenzhou")), 401,
              "authentication_required")
    api_error(anyone.patch(f"{URL}/{COMMUNITY}", json={"name": "x"}), 401,
              "authentication_required")
    for role in ("liaison", "street_admin", "member", "ops"):
        who = principal(role, communities=[COMMUNITY])
        other = Actor.signed(app.test_client(), db_settings, who)
        api_error(other.post(URL, json=community(code="chuanhui-chenzhou")), 403, "forbidden")
        api_error(other.patch(f"{URL}/{COMMUNITY}", json={"name": "x"}), 403, "forbidden")
    # A district admin whose account names Pudong (by district or by one of its communities).
    for scope in (["pudong"], ["pudong-gaoqiao"]):
        pudong = DistrictAdmin.signed(app.test_client(), db_settings, communities=scope)
        error = api_error(pudong.post(URL, json=community(code="chuanhui-chenzhou")), 403,
                          "district_forbidden")
        assert error["fields"][0]["field"] == "district"
        api_error(pudong.patch(f"{URL}/{COMMUNITY}", json={"name": "x"}), 403, "district_forbidden")
        own = community(code=f"pudong-{scope[0].replace('-', '')}", district="pudong",
                        district_name="浦东新区", name="浦东的社区")
        assert pudong.post(URL, json=own).status_code == 201
    assert reread(db, Community, COMMUNITY).name == "文明社区"
    assert len(emitted(db, UPDATED)) == 0


@pytest.mark.parametrize("changes, field, code", [
    ({"code": "Chuanhui-Wenming"}, "code", "invalid_community_code"),
    ({"code": "wenming"}, "code", "invalid_community_code"),  # no district before it
    ({"code": "chuanhui-wenming-"}, "code", "invalid_community_code"),
    ({"code": "chuanhui--wenming"}, "code", "invalid_community_code"),
    ({"code": "chuanhui-" + "a" * 24}, "code", "invalid_community_code"),  # 33 characters
    ({"code": "pudong-wenming"}, "code", "code_outside_district"),
    ({"code": "chuanhui-文明"}, "code", "invalid_community_code"),
    ({"district": "chuan-hui", "code": "chuan-hui-wenming"}, "district", "invalid_district_code"),
    ({"meeting_day": {"nth": 5, "weekday": 6}}, "meeting_day", "invalid_meeting_day"),
    ({"meeting_day": {"nth": 1, "weekday": 0}}, "meeting_day", "invalid_meeting_day"),
    ({"meeting_day": {"nth": 1, "weekday": None}}, "meeting_day", "invalid_meeting_day"),
    ({"meeting_day": {"nth": True, "weekday": 6}}, "meeting_day", "invalid_meeting_day"),
    ({"meeting_day": {"nth": "1", "weekday": "6"}}, "meeting_day", "invalid_meeting_day"),
    ({"meeting_day": {"nth": 1, "weekday": 6, "hour": 9}}, "meeting_day", "invalid_meeting_day"),
    ({"meeting_day": "每月第1个周六"}, "meeting_day", "invalid_meeting_day"),
    ({"name": ""}, "name", "invalid_length"),
    ({"name": "社" * 51}, "name", "invalid_length"),
    ({"street": 7}, "street", "invalid_type"),
    ({"leader": "王书记"}, "leader", "unknown_field"),
])
def test_invalid_registrations_are_refused_with_their_field_and_store_nothing(
        db, admin, changes, field, code):
    error = api_error(admin.post(URL, json=community(**changes)), 422, "validation_failed")
    assert {(f["field"], f["code"]) for f in error["fields"]} == {(field, code)}
    assert all(f["message"] and not f["message"].startswith("取值无效") for f in error["fields"])
    assert _count(db) == 0 and emitted(db, REGISTERED) == []


def test_a_bad_meeting_day_in_a_change_is_refused_and_changes_nothing(db, admin):
    assert admin.post(URL, json=community()).status_code == 201
    error = api_error(admin.patch(f"{URL}/{COMMUNITY}", json={
        "name": "新名字", "meeting_day": {"nth": 0, "weekday": 6}}), 422, "validation_failed")
    assert [(f["field"], f["code"]) for f in error["fields"]] == [("meeting_day",
                                                                    "invalid_meeting_day")]
    half = admin.patch(f"{URL}/{COMMUNITY}", json={"meeting_day": {"nth": 2}})  # which weekday?
    api_error(half, 422, "validation_failed")
    assert reread(db, Community, COMMUNITY).name == "文明社区"


def test_control_characters_are_refused_before_anything_is_stored(db, admin, anyone):
    error = api_error(admin.post(URL, json=community(name="文明\x00社区")), 422,
                      "invalid_characters")
    assert [f["field"] for f in error["fields"]] == ["name"]
    api_error(anyone.get(f"{URL}/chuanhui-wen\x00ming"), 404, "invalid_characters")
    assert _count(db) == 0


def test_a_community_registered_without_a_meeting_day_meets_on_the_first_saturday(db, admin):
    body = community()
    del body["meeting_day"]
    assert admin.post(URL, json=body).get_json()["meeting_day_label"] == "每月第1个周六"
    assert emitted(db, REGISTERED)[0]["meeting_day"] == {"nth": 1, "weekday": 6}


@pytest.mark.parametrize("text, rule", [
    ("每月第1个周六", {"nth": 1, "weekday": 6}), ("第2个周日", {"nth": 2, "weekday": 7}),
    ("每月第三个星期五", {"nth": 3, "weekday": 5}), ("每月 第4个 礼拜天", {"nth": 4, "weekday": 7}),
    ("每月第5个周六", None), ("周六", None), ("first saturday", None), ("每月第1个周八", None)])
def test_a_meeting_day_label_reads_back_as_its_rule(text, rule):
    assert rules.meeting_day_of_label(text) == rule
    if rule is not None:
        assert rules.meeting_day_of_label(rules.label(rule)) == rule


def test_submissions_show_the_community_name_beside_its_code(db, client, admin, browser_of,
                                                             liaison):
    first = client.submit(submission())
    assert first.status_code == 201, first.text
    assert first.get_json()["community_name"] == COMMUNITY  # nobody registered it yet: the code
    assert admin.post(URL, json=community()).status_code == 201
    wish_id = first.get_json()["id"]
    assert client.get(f"/api/v1/submissions/{wish_id}").get_json()["community_name"] == "文明社区"
    [listed] = client.get("/api/v1/submissions").get_json()["items"]
    assert (listed["community_code"], listed["community_name"]) == (COMMUNITY, "文明社区")
    browser = browser_of(liaison)
    assert "社区 文明社区" in browser.get(f"/my/wishes/{wish_id}").text
    assert "社区 文明社区" in browser.get("/my/wishes").text
    assert "<strong>文明社区</strong>" in browser.get("/submit").text  # the liaison's one community


def test_pages_fall_back_to_the_code_of_a_community_nobody_registered(client, browser_of,
                                                                      liaison):
    wish_id = client.submit(submission()).get_json()["id"]
    assert f"社区 {COMMUNITY}" in browser_of(liaison).get(f"/my/wishes/{wish_id}").text


def test_a_liaison_of_several_communities_chooses_among_their_names(admin, browser_of):
    assert admin.post(URL, json=community()).status_code == 201
    who = principal("liaison", communities=[COMMUNITY, "chuanhui-zhongzhou"])
    form = browser_of(who).get("/submit").text
    assert f'<option value="{COMMUNITY}">文明社区</option>' in form
    assert '<option value="chuanhui-zhongzhou">chuanhui-zhongzhou</option>' in form


def test_the_join_form_suggests_registered_communities_by_name_and_welcomes_with_it(admin, app):
    assert admin.post(URL, json=community()).status_code == 201
    visitor = app.test_client()
    page = visitor.get("/join").text
    assert f'<option value="{COMMUNITY}">文明社区</option>' in page
    token = visitor.get_cookie("mw_join_csrf", path="/join").value
    done = visitor.post("/join", data={
        "csrf_token": token, "name": "张建国", "phone": "13903940000", "party_member": "yes",
        "community_code": COMMUNITY, "username": "zjg", "password": "baodao-2026",
        "password2": "baodao-2026"})
    assert done.status_code == 303, done.text
    assert "您已向文明社区报到" in visitor.get("/join/done").text


def test_the_offices_contact_reaches_matching_sealed_where_its_liaisons_are_told(
        db, app, admin, anyone, make_db):
    """Set with the community or changed later, checked, never shown, announced sealed; matching
    keeps it under liaisons:<code> and opens it only to send."""
    from services.matching import communities as matching_communities
    from services.matching.notices.contacts import AddressBook
    from shared.envelope import delivered, make_event

    bad = admin.post(URL, json=community(office_phone="12345", office_email="not-mail"))
    assert {(f["field"], f["code"]) for f in api_error(bad, 422, "validation_failed")["fields"]} \
        == {("office_phone", "invalid_phone"), ("office_email", "invalid_email")}
    created = admin.post(URL, json=community(office_phone="0394-8123456"))
    assert created.status_code == 201 and created.get_json()["office_contact_set"] is True
    assert "0394" not in created.text and "0394" not in anyone.get(f"{URL}/{COMMUNITY}").text
    changed = admin.patch(f"{URL}/{COMMUNITY}", json={"office_email": "wenming@example.cn"})
    assert changed.status_code == 200
    same = admin.patch(f"{URL}/{COMMUNITY}", json={"office_email": "wenming@example.cn"})
    assert same.status_code == 200
    events = emitted(db, REGISTERED, COMMUNITY) + emitted(db, UPDATED, COMMUNITY)
    assert len(events) == 2  # the same email again announces nothing
    sealer = app.extensions["microwish.sealer"]
    assert sealer.open(events[-1]["office_contact_sealed"]) == {
        "phone": "0394-8123456", "email": "wenming@example.cn"}
    matching = make_db("matching")
    for payload in events:
        with matching.uow() as uow:
            matching_communities.keep(uow, delivered(make_event(UPDATED, payload, "intake")))
            uow.commit()
    with matching.session() as session:
        book = AddressBook(sealer)
        assert book.addresses(session, {f"liaisons:{COMMUNITY}"}, "phone") == {
            f"liaisons:{COMMUNITY}": "0394-8123456"}
        assert book.addresses(session, {f"liaisons:{COMMUNITY}"}, "email") == {
            f"liaisons:{COMMUNITY}": "wenming@example.cn"}
