"""Claimer registration (党员报到) on real PostgreSQL and RabbitMQ: people, organisations, events."""
from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import func, select

from services.intake.accounts.actions import create_account
from services.intake.accounts.models import Account
from services.intake.app import create_app
from services.intake.claimers import http as members_api
from services.intake.claimers.models import Member, Organisation
from services.matching.models import Member as MatchingMember
from services.scoring.models import Member as ScoringMember
from services.worker import runtime
from shared.envelope import decode
from shared.errors import MESSAGES_ZH
from shared.pii import Sealer
from shared.tokens import Tokens
from tests import factories
from tests.actors import Actor, Claimer, Liaison
from tests.factories import COMMUNITY, OMIT
from tests.helpers import Capture, principal, wait_for

URL, ORGS = "/api/v1/members", "/api/v1/members/organisations"
A, B = COMMUNITY, "chuanhui-zhongzhou"
# What the factories register: 张建国's phone and password, and his branch admin's phone.
PHONE, PASSWORD = factories.member()["phone"], factories.member()["password"]
ORG_PHONE = factories.organisation()["admin"]["phone"]
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def db(make_db):
    made = make_db("intake")
    with made.uow() as uow:  # a unit with an admin: members may name it by code
        create_account(uow.session, "unit", "unit_admin", "周口供电公司党委", "x" * 10,
                       unit_code="zhoukou-power")
        create_account(uow.session, "unit2", "unit_admin", "川汇区人社局", "x" * 10,
                       unit_code="chuanhui-hrss")
        uow.commit()
    return made


@pytest.fixture
def client(db_settings, db):
    return create_app(db_settings, db).test_client()


def _outbox(db, type_=None) -> list[dict]:
    with db.engine.connect() as conn:
        query = select(db.outbox.c.body).order_by(db.outbox.c.id)
        if type_:
            query = query.where(db.outbox.c.type == type_)
        return [json.loads(b) for b in conn.scalars(query)]


def _count(db, model) -> int:
    with db.engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(model.__table__))


def _error(resp) -> tuple[int, str, set]:
    err = resp.get_json()["error"]
    assert CJK.search(err["message"]), err
    for f in err["fields"]:
        assert f["message"] == MESSAGES_ZH.get(f["code"], f["message"]) and CJK.search(f["message"])
    return resp.status_code, err["code"], {(f["field"], f["code"]) for f in err["fields"]}


def test_registration_creates_a_member_who_logs_in_and_is_announced_without_the_phone(
        db_settings, db, client):
    resp = client.post(URL, json=factories.member())
    assert resp.status_code == 201, resp.get_json()
    me = resp.get_json()
    assert (me["kind"], me["phone"], me["unit_name"]) == ("person", PHONE, "周口供电公司党委")
    with db.uow() as uow:
        account = uow.session.get(Account, me["id"])
        assert (account.role, account.unit_code, account.communities) == (
            "member", "zhoukou-power", [A])
        member = uow.session.get(Member, me["id"])
        assert PHONE not in member.phone_enc
        assert Sealer(db_settings.pii_keys).open(member.phone_enc) == PHONE
    claimer = Claimer.log_in(client, "zhangjianguo", PASSWORD)
    claims = Tokens(db_settings.token_keys).verify(claimer.token)
    assert (claims["role"], claims["unit"], claims["communities"]) == (
        "member", "zhoukou-power", [A])
    own = claimer.get(f"{URL}/me")
    assert own.get_json()["phone"] == PHONE and own.headers["Cache-Control"] == "no-store"
    [event] = _outbox(db, "member.registered")
    assert PHONE not in json.dumps(event) and PASSWORD not in json.dumps(event)
    payload = decode(json.dumps(event)).payload
    # where matching's notices reach him: sealed, opened only by matching
    assert Sealer(db_settings.pii_keys).open(payload.pop("contact_sealed")) == {"phone": PHONE}
    assert payload == {
        "member_id": me["id"], "kind": "person", "display_name": "张建国", "party_member": True,
        "unit_code": "zhoukou-power", "unit_name": "周口供电公司党委", "community_code": A,
        "skills": ["electrician", "appliance_repair"], "available_times": ["weekend_morning"],
        "org_code": None, "org_type": None}


