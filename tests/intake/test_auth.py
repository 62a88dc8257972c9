"""Authentication: tokens, login and refresh, throttling, proxies, web sessions."""
from __future__ import annotations

import base64
import json
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

import jwt
import pytest
from argon2 import PasswordHasher
from sqlalchemy import select
from werkzeug.test import Client

from services import demo
from services.allinone import AllInOne
from services.intake.accounts.actions import create_account, principal_of
from services.intake.accounts.limits import CLOCK
from services.intake.accounts.models import Account
from services.intake.app import create_app as create_intake_app
from services.intake.config import Config as IntakeConfig
from services.intake.models import RATE_LIMITS
from services.matching.models import Wish
from shared.ratelimit import RateLimit
from shared.settings import from_env
from shared.tokens import AUDIENCE, ISSUER, TokenError, Tokens
from tests.factories import published_wish
from tests.helpers import Clock, add, principal

CJK = re.compile(r"[\u4e00-\u9fff]")
AUTH = "/api/v1/auth"
PW = demo.DEMO_PASSWORD
SECRET = "s" * 64  # long enough for HS512 too
OLD, NEW = "old:" + "o" * 40, "new:" + "n" * 40


def _claims(**changes) -> dict:
    now = int(time.time())
    claims = {**principal("member", id="m-1").claims(), "typ": "access", "aud": AUDIENCE,
              "iss": ISSUER, "iat": now, "exp": now + 60, "jti": "j-1"}
    return {**claims, **changes}


def _code(tokens: Tokens, token: str, kind: str = "access") -> str | None:
    try:
        tokens.verify(token, kind)
    except TokenError as exc:
        return exc.code
    return None


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _sign(claims: dict, secret: str = SECRET, alg: str = "HS256", kid: str = "k1") -> str:
    return jwt.encode(claims, secret, algorithm=alg, headers={"kid": kid})


def test_token_round_trips_and_forgeries_are_refused():
    """Only HS256 under a known kid and our secret, audience, issuer and typ passes."""
    tokens = Tokens("k1:" + SECRET)
    token, issued = tokens.issue(principal("member", id="m-1", name="张建国"), 60)
    claims = tokens.verify(token)
    assert claims["sub"] == "m-1" and claims["name"] == "张建国" and claims["jti"] == issued["jti"]
    assert _code(tokens, _sign(_claims())) is None  # the crafting below is otherwise valid
    unsigned = _b64({"alg": "none", "kid": "k1", "typ": "JWT"}) + "." + _b64(_claims()) + "."
    assert _code(tokens, unsigned) == "invalid_token"
    assert _code(tokens, _sign(_claims(), alg="HS512")) == "invalid_token"
    assert _code(tokens, _sign(_claims(), secret="another-" + SECRET)) == "invalid_token"
    assert _code(tokens, _sign(_claims(aud="elsewhere"))) == "invalid_token"
    assert _code(tokens, _sign(_claims(iss="someone-else"))) == "invalid_token"
    assert _code(tokens, jwt.encode(_claims(), SECRET, algorithm="HS256")) == "invalid_token"
    assert _code(tokens, _sign(_claims(), kid="k9")) == "invalid_token"
    missing_jti = {k: v for k, v in _claims().items() if k != "jti"}
    assert _code(tokens, _sign(missing_jti)) == "invalid_token"


def test_expiry_typ_and_key_rotation():
    """Expired is its own code; a refresh token is no access token; old kids keep verifying."""
    old = Tokens(OLD)
    who = principal("member")
    expired, _ = old.issue(who, 60, now=time.time() - 120)
    assert _code(old, expired) == "token_expired"
    refresh, _ = old.issue(who, 60, "refresh")
    assert _code(old, refresh) == "invalid_token" and _code(old, refresh, "refresh") is None
    access, _ = old.issue(who, 60)
    assert _code(old, access, "session") == "invalid_token"
    rotated = Tokens(f"{NEW},{OLD}")
    assert rotated.verify(access)["sub"] == who.id
    fresh, _ = rotated.issue(who, 60)
    assert jwt.get_unverified_header(fresh)["kid"] == "new"
    assert Tokens(NEW).verify(fresh)["sub"] == who.id
    assert _code(Tokens(NEW), access) == "invalid_token"  # old key retired


