"""Staff accounts: a district admin creates, edits, disables and resets them (each role, each bad
input with its code, field and Chinese message); a temporary password must be changed at the next
login; disabling or a reset ends the account's tokens at once; scoped admins stay in their
districts; everything is audited, never a password."""
from __future__ import annotations

import json

import pytest

from services.intake.accounts.actions import create_account
from services.intake.app import create_app
from services.intake.communities.actions import register
from tests.factories import community
from tests.helpers import CJK, add, csrf_token, emitted

ACCOUNTS, AUTH = "/api/v1/accounts", "/api/v1/auth"
WENMING, HEPING, PUDONG = "chuanhui-wenming", "chuanhui-heping", "pudong-huamu"
PW = "district-admin-pw"


@pytest.fixture
def staffed(db_settings, db):
    """Intake with three communities in two districts, a city-wide and a chuanhui district admin."""
    with db.uow() as uow:
        for code in (WENMING, HEPING, PUDONG):
            register(uow, community(code=code, district=code.split("-")[0]))
        create_account(uow.session, "city-admin", "district_admin", "市管理员", PW)
        create_account(uow.session, "chuanhui-admin", "district_admin", "川汇区管理员", PW,
                       communities=["chuanhui"])
        uow.commit()
    return create_app(db_settings, db).test_client()


def login(client, username: str, password: str = PW):
    return client.post(f"{AUTH}/login", json={"username": username, "password": password})


def as_(client, username: str, password: str = PW) -> dict:
    body = login(client, username, password).get_json()
    return {"Authorization": f"Bearer {body['access_token']}"}


def errors(resp) -> dict:
    """field -> code of a 422's fields, after checking each says why in Chinese."""
    body = resp.get_json()["error"]
    assert CJK.search(body["message"])
    assert all(CJK.search(f["message"]) for f in body["fields"]), body
    return {f["field"]: f["code"] for f in body["fields"]}


VALID = {"liaison": {"communities": [WENMING]}, "street_admin": {"communities": [WENMING, HEPING]},
         "unit_admin": {"unit_code": "U-CHJ"}, "org_admin": {"org_code": "org-1"}, "ops": {}}
MISSING = {"liaison": "communities", "street_admin": "communities", "unit_admin": "unit_code",
           "org_admin": "org_code"}


def test_each_staff_role_is_created_then_changes_its_temporary_password(staffed, db):
    from services.intake.claimers.models import Organisation
    from shared.envelope import utcnow
    add(db, Organisation(code="org-1", name="川汇区团委", type="party_org", community_code=WENMING,
                         contact_name="李*", created_at=utcnow(), updated_at=utcnow()))
    admin = as_(staffed, "city-admin")
    for role, scope in VALID.items():
        username = f"new-{role}"
        resp = staffed.post(ACCOUNTS, headers=admin,
                            json={"username": username, "name": "新同事", "role": role, **scope})
        assert resp.status_code == 201, resp.get_json()
        made = resp.get_json()
        assert made["role"] == role and made["must_change_password"] is True
        temporary = made["temporary_password"]
        # The login gives only a token to change the password with; nothing else takes it.
        first = login(staffed, username, temporary).get_json()
        assert first["status"] == "password_change_required" and "access_token" not in first
        limited = {"Authorization": f"Bearer {first['password_change_token']}"}
        me = staffed.get(f"{AUTH}/me", headers=limited)
        assert (me.status_code, me.get_json()["error"]["code"]) == (403, "password_change_required")
        same = staffed.post(f"{AUTH}/password", json={
            "password_change_token": first["password_change_token"], "new_password": temporary})
        assert errors(same) == {"new_password": "same_password"}
        changed = staffed.post(f"{AUTH}/password", json={
            "password_change_token": first["password_change_token"],
            "new_password": "a-new-password-1"})
        assert changed.status_code == 200 and changed.get_json()["status"] == "password_changed"
        assert staffed.get(f"{AUTH}/me", headers={
            "Authorization": f"Bearer {changed.get_json()['access_token']}"}).status_code == 200
        assert login(staffed, username, temporary).status_code == 401
        assert login(staffed, username, "a-new-password-1").get_json()["status"] == "logged_in"
        # The change token was for one change only.
        again = staffed.post(f"{AUTH}/password", json={
            "password_change_token": first["password_change_token"], "new_password": "another-1"})
        assert again.status_code == 401
    audit = json.dumps(emitted(db, "audit.recorded"), ensure_ascii=False)
    assert audit.count('"account.created"') == len(VALID)
    assert '"account.password_changed"' in audit
    assert "a-new-password-1" not in audit and "password" not in audit.replace(
        "account.password_changed", "")