@pytest.mark.parametrize("body, expected", [
    (factories.member(phone="1380394123"),
     (422, "validation_failed", {("phone", "invalid_phone")})),
    (factories.member(skills=["electrician", "juggling"]),
     (422, "validation_failed", {("skills.1", "invalid_choice")})),
    (factories.member(role="district_admin"),
     (422, "validation_failed", {("role", "unknown_field")})),
    (factories.member(password="short"),
     (422, "validation_failed", {("password", "weak_password")})),
    (factories.member(party_member=OMIT, community_code=OMIT), (422, "validation_failed", {
        ("party_member", "required"), ("community_code", "required")})),
    (factories.member(unit_code="no-such-unit"),
     (422, "unknown_unit", {("unit_code", "unknown_unit")})),
    (factories.member(username="taken"),
     (409, "username_taken", {("username", "username_taken")})),
])
def test_invalid_registrations_are_refused_with_a_code_and_store_nothing(db, client, body,
                                                                         expected):
    with db.uow() as uow:
        create_account(uow.session, "taken", "resident", "王桂兰", "x" * 10)
        uow.commit()
    accounts = _count(db, Account)
    assert _error(client.post(URL, json=body)) == expected
    assert (_count(db, Account), _count(db, Member), _outbox(db)) == (accounts, 0, [])


def test_member_updates_their_profile_and_their_next_token_follows(db_settings, db, client):
    me = client.post(URL, json=factories.member()).get_json()
    claimer = Claimer.log_in(client, "zhangjianguo", PASSWORD)
    bad = claimer.patch(f"{URL}/me", json={"unit_code": "chuanhui-hrss", "kind": "organisation"})
    assert _error(bad) == (422, "validation_failed", {("kind", "unknown_field")})
    resp = claimer.patch(f"{URL}/me", json={
        "unit_code": "chuanhui-hrss", "community_code": B, "phone": "13900000000",
        "skills": ["legal_advice"], "skills_other": None})
    assert resp.status_code == 200, resp.get_json()
    changed = resp.get_json()
    assert (changed["unit_name"], changed["phone"], changed["skills_other"]) == (
        "川汇区人社局", "13900000000", None)
    [event] = _outbox(db, "member.updated")
    assert event["payload"]["member_id"] == me["id"] and "13900000000" not in json.dumps(event)
    assert (event["payload"]["unit_code"], event["payload"]["community_code"],
            event["payload"]["skills"]) == ("chuanhui-hrss", B, ["legal_advice"])
    next_login = Claimer.log_in(client, "zhangjianguo", PASSWORD)
    claims = Tokens(db_settings.token_keys).verify(next_login.token)
    assert (claims["unit"], claims["communities"]) == ("chuanhui-hrss", [B])
    left = claimer.patch(f"{URL}/me", json={"unit_code": None}).get_json()
    assert (left["unit_code"], left["unit_name"]) == (None, None)  # the old unit's name goes too
    assert claimer.patch(f"{URL}/me", json={}).status_code == 200
    assert len(_outbox(db, "member.updated")) == 2  # nothing sent, nothing announced


def test_an_existing_member_account_reports_by_completing_its_profile(db_settings, db, client):
    with db.uow() as uow:
        account, _ = create_account(uow.session, "member", "member", "张建国", PASSWORD)
        uow.commit()
    claimer = Claimer.log_in(client, "member", PASSWORD)
    missing = claimer.get(f"{URL}/me")
    assert _error(missing)[:2] == (404, "profile_missing")
    partial = claimer.patch(f"{URL}/me", json={"skills": ["cleaning"]})
    assert _error(partial)[0] == 422 and _count(db, Member) == 0
    full = factories.member(username=OMIT, password=OMIT)
    assert claimer.patch(f"{URL}/me", json=full).status_code == 200
    [event] = _outbox(db, "member.registered")
    assert event["payload"]["member_id"] == account.id
    with db.uow() as uow:
        assert uow.session.get(Account, account.id).unit_code == "zhoukou-power"