def test_a_token_checked_once_is_still_refused_once_it_expires(monkeypatch):
    """Each process checks a token's signature once (Tokens remembers it); its expiry, its kind
    and the claims it hands out are judged afresh on every request."""
    tokens = Tokens(OLD)
    token, issued = tokens.issue(principal("member", id="m-1"), 60)
    first = tokens.verify(token)
    first["role"] = "district_admin"  # a caller's copy: the remembered claims stay as signed
    assert tokens.verify(token)["role"] == "member"
    assert _code(tokens, token, "refresh") == "invalid_token"
    later = issued["exp"] + 1
    monkeypatch.setattr("shared.tokens.time", SimpleNamespace(time=lambda: later))
    assert _code(tokens, token) == "token_expired"


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def demo_intake(db_settings, make_db, clock):
    """make(**overrides) -> (test client, db) of intake on PostgreSQL with the demo accounts."""
    db = make_db("intake")
    with db.uow() as uow:
        demo.seed_accounts(uow.session)
        uow.commit()

    def make(trusted_proxy_hops=0, **overrides):
        app = create_intake_app(db_settings.with_overrides(trusted_proxy_hops=trusted_proxy_hops),
                                db, IntakeConfig(**overrides))
        app.extensions[CLOCK] = clock
        return app.test_client(), db
    return make


def _login(client, username="member", password=PW, **kw):
    return client.post(f"{AUTH}/login", json={"username": username, "password": password}, **kw)


def _error(response) -> str:
    return response.get_json()["error"]["code"]


def test_login_me_and_refused_tokens(demo_intake, db_settings):
    """Login gives tokens; bad credentials look alike; forged tokens 401; API keys for systems."""
    client, db = demo_intake()
    pair = _login(client).get_json()
    assert pair["token_type"] == "Bearer" and pair["account"]["role"] == "member"
    me = client.get(f"{AUTH}/me", headers={"Authorization": f"Bearer {pair['access_token']}"})
    assert me.status_code == 200 and me.get_json()["username"] == "member"
    wrong, unknown = _login(client, password="nope"), _login(client, username="nobody")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.get_json() == unknown.get_json()
    assert _error(wrong) == "invalid_credentials"
    assert CJK.search(wrong.get_json()["error"]["message"])
    head, body, sig = pair["access_token"].split(".")
    body = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    forged = f"{head}.{_b64({**body, 'role': 'district_admin'})}.{sig}"  # old signature
    tampered = client.get(f"{AUTH}/me", headers={"Authorization": f"Bearer {forged}"})
    assert tampered.status_code == 401 and _error(tampered) == "invalid_token"
    with db.uow() as uow:
        account = uow.session.scalars(select(Account).where(Account.username == "member")).one()
        assert account.password_hash.startswith("$argon2id$") and PW not in account.password_hash
        who = principal_of(account)
    expired, _ = Tokens(db_settings.token_keys).issue(who, 60, now=time.time() - 120)
    late = client.get(f"{AUTH}/me", headers={"Authorization": f"Bearer {expired}"})
    assert late.status_code == 401 and _error(late) == "token_expired"
    system = client.get(f"{AUTH}/me", headers={"X-Api-Key": demo.DEMO_API_KEY})
    assert system.status_code == 200 and system.get_json()["role"] == "system"
    bad = client.get(f"{AUTH}/me", headers={"X-Api-Key": "not-the-key"})
    assert bad.status_code == 401 and _error(bad) == "invalid_api_key"


def test_refresh_rotates_replay_revokes_all_and_logout_revokes(demo_intake):
    """A refresh token works once; replaying a spent one revokes its successors too."""
    client, _ = demo_intake()

    def refresh(token):
        return client.post(f"{AUTH}/refresh", json={"refresh_token": token})

    first = _login(client).get_json()["refresh_token"]
    second = refresh(first).get_json()["refresh_token"]
    third = refresh(second).get_json()["refresh_token"]  # the new one works once
    replay = refresh(second)
    assert replay.status_code == 401 and _error(replay) == "invalid_token"
    assert refresh(third).status_code == 401  # revoked by the replay
    assert refresh(first).status_code == 401
    pair = _login(client).get_json()
    out = client.post(f"{AUTH}/logout", json={"refresh_token": pair["refresh_token"]},
                      headers={"Authorization": f"Bearer {pair['access_token']}"})
    assert out.status_code == 200 and refresh(pair["refresh_token"]).status_code == 401


@pytest.fixture
def office(demo_intake):
    """(client, db) of intake with a street office's 50 liaisons, all behind one address."""
    client, db = demo_intake(login_address_failures_allowed=120)
    hashed = PasswordHasher().hash(PW)  # one hash for all: 50 argon2 hashes would be slow
    with db.uow() as uow:
        for n in range(50):
            account, _ = create_account(uow.session, f"officer-{n:02d}", "liaison", f"联络员{n}")
            account.password_hash = hashed
        uow.commit()
    return client, db


