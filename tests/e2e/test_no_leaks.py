"""Issue point 5: known wishers' data shows in no URL, log, response, error or bus message."""
from __future__ import annotations

import io
import json
import logging
from datetime import datetime, timezone

from sqlalchemy import select, update
from werkzeug.test import Client

from services import demo
from services.allinone import AllInOne
from services.intake.accounts.models import Account
from shared import logs
from shared.idnumber import check_char
from shared.settings import SERVICES
from tests.actors import Actor, Claimer, DistrictAdmin, Liaison, Resident, System
from tests.factories import OMIT, submission
from tests.helpers import ELIGIBLE, Capture, csrf_token, wait_for

OUYANG, SIMA, ZHUGE, LINGHU, SHANGGUAN = (f + check_char(f) for f in (
    "41010219490315002", "41010219620708003", "41010220160512004", "41010219530222005",
    "41010219551101006"))
BAD_ID = "41010219700101008" + ("1" if check_char("41010219700101008") != "1" else "2")
NAMES = ["欧阳秀英", "司马建华", "诸葛小明", "诸葛大伟", "令狐春燕", "上官婉清", "慕容复兴"]
PHONES = ["13912345678", "13787654321", "13655501234", "15899990000", "18611112222",
          "17722223333", "15012340000"]
ADDRESSES = ["河南省周口市川汇区文明路88号", "河南省周口市川汇区中州大道123号",
             "河南省周口市川汇区七一路7号院3单元", "河南省周口市川汇区八一路66号"]
IDS = [OUYANG, SIMA, ZHUGE, LINGHU, SHANGGUAN, BAD_ID]
_TEXTS = [*NAMES, *ADDRESSES, *(a[6:] for a in ADDRESSES)]  # a[6:]: what masking hides
SECRETS = sorted({*_TEXTS, *(json.dumps(t)[1:-1] for t in _TEXTS), *PHONES,  # also \u-escaped
                  *(v for n in IDS for v in (n, n.lower(), n[:14], n[6:]))})
TITLE = "想要一个新书包"
SCHOOLBAG = {"title": TITLE, "description": "孩子上学想要一个新书包。"}  # every wisher's wish


def _consent(relation="self", method="in_person", name=None) -> dict:
    at = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
    return {"relation": relation, "method": method, "at": at, **({"name": name} if name else {})}