def test_every_bad_staff_input_names_its_field_and_code(staffed):
    admin = as_(staffed, "city-admin")

    def refused(status=422, **body):
        resp = staffed.post(ACCOUNTS, headers=admin, json={
            "username": "someone", "name": "某某", **body})
        assert resp.status_code == status, resp.get_json()
        return errors(resp)

    assert refused(role="liaison", communities=[WENMING, "chuanhui-nowhere"]) == {
        "communities": "unknown_community"}
    for role in ("district_admin", "resident", "member", "system", "king"):
        assert refused(role=role) == {"role": "role_not_staff"}
    for role, field in MISSING.items():
        assert refused(role=role) == {field: "scope_required"}
    assert refused(role="ops", unit_code="U-1") == {"unit_code": "scope_not_allowed"}
    assert refused(role="liaison", communities=[WENMING], org_code="x") == {
        "org_code": "scope_not_allowed"}
    assert refused(role="org_admin", org_code="no-such-org") == {"org_code": "unknown_organisation"}
    assert refused(role="liaison", communities=[WENMING], id="x", password="chosen-by-me") == {
        "id": "unknown_field", "password": "unknown_field"}
    assert refused(role="liaison", communities=[WENMING], username="a b") == {
        "username": "invalid_username"}
    assert staffed.post(ACCOUNTS, headers=admin, json={
        "username": "city-admin", "name": "冒名", "role": "ops"}).status_code == 409
    made = staffed.post(ACCOUNTS, headers=admin, json={
        "username": "liaison-1", "name": "联络员", "role": "liaison", "communities": [WENMING]})
    path = f"{ACCOUNTS}/{made.get_json()['id']}"
    for changes, expected in (({"communities": ["nowhere-x"]}, {"communities": "unknown_community"}),
                              ({"role": "unit_admin"}, {"unit_code": "scope_required"}),
                              ({"role": "district_admin"}, {"role": "role_not_staff"}),
                              ({}, {"_schema": "nothing_to_change"}),
                              ({"disabled": "yes"}, {"disabled": "invalid_type"})):
        resp = staffed.patch(path, headers=admin, json=changes)
        assert resp.status_code == 422 and errors(resp) == expected, changes
    assert staffed.get(path, headers=admin).get_json()["communities"] == [WENMING]


def test_disabling_ends_logins_and_tokens_at_once_and_enabling_restores_logins(staffed):
    admin = as_(staffed, "city-admin")
    made = staffed.post(ACCOUNTS, headers=admin, json={
        "username": "liaison-1", "name": "联络员", "role": "liaison", "communities": [WENMING]})
    path = f"{ACCOUNTS}/{made.get_json()['id']}"
    first = login(staffed, "liaison-1", made.get_json()["temporary_password"]).get_json()
    pair = staffed.post(f"{AUTH}/password", json={
        "password_change_token": first["password_change_token"],
        "new_password": "liaison-pw-1"}).get_json()
    bearer = {"Authorization": f"Bearer {pair['access_token']}"}
    assert staffed.get(f"{AUTH}/me", headers=bearer).status_code == 200

    assert staffed.patch(path, headers=admin, json={"disabled": True}).get_json()["disabled"]
    resp = staffed.get(f"{AUTH}/me", headers=bearer)
    assert (resp.status_code, resp.get_json()["error"]["code"]) == (401, "invalid_token")
    assert staffed.post(f"{AUTH}/refresh", json={
        "refresh_token": pair["refresh_token"]}).status_code == 401
    assert login(staffed, "liaison-1", "liaison-pw-1").status_code == 401
    staffed.patch(path, headers=admin, json={"disabled": False})
    again = as_(staffed, "liaison-1", "liaison-pw-1")
    assert staffed.get(f"{AUTH}/me", headers=again).status_code == 200
    # A new scope ends sessions too: the old token carries the old communities.
    changed = staffed.patch(path, headers=admin, json={"communities": [WENMING, HEPING]})
    assert changed.get_json()["communities"] == [WENMING, HEPING]
    assert staffed.get(f"{AUTH}/me", headers=again).status_code == 401
    # A name is only a name: the sessions go on.
    fresh = as_(staffed, "liaison-1", "liaison-pw-1")
    staffed.patch(path, headers=admin, json={"name": "王联络员"})
    assert staffed.get(f"{AUTH}/me", headers=fresh).get_json()["name"] == "王联络员"