def _refusal(response, field: str, code: str) -> int:
    """Assert a 429 saying, in Chinese, which limit; its Retry-After."""
    assert response.status_code == 429 and _error(response) == "too_many_requests"
    [said] = response.get_json()["error"]["fields"]
    assert (said["field"], said["code"]) == (field, code) and CJK.search(said["message"])
    return int(response.headers["Retry-After"])


def test_failures_lock_only_their_account_for_ever_longer_until_a_success(office, clock):
    client, _ = office
    assert [_login(client, "officer-00", "typo").status_code for _ in range(5)] == [401] * 5
    waits = [_refusal(_login(client, "officer-00"), "username", "login_locked")]
    assert all(_login(client, f"officer-{n:02d}").status_code == 200 for n in range(1, 50))
    for _ in range(3):  # each failure after a wait doubles the next wait
        clock.advance(waits[-1])
        assert _login(client, "officer-00", "typo").status_code == 401
        waits.append(_refusal(_login(client, "officer-00"), "username", "login_locked"))
    assert waits[1] > waits[0] and waits[2] > waits[1] and waits[3] > waits[2]
    clock.advance(waits[-1])
    assert _login(client, "officer-00").status_code == 200
    assert _login(client, "officer-00", "typo").status_code == 401  # the success reset the count
    assert _login(client, "officer-00").status_code == 200


def test_waits_stop_growing_at_the_cap(demo_intake, clock):
    client, _ = demo_intake(login_failures_allowed=1, login_delay_cap_seconds=4)
    waits = []
    for _ in range(5):
        assert _login(client, password="typo").status_code == 401
        waits.append(_refusal(_login(client), "username", "login_locked"))
        clock.advance(waits[-1])
    assert waits == [2, 3, 5, 5, 5]  # 1, 2, 4, 4, 4 s after the second the failure came in


def test_an_office_with_a_couple_of_typos_each_logs_in_but_a_scan_is_stopped(office):
    """50 accounts x 2 typos stay under the address's limit; a scan of wrong names does not."""
    client, _ = office
    for n in range(50):
        for _ in range(2):
            assert _login(client, f"officer-{n:02d}", "typo").status_code == 401
        assert _login(client, f"officer-{n:02d}").status_code == 200
    scan = [_login(client, f"guess-{n}", "123456") for n in range(21)]
    assert [r.status_code for r in scan[:20]] == [401] * 20  # 100 typos + 20: the limit, 120
    _refusal(scan[20], "_address", "address_limited")
    elsewhere = {"REMOTE_ADDR": "10.9.9.9"}  # the limit is the address's, not the accounts'
    assert _login(client, "officer-00", environ_base=elsewhere).status_code == 200


def _counts(db) -> dict:
    """Failures counted per kind of key (user, addr)."""
    with db.engine.connect() as conn:
        rows = conn.execute(select(RATE_LIMITS.c.key, RATE_LIMITS.c.count)).all()
    return {kind: sum(n for key, n in rows if key.split(":")[1] == kind)
            for kind in {key.split(":")[1] for key, _ in rows}}


def _at_once(fn, n: int = 8) -> list:
    """fn() from n threads released together; their results."""
    barrier = threading.Barrier(n)

    def run(_):
        barrier.wait(60)
        return fn()

    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(run, range(n)))


def test_concurrent_login_failures_all_count(demo_intake):
    """Eight simultaneous failures are all counted; none is lost to a race."""
    client, db = demo_intake(login_failures_allowed=8)

    def fail():
        return _login(client.application.test_client(), password="wrong")

    assert [r.status_code for r in _at_once(fail)] == [401] * 8
    assert _counts(db) == {"user": 8, "addr": 8}
    assert _login(client).status_code == 429
    limit = RateLimit(db.engine, RATE_LIMITS, 8, 300)  # the counter itself, without argon2's pace
    assert sorted(_at_once(lambda: limit.hit("race"))) == list(range(1, 9))


@pytest.mark.parametrize("hops, fifth, counted", [
    (0, 429, {"10.0.0.1": 4}),  # no trusted proxy: the header is ignored
    (1, 401, {**{f"203.0.113.{i}": 1 for i in range(4)}, "203.0.113.99": 1})])
def test_forwarded_for_is_trusted_only_behind_a_trusted_proxy(demo_intake, hops, fifth, counted):
    """X-Forwarded-For picks the per-address counter only when a trusted proxy sets it."""
    client, db = demo_intake(login_address_failures_allowed=4, trusted_proxy_hops=hops)
    for i in [0, 1, 2, 3, 99]:  # a new account each time: only the address limit applies
        r = _login(client, username=f"nobody-{i}", headers={"X-Forwarded-For": f"203.0.113.{i}"},
                   environ_base={"REMOTE_ADDR": "10.0.0.1"})
    assert r.status_code == fifth
    with db.engine.connect() as conn:
        rows = conn.execute(select(RATE_LIMITS.c.key, RATE_LIMITS.c.count)).all()
    assert {k.removeprefix("login:addr:"): n for k, n in rows
            if k.startswith("login:addr:")} == counted