def test_organisation_registers_with_its_admin_who_manages_it(db_settings, db, client):
    resp = client.post(ORGS, json=factories.organisation())
    assert resp.status_code == 201, resp.get_json()
    first = resp.get_json()["admin"]
    assert resp.get_json()["organisation"]["contact_phone"] == ORG_PHONE
    admin = Actor.log_in(client, "finance-admin", PASSWORD)
    claims = Tokens(db_settings.token_keys).verify(admin.token)
    assert (claims["role"], claims["org"]) == ("org_admin", "pudong-finance")
    same_code = factories.organisation(admin={"username": "another"})
    same_admin = factories.organisation(organisation={"code": "another"})
    assert _error(client.post(ORGS, json=same_code)) == (
        409, "org_code_taken", {("organisation.code", "org_code_taken")})
    assert _error(client.post(ORGS, json=same_admin)) == (
        409, "username_taken", {("admin.username", "username_taken")})
    unit_code = client.post(ORGS, json=factories.organisation(
        organisation={"code": "zhoukou-power"}))  # a unit's code
    assert _error(unit_code)[1] == "org_code_taken"
    added = admin.post(f"{ORGS}/pudong-finance/admins", json={
        "username": "finance-admin2", "password": PASSWORD, "name": "董柳华",
        "phone": "13661002233"})
    assert added.status_code == 201 and added.get_json()["phone_masked"] == "136****2233"
    own = admin.get(f"{ORGS}/pudong-finance").get_json()
    assert [a["name"] for a in own["admins"]] == ["俞红", "董柳华"]
    assert "13661002233" not in json.dumps(own)
    liaison = Liaison.signed(client, db_settings, communities=[A])
    seen = liaison.get(f"{ORGS}/pudong-finance").get_json()
    assert seen["contact_phone_masked"] == "139****1234" and ORG_PHONE not in json.dumps(seen)
    other = Actor.signed(client, db_settings, principal("org_admin", org="someone-else"))
    assert other.get(f"{ORGS}/pudong-finance").status_code == 404
    moved = admin.patch(f"{ORGS}/pudong-finance", json={"community_code": B, "skills": ["moving"]})
    assert moved.status_code == 200, moved.get_json()
    registered = [e["payload"] for e in _outbox(db, "member.registered")]
    assert [(p["kind"], p["display_name"], p["org_code"], p["org_type"]) for p in registered] == [
        ("organisation", "浦东财务公司党支部", "pudong-finance", "party_org")] * 2
    updated = [e["payload"] for e in _outbox(db, "member.updated")]
    assert sorted(p["member_id"] for p in updated) == sorted([first["id"], added.get_json()["id"]])
    assert {(p["community_code"], tuple(p["skills"])) for p in updated} == {(B, ("moving",))}
    assert ORG_PHONE not in json.dumps(_outbox(db))
    with db.uow() as uow:
        assert uow.session.get(Account, first["id"]).communities == [B]


def test_roster_is_masked_and_scoped_to_the_overseers_communities_or_unit(db_settings, db, client):
    for n, (community, unit, skills) in enumerate([(A, "zhoukou-power", ["electrician"]),
                                                   (A, "chuanhui-hrss", ["tutoring"]),
                                                   (B, "zhoukou-power", ["electrician"])]):
        resp = client.post(URL, json=factories.member(
            username=f"member{n}", phone=f"1380000000{n}", community_code=community,
            unit_code=unit, skills=skills))
        assert resp.status_code == 201
    client.post(ORGS, json=factories.organisation())

    def names(who, query=""):
        resp = Actor.signed(client, db_settings, who).get(f"{URL}{query}")
        assert resp.status_code == 200, resp.get_json()
        assert not re.search(r"1380000000\d|" + ORG_PHONE, resp.get_data(as_text=True))
        return sorted(m["phone_masked"][-4:] for m in resp.get_json()["items"])

    liaison_a = principal("liaison", communities=[A])
    assert names(liaison_a) == ["0000", "0001", "1234"]
    assert names(liaison_a, "?skill=electrician") == ["0000"]
    assert names(liaison_a, "?kind=organisation") == ["1234"]
    assert names(principal("street_admin", communities=[B])) == ["0002"]
    assert names(principal("district_admin"), "?party_member=true&kind=person") == [
        "0000", "0001", "0002"]
    assert names(principal("unit_admin", unit="zhoukou-power")) == ["0000", "0002"]
    assert names(principal("unit_admin")) == []
    bad = Actor.signed(client, db_settings, liaison_a).get(f"{URL}?skill=juggling&page=2")
    assert _error(bad) == (422, "validation_failed", {("skill", "invalid_choice"),
                                                      ("page", "unknown_field")})
    member = Claimer.signed(client, db_settings).get(URL)
    assert member.status_code == 403
    orgs = Liaison.signed(client, db_settings, communities=[B]).get(ORGS)
    assert orgs.get_json()["items"] == []