def test_a_reset_password_must_be_changed_at_the_next_login(staffed, db):
    admin = as_(staffed, "city-admin")
    made = staffed.post(ACCOUNTS, headers=admin, json={
        "username": "street-1", "name": "街道", "role": "street_admin", "communities": [WENMING]})
    account = made.get_json()
    first = login(staffed, "street-1", account["temporary_password"]).get_json()
    staffed.post(f"{AUTH}/password", json={"password_change_token": first["password_change_token"],
                                           "new_password": "street-pw-1"})
    session = as_(staffed, "street-1", "street-pw-1")
    reset = staffed.post(f"{ACCOUNTS}/{account['id']}/password-reset", headers=admin)
    assert reset.status_code == 200
    temporary = reset.get_json()["temporary_password"]
    assert staffed.get(f"{AUTH}/me", headers=session).status_code == 401
    assert login(staffed, "street-1", "street-pw-1").status_code == 401
    assert login(staffed, "street-1", temporary).get_json()["status"] == "password_change_required"
    audit = json.dumps(emitted(db, "audit.recorded"))
    assert '"account.password_reset"' in audit and temporary not in audit
    # A logged-in person changes theirs with the current one.
    own = as_(staffed, "city-admin")
    wrong = staffed.post(f"{AUTH}/password", headers=own, json={
        "current_password": "not-it", "new_password": "city-admin-pw-2"})
    assert errors(wrong) == {"current_password": "wrong_password"}
    assert staffed.post(f"{AUTH}/password", headers=own, json={
        "current_password": PW, "new_password": "city-admin-pw-2"}).status_code == 200
    assert staffed.get(f"{AUTH}/me", headers=own).status_code == 401  # its other sessions end


def test_a_district_admin_of_some_districts_manages_only_their_staff(staffed):
    city, chuanhui = as_(staffed, "city-admin"), as_(staffed, "chuanhui-admin")

    def create(who, username, role, **scope):
        return staffed.post(ACCOUNTS, headers=who, json={
            "username": username, "name": "同事", "role": role, **scope})

    ours = create(chuanhui, "ours", "liaison", communities=[WENMING]).get_json()
    theirs = create(city, "theirs", "liaison", communities=[PUDONG]).get_json()
    unit = create(city, "unit", "unit_admin", unit_code="U-1").get_json()
    for username, role, scope in (("pd-liaison", "liaison", {"communities": [PUDONG]}),
                                  ("mixed", "street_admin", {"communities": [WENMING, PUDONG]}),
                                  ("unit-2", "unit_admin", {"unit_code": "U-2"}), ("ops-1", "ops", {})):
        resp = create(chuanhui, username, role, **scope)
        assert resp.status_code == 403, username
        assert resp.get_json()["error"]["code"] == "account_district_forbidden"
    listed = {a["username"] for a in staffed.get(ACCOUNTS, headers=chuanhui).get_json()["items"]}
    assert listed == {"ours"}
    assert {"ours", "theirs", "unit"} <= {
        a["username"] for a in staffed.get(ACCOUNTS, headers=city).get_json()["items"]}
    for other in (theirs, unit):
        assert staffed.get(f"{ACCOUNTS}/{other['id']}", headers=chuanhui).status_code == 404
        assert staffed.patch(f"{ACCOUNTS}/{other['id']}", headers=chuanhui,
                             json={"disabled": True}).status_code == 404
        assert staffed.post(f"{ACCOUNTS}/{other['id']}/password-reset",
                            headers=chuanhui).status_code == 404
    # Nobody edits an account, themselves included, out of their reach or into more power.
    moved = staffed.patch(f"{ACCOUNTS}/{ours['id']}", headers=chuanhui,
                          json={"communities": [PUDONG]})
    assert moved.get_json()["error"]["code"] == "account_district_forbidden"
    assert staffed.patch(f"{ACCOUNTS}/{ours['id']}", headers=chuanhui,
                         json={"role": "ops", "communities": []}).status_code == 403
    me = staffed.get(f"{AUTH}/me", headers=chuanhui).get_json()
    for changes in ({"communities": []}, {"role": "ops"}, {"disabled": True}):
        resp = staffed.patch(f"{ACCOUNTS}/{me['id']}", headers=chuanhui, json=changes)
        assert (resp.status_code, resp.get_json()["error"]["code"]) == (
            403, "self_change_forbidden"), changes
    assert staffed.get(f"{ACCOUNTS}/{me['id']}", headers=city).status_code == 404  # not staff