class Records(logging.Handler):
    """Keep every formatted log record, exception text included."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))

    def emit(self, record):
        self.lines.append(self.format(record))


class Http:
    """A werkzeug client that keeps every request line, status, header and body it saw."""

    def __init__(self, wsgi):
        self.client, self.seen = Client(wsgi), []

    def __call__(self, method, url, private=False, **kw):
        return self.open(url, method, private, **kw)

    def open(self, url, method="GET", private=False, **kw):
        r = self.client.open(url, method=method, **kw)
        body = "" if private else r.get_data(as_text=True)  # private: the liaison's clear view
        self.seen.append((f"{method} {url}", f"{r.status} {dict(r.headers)} {body}"))
        return r


def _pump(cap: Capture) -> list:
    while True:
        try:
            cap.conn.drain_events(timeout=0.1)
        except TimeoutError:
            return cap.received


def _count(cap: Capture, key: str) -> int:
    return [m.delivery_info["routing_key"] for m in _pump(cap)].count(key)


def _leaks(where: str, text: str) -> list[str]:
    return [f"{s!r} in {where}: …{text[max(0, text.find(s) - 80):text.find(s) + 80]}…"
            for s in SECRETS if s in text]


def _submit_everything(platform, settings, events, auth) -> dict:
    """Two liaison wishes (one a child's), a system's, a resident's, two refused, three queued."""
    hotline = System.on_queue(settings.broker_url, "gov-hotline")  # published as the guest
    posts = {
        "ouyang": (auth["liaison"], submission(
            **SCHOOLBAG, community_code="chuanhui-wenming",
            consent={**_consent(), "share_phone": True, "publicity": True}, wisher={
                "name": "欧阳秀英", "id_number": OUYANG, "phone": PHONES[0],
                "address": ADDRESSES[0], **ELIGIBLE})),
        "zhuge": (auth["liaison"], submission(
            **SCHOOLBAG, community_code="chuanhui-zhongzhou",
            consent=_consent("guardian", name="诸葛大伟"), wisher={
                "name": "诸葛小明", "id_number": ZHUGE, "phone": PHONES[2],
                "address": ADDRESSES[2], **ELIGIBLE})),
        "sima": (auth["system"], submission(
            **SCHOOLBAG, community_code="chuanhui-chenzhou", consent=_consent("self", "phone"),
            wisher={"name": "司马建华", "id_number": SIMA, "phone": PHONES[1],
                    "address": ADDRESSES[1], **ELIGIBLE})),
        "linghu": (auth["resident"], submission(  # a resident's own wish: no consent form
            **SCHOOLBAG, community_code="chuanhui-chenzhou", consent=OMIT, wisher={
                "name": "令狐春燕", "id_number": LINGHU, "phone": PHONES[6], **ELIGIBLE})),
    }
    subs = {}
    for key, (poster, body) in posts.items():
        r = poster.submit(body)
        assert r.status_code == 201, r.get_data(as_text=True)
        subs[key] = r.json["id"]
    bad = auth["liaison"].submit(submission(
        **SCHOOLBAG, community_code="chuanhui-wenming", wisher={
            "name": "欧阳秀英", "id_number": BAD_ID, "phone": "+86" + PHONES[4],
            "address": ADDRESSES[3], **ELIGIBLE}, consent=_consent()))
    assert bad.status_code == 422
    codes = {f["code"] for f in bad.json["error"]["fields"]}
    assert {"invalid_id_number", "invalid_phone"} <= codes
    unknown = submission(**SCHOOLBAG, community_code="chuanhui-wenming", wisher={
        "name": "欧阳秀英", "id_number": OUYANG, "phone": OMIT, **ELIGIBLE}, consent=_consent(),
        contact=PHONES[5])
    unknown["wisher"]["mobile"] = PHONES[0]
    r = auth["liaison"].submit(unknown)
    assert r.status_code == 422 and {f["code"] for f in r.json["error"]["fields"]} == {
        "unknown_field"}

    queued = submission(**SCHOOLBAG, community_code="chuanhui-wenchang", wisher={
        "name": "上官婉清", "id_number": SHANGGUAN, "phone": PHONES[3], "address": ADDRESSES[3],
        **ELIGIBLE}, consent=_consent("relative", "phone", "慕容复兴"))
    hotline.publish(queued, "hotline-mismatch")  # its broker_user is gov-hotline
    hotline.publish({**queued, "wisher": {**queued["wisher"], "id_number": BAD_ID}},
                    "hotline-bad-id")
    wait_for(lambda: _count(events, "submission.rejected.gov-hotline") == 2,
             what="two rejected receipts")
    with platform.dbs["intake"].uow() as unit:
        unit.session.execute(update(Account).where(Account.app_id == "gov-hotline")
                             .values(broker_user="guest"))
        unit.commit()
    hotline.publish(queued, "hotline-accepted")
    wait_for(lambda: _count(events, "submission.accepted.gov-hotline") == 2,
             what="the HTTP and the queued system submissions accepted")
    return subs


def _drive_and_read(http, auth, subs) -> None:
    """Claim, fulfil, confirm, award; then read everything each role may read."""
    wall = wait_for(lambda: len(items := http("GET", "/api/v1/wishes").json["items"]) == 5
                    and items, what="five wishes on the wall")
    assert all("*" in w["wisher"] for w in wall)
    claims = {}
    for key in ("ouyang", "sima", "zhuge"):
        r = auth["member"].claim(subs[key])
        assert r.status_code == 201, r.get_data(as_text=True)
        claims[key] = r.json["id"]
    # 欧阳 agreed: her liaison tells the claimer her phone, seen in clear by them alone (a private
    # read), and gone once the deed is confirmed; her story is then public, without it.
    reveal = auth["liaison"].post(f"/api/v1/claims/{claims['ouyang']}/phone-reveal", json={})
    assert reveal.status_code == 201, reveal.get_data(as_text=True)
    told = auth["member"].get(f"/api/v1/claims/{claims['ouyang']}", private=True).json
    assert told["wish"]["contact"]["phone"] == PHONES[0]
    done = auth["member"].post(f"/api/v1/claims/{claims['ouyang']}/fulfilment",
                               json={"note": "已送达"}, private=True)  # their view, still told
    assert done.json["wish"]["contact"]["phone"] == PHONES[0]
    assert auth["liaison"].confirm(claims["ouyang"]).status_code == 200
    stories = http("GET", "/api/v1/stories").json["items"]
    assert [s["wish_id"] for s in stories] == [subs["ouyang"]]
    assert TITLE in http("GET", "/stories").get_data(as_text=True)
    points = f"/api/v1/points/{auth['member'].id}"
    wait_for(lambda: auth["member"].get(points).json["total"] == 1, what="a point awarded")
    wait_for(lambda: auth["liaison"].get(f"/api/v1/submissions/{subs['ouyang']}").json["status"]
             == "confirmed", what="intake follows the wish to confirmed")
    sub = auth["liaison"].get(f"/api/v1/submissions/{subs['ouyang']}").json
    assert sub["wisher_masked"]["phone"] == "139****5678"
    claim = auth["member"].get(f"/api/v1/claims/{claims['sima']}").json
    assert claim["wish"]["contact"]["phone"] == "137****4321"
    for who, url in [("liaison", "/api/v1/submissions"), ("liaison", "/api/v1/reviews"),
                     ("liaison", "/api/v1/claims"), ("member", "/api/v1/claims"),
                     ("resident", "/api/v1/submissions"), ("district", "/api/v1/submissions"),
                     ("district", "/api/v1/reviews"), ("district", "/api/v1/claims"),
                     ("unit", "/api/v1/reports/unit"), ("unit", points),
                     ("liaison", "/api/v1/auth/me")]:
        assert auth[who].get(url).status_code == 200, url
    for wish_id in subs.values():
        assert auth["liaison"].get(f"/api/v1/submissions/{wish_id}").json["id"]
        auth["liaison"].get(f"/api/v1/reviews/{wish_id}")
        http("GET", f"/api/v1/wishes/{wish_id}")
    for claim_id in claims.values():
        auth["member"].get(f"/api/v1/claims/{claim_id}")
    assert auth["system"].get("/api/v1/submissions").json["items"]
    assert TITLE in http("GET", "/").get_data(as_text=True)
    form = http("GET", "/login?next=/my/claims").get_data(as_text=True)
    csrf = csrf_token(form)
    login = {"username": "member", "password": demo.DEMO_PASSWORD, "csrf_token": csrf,
             "next": "/my/claims"}
    assert http("POST", "/login", data=login).status_code == 303
    assert "137****4321" in http("GET", "/my/claims").get_data(as_text=True)


def test_known_personal_data_appears_only_in_the_liaisons_personal_view(settings):
    """Run the whole flow with known secrets; scan every log line, response and bus message."""
    records, root = Records(), logging.getLogger()
    json_lines = io.StringIO()  # the same records as the stack writes them (shared/logs.py)
    as_json = logs.handler("json", json_lines)
    old_level = root.level
    root.addHandler(records)
    root.addHandler(as_json)
    root.setLevel(logging.DEBUG)
    platform = AllInOne(settings)
    platform.migrate()
    events = Capture(settings.broker_url, "#")  # bound before anything is submitted
    platform.start()
    try:
        with platform.dbs["intake"].uow() as unit:
            demo.seed_accounts(unit.session)
            unit.commit()
        http = Http(platform.wsgi)  # every actor's requests and answers go through it
        auth = {user: role.log_in(http, user) for user, role in (
            ("liaison", Liaison), ("member", Claimer), ("resident", Resident),
            ("district", DistrictAdmin), ("unit", Actor))}
        auth["system"] = System.with_key(http, demo.DEMO_API_KEY)
        subs = _submit_everything(platform, settings, events, auth)
        _drive_and_read(http, auth, subs)
        # The one place clear data belongs; the scan would find it there (so it is not blind).
        for key, clear in [("ouyang", ["欧阳秀英", OUYANG, PHONES[0], ADDRESSES[0]]),
                           ("zhuge", ["诸葛小明", ZHUGE, "诸葛大伟"])]:
            body = auth["liaison"].get(f"/api/v1/submissions/{subs[key]}/personal",
                                       private=True).get_data(as_text=True)
            assert all(value in body for value in clear) and _leaks("the personal view", body)
        wait_for(lambda: len(auth["district"].audit(action="personal_data.read").json["items"])
                 == 2, what="both personal-data reads audited")
        _pump(events)
    finally:
        platform.stop()
        root.removeHandler(records)
        root.removeHandler(as_json)
        root.setLevel(old_level)
    dead = Capture(settings.broker_url, queue_name="intake.submissions.dead")
    kept = dead.take(2)
    dead.close()
    events.close()
    outbox = []
    for service in SERVICES:
        db = platform.dbs[service]
        with db.engine.connect() as conn:
            outbox += [(service, body) for body in conn.scalars(select(db.outbox.c.body))]
        db.dispose()

    def dump(value) -> str:
        return json.dumps(value, ensure_ascii=False, default=str)

    bus = [(m.delivery_info["routing_key"], f"{m.body} {dump(m.headers)} {dump(m.properties)}")
           for m in events.received]
    # Not vacuous: plenty of each was seen, and readable (the wish title is there in clear).
    assert len(records.lines) > 50 and len(http.seen) > 40 and len(bus) > 30 and len(outbox) > 30
    assert any(line.startswith("shared.consumer WARNING poison") for line in records.lines)
    assert any(TITLE in text for _, text in bus) and any(TITLE in body for _, body in outbox)
    assert {m.headers["x-reason"] for m in kept} == {
        "schema-invalid: wisher.id_number", "app_id not published by its own broker user"}
    parsed = [json.loads(line) for line in json_lines.getvalue().splitlines()]
    assert len(parsed) >= len(records.lines) // 2  # one line a record (tracebacks inside it)
    assert any(p["request_id"] and p["correlation_id"] for p in parsed)  # a request on a wish
    assert any(p["queue"] and p["message_id"] for p in parsed)  # a consumer's, e.g. the poison
    found = []
    for n, line in enumerate(records.lines):
        found += _leaks(f"log line {n}", line)
    for n, line in enumerate(json_lines.getvalue().splitlines()):
        found += _leaks(f"JSON log line {n}", line)
    for request, response in http.seen:
        found += _leaks(f"URL {request}", request) + _leaks(f"response to {request}", response)
    for key, text in bus:
        found += _leaks(f"bus message {key}", text)
    for m in kept:  # the dead copy keeps the sender's own body; only what we add must be clean
        found += _leaks(f"dead-letter headers of {m.properties.get('message_id')}",
                        dump(m.headers))
    for service, body in outbox:
        found += _leaks(f"{service} outbox row", body)
    assert not found, "\n".join(found)