def test_registration_is_rate_limited_per_client_address(client, db, monkeypatch):
    monkeypatch.setattr(members_api, "REGISTRATIONS_PER_WINDOW", 2)
    for n in range(2):
        assert client.post(URL, json=factories.member(username=f"user{n}")).status_code == 201
    refused = client.post(URL, json=factories.member(username="user2"))
    assert _error(refused)[:2] == (429, "too_many_requests")
    assert int(refused.headers["Retry-After"]) > 0
    elsewhere = client.post(URL, json=factories.member(username="user3"),
                            environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert elsewhere.status_code == 201
    assert _count(db, Member) == 3


def test_matching_and_scoring_keep_the_members_intake_announces(settings, db, make_db,
                                                                client):
    matching, scoring = make_db("matching"), make_db("scoring")
    capture = Capture(settings.broker_url, "member.*")
    runtimes = [runtime("intake", settings, db), runtime("matching", settings, matching),
                runtime("scoring", settings, scoring)]
    for rt in runtimes:
        rt.start()
    try:
        me = client.post(URL, json=factories.member()).get_json()
        claimer = Claimer.log_in(client, "zhangjianguo", PASSWORD)
        claimer.patch(f"{URL}/me", json={"unit_code": "chuanhui-hrss"})
        for copy, model in ((matching, MatchingMember), (scoring, ScoringMember)):
            def kept(copy=copy, model=model):
                with copy.uow() as uow:
                    row = uow.session.get(model, me["id"])
                    return row is not None and row.unit_code == "chuanhui-hrss" and (
                        row.display_name, row.community_code, row.party_member)
            kept_as = wait_for(kept, what=f"{copy.service} to keep the member")
            assert kept_as == ("张建国", A, True)
        capture.take(2)
        assert {m.delivery_info["routing_key"] for m in capture.received} == {
            "member.registered", "member.updated"}
        assert not any(PHONE in str(m.body) for m in capture.received)
    finally:
        for rt in runtimes:
            rt.stop()
        capture.close()


def _form_token(client, path) -> str:
    page = client.get(path)
    assert page.status_code == 200 and "党员报到" in page.get_data(as_text=True)
    token = client.get_cookie("mw_join_csrf", path="/join").value
    assert f'value="{token}"' in page.get_data(as_text=True)
    return token


def test_join_form_registers_the_member_and_logs_them_in(db, client):
    form = {"name": "张建国", "phone": PHONE, "party_member": "yes", "unit_code": "zhoukou-power",
            "community_code": A, "skills": ["electrician", "plumbing"],
            "available_times": ["weekend_morning"], "username": "zjg", "password": PASSWORD,
            "password2": PASSWORD}
    token = _form_token(client, "/join")
    forged = client.post("/join", data={**form, "csrf_token": "forged"})
    assert forged.status_code == 403 and "页面已失效" in forged.get_data(as_text=True)
    mismatch = client.post("/join", data={**form, "csrf_token": token, "password2": "other-pass",
                                          "phone": "12345"})
    page = mismatch.get_data(as_text=True)
    assert mismatch.status_code == 422
    assert "两次输入的密码不一致" in page and MESSAGES_ZH["invalid_phone"] in page
    assert PASSWORD not in page and 'value="张建国"' in page  # kept, except the password
    assert _count(db, Member) == 0
    done = client.post("/join", data={**form, "csrf_token": token})
    assert (done.status_code, done.headers["Location"]) == (303, "/join/done")
    assert client.get_cookie("mw_session") is not None
    welcome = client.get("/join/done").get_data(as_text=True)
    assert "报到成功" in welcome and "张建国" in welcome and "电工" in welcome
    with db.uow() as uow:
        member = uow.session.scalars(select(Member)).one()
        assert (member.skills, member.party_member) == (["electrician", "plumbing"], True)
    assert len(_outbox(db, "member.registered")) == 1


def test_join_organisation_form_registers_the_organisation_and_its_admin(db, client):
    token = _form_token(client, "/join/organisation")
    form = {"csrf_token": token, "organisation.name": "浦东财务公司党支部",
            "organisation.code": "pudong-finance", "organisation.type": "company",
            "organisation.community_code": A, "organisation.skills": ["errands"],
            "admin.name": "俞红", "admin.phone": ORG_PHONE, "admin.username": "finance-admin",
            "admin.password": PASSWORD, "admin.password2": PASSWORD}
    taken = client.post("/join/organisation", data={**form, "organisation.code": "zhoukou-power"})
    assert taken.status_code == 409
    assert MESSAGES_ZH["org_code_taken"] in taken.get_data(as_text=True)
    done = client.post("/join/organisation", data=form)
    assert done.status_code == 303, done.get_data(as_text=True)
    assert "浦东财务公司党支部" in client.get("/join/done").get_data(as_text=True)
    with db.uow() as uow:
        org = uow.session.get(Organisation, "pudong-finance")
        assert (org.type, org.skills, [a.name for a in org.admins]) == (
            "company", ["errands"], ["俞红"])