def test_the_accounts_page_lists_creates_and_resets_in_chinese(staffed, db):
    staffed.environ_base["HTTP_ACCEPT"] = "text/html"
    page = staffed.get("/login")
    staffed.post("/login", data={"csrf_token": csrf_token(page.text), "username": "chuanhui-admin",
                                 "password": PW, "next": "/accounts"})
    listing = staffed.get("/accounts")
    assert listing.status_code == 200 and "工作人员账号" in listing.text
    token = csrf_token(listing.text)
    bad = staffed.post("/accounts", data={"csrf_token": token, "username": "lia", "name": "联络员",
                                          "role": "liaison", "communities": "chuanhui-nowhere"})
    assert bad.status_code == 422 and "未找到社区 chuanhui-nowhere" in bad.text
    made = staffed.post("/accounts", data={"csrf_token": token, "username": "lia",
                                           "name": "联络员", "role": "liaison",
                                           "communities": f"{WENMING}，{HEPING}"})
    assert made.status_code == 201 and "临时密码" in made.text
    temporary = made.text.split('class="temporary-password">')[1].split("<")[0]
    listing = staffed.get("/accounts")
    account_id = listing.text.split('data-account-id="')[1].split('"')[0]
    assert staffed.post(f"/accounts/{account_id}", data={
        "csrf_token": token, "disabled": "1"}).status_code == 303
    assert "已停用" in staffed.get("/accounts").text
    assert staffed.post(f"/accounts/{account_id}", data={"disabled": "0"}).status_code == 403
    staffed.post(f"/accounts/{account_id}", data={"csrf_token": token, "disabled": "0"})
    # The liaison logs in with the temporary password: the page to change it, then their session.
    liaison = staffed.application.test_client()
    liaison.environ_base["HTTP_ACCEPT"] = "text/html"
    form = liaison.get("/login")
    went = liaison.post("/login", data={"csrf_token": csrf_token(form.text), "username": "lia",
                                        "password": temporary, "next": "/my/wishes"})
    assert went.status_code == 303 and went.headers["Location"].startswith("/login/password")
    change = liaison.get(went.headers["Location"])
    assert "修改临时密码" in change.text
    mismatch = liaison.post("/login/password", data={
        "csrf_token": csrf_token(change.text), "new_password": "liaison-pw-9",
        "repeat_password": "liaison-pw-8", "next": "/my/wishes"})
    assert mismatch.status_code == 422 and "不一致" in mismatch.text
    done = liaison.post("/login/password", data={
        "csrf_token": csrf_token(change.text), "new_password": "liaison-pw-9",
        "repeat_password": "liaison-pw-9", "next": "/my/wishes"})
    assert (done.status_code, done.headers["Location"]) == (303, "/my/wishes")
    assert "mw_session=" in done.headers.get("Set-Cookie", "") or liaison.get_cookie("mw_session")
    reset = staffed.post(f"/accounts/{account_id}/password-reset", data={"csrf_token": token})
    assert reset.status_code == 200 and "密码已重置" in reset.text