@pytest.fixture
def platform(tmp_path):
    """The all-in-one on SQLite, migrated and seeded, one published wish, no runtimes started."""
    p = AllInOne(from_env({"MICROWISH_VAR_DIR": str(tmp_path)}))
    p.migrate()
    with p.dbs["intake"].uow() as uow:
        demo.seed_accounts(uow.session)
        uow.commit()
    add(p.dbs["matching"], published_wish("wish-web"))
    yield p
    for db in p.dbs.values():
        db.dispose()


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_web_login_claim_and_logout_with_csrf(platform):
    """Cookie sessions: login form CSRF, claim form CSRF, no open redirect, logout clears."""
    client = Client(platform.wsgi)
    form = client.get("/login?next=//evil.example")
    login_csrf = client.get_cookie("mw_login_csrf", path="/login").value
    assert _csrf(form.text) == login_csrf and 'name="next" value="/"' in form.text
    creds = {"username": "member", "password": PW, "next": "//evil.example"}
    refused = client.post("/login", data={**creds, "csrf_token": "forged"})
    assert refused.status_code == 403 and client.get_cookie("mw_session") is None
    done = client.post("/login", data={**creds, "csrf_token": login_csrf})
    assert done.status_code == 303 and done.headers["Location"] == "/"
    cookie = next(c for c in done.headers.getlist("Set-Cookie") if c.startswith("mw_session="))
    assert "HttpOnly" in cookie
    wall = client.get("/").text
    csrf = _csrf(wall)
    assert "张建国" in wall and 'action="/wishes/wish-web/claim"' in wall
    forged = client.post("/wishes/wish-web/claim", data={})
    assert forged.status_code == 403 and _error(forged) == "csrf_failed"
    with platform.dbs["matching"].uow() as uow:
        assert uow.session.get(Wish, "wish-web").status == "published"
    claimed = client.post("/wishes/wish-web/claim", data={"csrf_token": csrf})
    assert claimed.status_code == 303 and claimed.headers["Location"] == "/my/claims"
    assert 'data-wish-id="wish-web"' in client.get("/my/claims").text
    assert client.post("/logout", data={}).status_code == 403  # logout needs the token too
    out = client.post("/logout", data={"csrf_token": csrf})
    assert out.status_code == 303 and client.get_cookie("mw_session") is None
    assert "张建国" not in client.get("/").text


def test_access_token_is_not_a_session_cookie(platform):
    """Only a session-typ token opens a cookie session; an access token there is anonymous."""
    tokens = Tokens(platform.settings.token_keys)
    who = principal("member", name="张建国")
    for kind, seen in (("access", False), ("session", True)):
        client = Client(platform.wsgi)
        client.set_cookie("mw_session", tokens.issue(who, IntakeConfig.session_ttl_seconds, kind)[0])
        wall = client.get("/").text
        assert ("张建国" in wall) is seen and ("/wishes/wish-web/claim" in wall) is seen


def test_login_next_with_a_tab_is_no_open_redirect(platform):
    """Browsers drop tabs in URLs, so '/<tab>/evil.example' must not be followed either."""
    client = Client(platform.wsgi)
    client.get("/login")
    token = client.get_cookie("mw_login_csrf", path="/login").value
    done = client.post("/login", data={"username": "member", "password": PW, "csrf_token": token,
                                       "next": "/\t/evil.example"})
    if done.status_code != 303:
        pytest.fail("the login itself failed")  # not the failure this test expects
    assert not done.headers["Location"].startswith("//")


def test_the_login_page_says_how_long_a_locked_account_waits(platform, clock):
    platform.apps["intake"].extensions[CLOCK] = clock
    client = Client(platform.wsgi)
    client.get("/login")
    token = client.get_cookie("mw_login_csrf", path="/login").value

    def submit(password):
        return client.post("/login", data={"username": "member", "password": password,
                                           "csrf_token": token})

    assert [submit("typo").status_code for _ in range(5)] == [401] * 5
    locked = submit(PW)
    assert locked.status_code == 429 and int(locked.headers["Retry-After"]) > 0
    assert "该账号登录失败次数过多，请 2 秒后再试" in locked.text
    assert client.get_cookie("mw_session") is None
