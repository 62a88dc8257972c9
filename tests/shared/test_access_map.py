"""The access map: every route declares who may call it; anonymous 401, wrong role 403, wrong
community or someone else's object 404, server-owned fields in a body 422 — on every app."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from services.intake.submissions.models import Submission
from services.matching.models import Claim, Member, Wish
from services.scoring.feedback.models import FeedbackReport
from services.scoring.models import Honour, LedgerEntry
from services.scoring.notices.models import ParticipationNotice
from services.verification.models import Review
from services.worker import service_module
from shared.access import ANYONE, ROLES, allowed_roles
from shared.envelope import utcnow
from shared.settings import SERVICES
from tests.factories import ID_NUMBER, community, organisation, published_wish, submission
from tests.helpers import bearer, principal

DUMMY = "00000000-0000-0000-0000-000000000000"
A, B = "comm-a", "comm-b"
SUBS = "/api/v1/submissions"
SERVER_OWNED = {"id": "x", "status": "confirmed", "member_id": "someone", "claimer": "x",
                "points": 99, "submitted_by": "x", "created_at": "2020-01-01",
                "role": "district_admin", "decided_by": "x"}
DESK_FORMS = "/review/<wish_id>/<any(approve, reject, 'request-info', edit, reopen):name>"
TRACKING_FORMS = "/tracking/claims/<claim_id>/<any(confirm, dispute, reinstate, reveal):action>"
MY_HANDOVERS = "/my/handovers/<handover_id>/<any(accept, decline):answer>"
MY_ASSIGNMENTS = "/my/assignments/<assignment_id>/<any(accept, decline):answer>"
HONOUR_STEPS = "/honours/<honour_id>/<any(select, review, issue, publish):step>"
NOTICE_STEPS = "/notices/<notice_id>/<any(review, issue):step>"
NOTICES = "/api/v1/notices/<notice_id>"
FEEDBACK = "/api/v1/reports/feedback/<report_id>"
FORM_POSTS = {("intake", "/login"), ("intake", "/logout"), ("intake", "/ops/replay"),
              ("matching", "/wishes/<wish_id>/claim"),
              ("matching", "/my/claims/<claim_id>/leave"),
              ("matching", "/my/claims/<claim_id>/fulfilment"),
              ("matching", "/my/claims/<claim_id>/release"),
              ("matching", "/my/claims/<claim_id>/messages"),
              ("matching", TRACKING_FORMS), ("scoring", HONOUR_STEPS),
              ("scoring", NOTICE_STEPS), ("scoring", "/notices/<notice_id>/wording"),
              ("scoring", "/notices/drafts"),
              ("scoring", "/my/points/listing"),
              ("matching", "/my/claims/<claim_id>/handover"), ("matching", MY_HANDOVERS),
              ("matching", MY_ASSIGNMENTS), ("matching", "/tracking/claims/<claim_id>/reassignment"),
              ("matching", "/tracking/claims/<claim_id>/messages"),
              ("matching", "/tracking/wishes/<wish_id>/assignment"),
              ("intake", "/submit"), ("intake", "/my/wishes/<submission_id>/info"),
              ("intake", "/join"), ("intake", "/join/organisation"),
              ("intake", "/accounts"), ("intake", "/accounts/<account_id>"),
              ("intake", "/accounts/<account_id>/password-reset"), ("intake", "/login/password"),
              ("verification", "/review/approve"), ("verification", DESK_FORMS)}
# Routes a machine calls with a shared token of its own, not a user session: the SMS gateway's
# delivery receipts (MICROWISH_SMS_RECEIPT_TOKEN). Their bodies are the caller's shape, not ours.
TOKEN_POSTS = {("matching", "/api/v1/notifications/sms-receipts")}
# Fields a route takes that other routes' clients must not send: a staff account's role is the
# district admin's to give (and a role that is not staff is refused with its own code).
ACCEPTED = {"/api/v1/accounts": {"role"}}
REVIEWS = "/api/v1/reviews"
ORGS = "/api/v1/members/organisations"


IN_A = {"community_code": A, "wisher": {"name": "王秀英"}}  # the name each personal view shows


@pytest.fixture
def apps(db_settings, make_db):
    """The four services' apps, each on its own freshly migrated PostgreSQL schema."""
    made = {s: service_module(s).create_app(db_settings, make_db(s)) for s in SERVICES}
    for app in made.values():
        app.config.update(TESTING=True)
    return made


def _rules(apps):
    """Every (service, rule, method, declared roles) of every app, HEAD and OPTIONS aside."""
    for service, app in apps.items():
        for rule in app.url_map.iter_rules():
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield service, rule, method, allowed_roles(app.view_functions[rule.endpoint])


def _path(rule, **values) -> str:
    """The rule's URL with each parameter filled from `values`, or with DUMMY (an `any` its first)."""
    def fill(m):
        choices = re.match(r"any\(\s*'?([^,')]+)", m.group(1) or "")
        return values.get(m.group(2), choices.group(1) if choices else DUMMY)
    return re.sub(r"<(?:([^:<>]+):)?([^<>]+)>", fill, rule.rule)


def _code(resp) -> str | None:
    return (resp.get_json(silent=True) or {}).get("error", {}).get("code")


def _caller(apps, db_settings):
    """call(service, method, path, who=None, **kw): one request, as `who` or anonymously."""
    def call(service, method, path, who=None, **kw):
        headers = bearer(db_settings, who) if who is not None else {}
        return apps[service].test_client().open(path, method=method, headers=headers, **kw)
    return call


def _count(app, model, *where) -> int:
    with app.extensions["microwish.db"].engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(model).where(*where))


def _add(app, *rows) -> None:
    with app.extensions["microwish.db"].uow() as unit:
        unit.session.add_all(rows)
        unit.commit()


def _review(wish_id: str, decision: str = "rejected") -> Review:
    return Review(wish_id=wish_id, community_code=A, decision=decision, rules=[],
                  decided_at=utcnow(), decided_by="service", source="web", source_ref=wish_id,
                  title="想要一台收音机", description="", kind="material", wisher_display="王**")


def test_every_route_declares_its_roles(db_settings, apps):
    """No rule of any app lacks a declaration, and an undeclared route is refused to everyone."""
    seen = list(_rules(apps))
    assert len(seen) > 30
    assert [(s, r.rule, m) for s, r, m, roles in seen if roles is None] == []
    fresh = service_module("scoring").create_app(db_settings, apps["scoring"].extensions["microwish.db"])
    fresh.add_url_rule("/undeclared", "undeclared", lambda: "x")
    resp = fresh.test_client().get("/undeclared", headers=bearer(db_settings, role="district_admin"))
    assert (resp.status_code, _code(resp)) == (403, "forbidden")


def test_anonymous_and_wrong_roles_are_refused_on_every_route(db_settings, apps):
    """Every non-public route answers 401 to anonymous callers and 403 to every role it omits."""
    call, checks = _caller(apps, db_settings), 0
    for service, rule, method, roles in _rules(apps):
        if roles is not None and ANYONE in roles:
            continue
        anonymous = (401, "authentication_required") if roles else (403, "forbidden")
        roles, body = roles or frozenset(), {"json": {}} if method == "POST" else {}
        resp = call(service, method, _path(rule), **body)
        assert (resp.status_code, _code(resp)) == anonymous, (rule, method)
        checks += 1
        for role in sorted(set(ROLES) - roles):
            who = principal(role, communities=[A, B], unit="U1", app_id="gov-a")
            resp = call(service, method, _path(rule), who, **body)
            assert (resp.status_code, _code(resp)) == (403, "forbidden"), (rule, method, role)
            checks += 1
    assert checks > 100


def test_wrong_community_and_other_peoples_objects_look_absent(db_settings, apps):
    """Each object route: the right role in the wrong scope gets 404; the right person gets 200."""
    call = _caller(apps, db_settings)
    liaison_a, liaison_b = principal("liaison", communities=[A]), principal("liaison", communities=[B])
    resident, other_resident = (principal("resident", communities=[A]) for _ in range(2))
    member, other_member = principal("member", unit="U1"), principal("member", unit="U1")
    gov_a, gov_b = principal("system", app_id="gov-a"), principal("system", app_id="gov-b")
    by_liaison = call("intake", "POST", SUBS, liaison_a, json=submission(**IN_A)).get_json()["id"]
    own = submission(**IN_A)
    del own["consent"]
    by_resident = call("intake", "POST", SUBS, resident, json=own).get_json()["id"]
    by_system = call("intake", "POST", SUBS, gov_a, json=submission(**IN_A)).get_json()["id"]
    _add(apps["matching"], published_wish("wish-1", community_code=A, submitted_by=resident.id),
         published_wish("sched-1", community_code=A, status="scheduled", published_at=None,
                        opens_at=utcnow()))
    assert call("intake", "POST", "/api/v1/communities", principal("district_admin"),
                json=community(code=A, district="comm", district_name="测试区")).status_code == 201
    _add(apps["verification"], _review("wish-1"))
    resp = call("matching", "POST", "/api/v1/wishes/wish-1/claims", member, json={})
    assert resp.status_code == 201, resp.get_json()
    claim = resp.get_json()["id"]
    _add(apps["scoring"], *[LedgerEntry(member_id=member.id, unit_code="U1", wish_id=f"w{n}",
                                        claim_id=f"c{n}", points=1, reason="wish.confirmed",
                                        at=utcnow()) for n in (1, 2)])

    def expect(status, service, method, path, *people, **kw):
        for who in people:
            resp = call(service, method, path, who, **kw)
            assert resp.status_code == status, (path, method, who.role, who.id, resp.get_json())
            if status == 404 and resp.is_json:
                assert _code(resp) == "not_found"
        return resp

    def submission_list():
        ids = lambda who: {s["id"] for s in call("intake", "GET", SUBS, who).get_json()["items"]}
        assert ids(liaison_b) == set() and ids(other_resident) == set()
        assert ids(gov_b) == set() and ids(resident) == {by_resident}
        assert ids(liaison_a) == {by_liaison, by_resident, by_system} and ids(gov_a) == {by_system}

    def submission_view():
        path = f"{SUBS}/{{}}".format
        expect(404, "intake", "GET", path(by_liaison), liaison_b, other_resident, resident, gov_b,
               gov_a)
        expect(404, "intake", "GET", path(by_resident), liaison_b, other_resident, gov_a)
        expect(404, "intake", "GET", path(by_system), liaison_b, resident, gov_b)
        expect(200, "intake", "GET", path(by_liaison), liaison_a, principal("district_admin"))
        expect(200, "intake", "GET", path(by_resident), resident, liaison_a)
        expect(200, "intake", "GET", path(by_system), gov_a)

    def personal():
        expect(404, "intake", "GET", f"{SUBS}/{by_liaison}/personal", liaison_b)
        resp = expect(200, "intake", "GET", f"{SUBS}/{by_liaison}/personal", liaison_a)
        assert resp.get_json()["wisher"]["name"] == "王秀英"

    def answer_info():
        change = {"changes": {"urgent": True}}
        expect(404, "intake", "POST", f"{SUBS}/{by_liaison}/info", liaison_b, other_resident,
               gov_b, json=change)
        expect(404, "intake", "POST", f"{SUBS}/{by_system}/info", liaison_b, gov_b, json=change)
        # In scope, but nothing was asked: refused as a state conflict, not hidden.
        expect(409, "intake", "POST", f"{SUBS}/{by_liaison}/info", liaison_a, json=change)

    def attachment():
        expect(404, "intake", "GET", f"{SUBS}/{by_liaison}/attachments/none", liaison_b,
               liaison_a)

    def status_page():
        path = "/my/wishes/{}".format
        expect(404, "intake", "GET", path(by_liaison), liaison_b, other_resident, resident)
        expect(404, "intake", "GET", path(by_resident), liaison_b, other_resident)
        expect(200, "intake", "GET", path(by_liaison), liaison_a)
        expect(200, "intake", "GET", path(by_resident), resident, liaison_a)
        expect(200, "intake", "GET", path(by_system), liaison_a)

    def answer_form():
        path, form = f"/my/wishes/{by_liaison}/info", {"data": {"note": "已补充"}}
        expect(404, "intake", "POST", path, liaison_b, other_resident, resident, **form)
        expect(409, "intake", "POST", path, liaison_a, **form)  # in scope, but nothing was asked

    def review():
        expect(404, "verification", "GET", "/api/v1/reviews/wish-1", liaison_b,
               principal("street_admin", communities=[B]))
        expect(200, "verification", "GET", "/api/v1/reviews/wish-1", liaison_a)

    def review_personal():
        sealed = _review("personal-1", "pending")
        sealed.wisher_sealed = apps["verification"].extensions["microwish.sealer"].seal(
            {"name": "王秀英", "id_number": ID_NUMBER})
        _add(apps["verification"], sealed)
        path = f"{REVIEWS}/personal-1/personal"
        expect(404, "verification", "GET", path, liaison_b)
        resp = expect(200, "verification", "GET", path, liaison_a)
        assert resp.get_json()["wisher"]["name"] == "王秀英"

    def review_page():
        expect(404, "verification", "GET", "/review/wish-1", liaison_b,
               principal("street_admin", communities=[B]))
        expect(200, "verification", "GET", "/review/wish-1", liaison_a, principal("district_admin"))

    def desk_action(method, path, decision, body, done, form=False):
        """Another community's liaison finds no such review; the wish's own liaison acts on it."""
        def check():
            wish_id = f"desk-{len(desk_wishes)}"
            desk_wishes.append(wish_id)
            _add(apps["verification"], _review(wish_id, decision))
            sent = {"data": body} if form else {"json": body}
            expect(404, "verification", method, path.format(wish_id), liaison_b, **sent)
            expect(done, "verification", method, path.format(wish_id), liaison_a, **sent)
            with apps["verification"].extensions["microwish.db"].uow() as unit:
                assert unit.session.get(Review, wish_id).decided_by == (
                    "service" if path.endswith("/edit") or method == "PATCH" else liaison_a.id)
        return check
    desk_wishes: list[str] = []

    def claim_wish(path):
        """Claiming is open to any claimer; nobody takes over a claimed wish or finds a missing one."""
        def check():
            expect(409, "matching", "POST", path.format("wish-1"), other_member, json={})
            expect(404, "matching", "POST", path.format("no-such-wish"), other_member, json={})
            assert _count(apps["matching"], Claim.__table__) == 1
        return check

    def claim_page():
        """The page before claiming: a missing wish, or one still waiting for 例会日, looks absent."""
        expect(404, "matching", "GET", "/wishes/no-such-wish/claim", other_member,
               principal("org_admin"))
        expect(404, "matching", "GET", "/wishes/sched-1/claim", principal("org_admin"))
        expect(200, "matching", "GET", "/wishes/wish-1/claim", principal("org_admin"))

    def get_claim():
        expect(404, "matching", "GET", f"/api/v1/claims/{claim}", other_member, liaison_b,
               principal("org_admin"), principal("street_admin", communities=[B]))
        expect(200, "matching", "GET", f"/api/v1/claims/{claim}", member, liaison_a)

    def release():
        expect(404, "matching", "POST", f"/api/v1/claims/{claim}/release", other_member, liaison_b,
               json={})

    def dispute():
        expect(404, "matching", "POST", f"/api/v1/claims/{claim}/dispute", liaison_b,
               json={"reason": "没有完成"})

    def handover():
        """Only who serves on a claim offers it; only the member it is offered to answers it."""
        expect(404, "matching", "POST", f"/api/v1/claims/{claim}/handover", other_member,
               json={"to": member.id})
        _add(apps["matching"], Member(id=other_member.id, kind="person", display_name="党员",
                                      party_member=True,
                                      community_code=A, skills=[], available_times=[],
                                      as_of=utcnow()))
        offer = expect(201, "matching", "POST", f"/api/v1/claims/{claim}/handover", member,
                       json={"to": other_member.id}).get_json()["id"]
        for answer in ("acceptance", "declination"):
            expect(404, "matching", "POST", f"/api/v1/handovers/{offer}/{answer}", member,
                   principal("member"), json={})

    def assignment():
        """Only the wish's liaisons assign it; only the one it is assigned to answers."""
        _add(apps["matching"], published_wish("wish-lonely", community_code=A,
                                              escalated_at=utcnow()))
        expect(404, "matching", "POST", "/api/v1/wishes/wish-lonely/assignment", liaison_b,
               json={"to": other_member.id})
        offer = expect(201, "matching", "POST", "/api/v1/wishes/wish-lonely/assignment",
                       liaison_a, json={"to": other_member.id}).get_json()["id"]  # registered
        for answer in ("acceptance", "declination"):  # by the handover check
            expect(404, "matching", "POST", f"/api/v1/assignments/{offer}/{answer}", member,
                   json={})

    def messages():
        """A claim's channel is its claimer's and its wish's liaisons'."""
        for method, kw in (("GET", {}), ("POST", {"json": {"body": "你好"}})):
            expect(404, "matching", method, f"/api/v1/claims/{claim}/messages", other_member,
                   liaison_b, **kw)
        expect(200, "matching", "GET", f"/api/v1/claims/{claim}/messages", member, liaison_a)

    def proof_photo():
        """A deed's photos are its wish's liaisons' to open (there are none here: still 404)."""
        expect(404, "matching", "GET", f"/api/v1/claims/{claim}/photos/no-such-photo",
               liaison_b, liaison_a)

    def phone_reveal():
        """Only the wish's liaisons tell its claimer the phone (here the wisher did not agree)."""
        path = f"/api/v1/claims/{claim}/phone-reveal"
        expect(404, "matching", "POST", path, liaison_b, json={})
        resp = call("matching", "POST", path, liaison_a, json={})
        assert (resp.status_code, _code(resp)) == (409, "no_phone_consent")

    def reassign():
        expect(404, "matching", "POST", f"/api/v1/claims/{claim}/reassignment", liaison_b,
               json={"to": other_member.id})

    def reinstate():
        expect(404, "matching", "POST", f"/api/v1/claims/{claim}/reinstatement", liaison_b,
               json={})

    def leave():
        """Only a group's members leave it; a claim of one claimer is no group to leave."""
        expect(404, "matching", "POST", f"/api/v1/claims/{claim}/leave", other_member, member,
               json={})
        expect(404, "matching", "POST", f"/my/claims/{claim}/leave", other_member, member,
               data={})

    def tracking_forms():
        """Only the wish's liaisons settle its claims from their tracking page."""
        for action in ("confirm", "dispute", "reinstate", "reveal"):
            expect(404, "matching", "POST", f"/tracking/claims/{claim}/{action}", liaison_b,
                   data={"reason": "没有完成"})

    def offer_forms():
        """From 我的认领: only who serves on a claim hands it over; only the member an offer or
        an assignment is made to answers it (the offers the API checks above made)."""
        expect(404, "matching", "POST", f"/my/claims/{claim}/handover", other_member,
               data={"to": member.id})
        for kind in ("handovers", "assignments"):
            [made, *_] = call("matching", "GET", f"/api/v1/{kind}", other_member).get_json()["items"]
            for answer in ("accept", "decline"):
                expect(404, "matching", "POST", f"/my/{kind}/{made['id']}/{answer}", member,
                       principal("member"), data={})

    def tracking_more_forms():
        """From 认领跟踪: only the wish's liaisons reassign its claim, reply on it, assign it."""
        expect(404, "matching", "POST", f"/tracking/claims/{claim}/reassignment", liaison_b,
               data={"to": other_member.id})
        expect(404, "matching", "POST", f"/tracking/claims/{claim}/messages", liaison_b,
               data={"body": "你好"})
        expect(303, "matching", "POST", f"/tracking/claims/{claim}/messages", liaison_a,
               data={"body": "你好"})
        expect(404, "matching", "POST", "/tracking/wishes/wish-lonely/assignment", liaison_b,
               data={"to": other_member.id})

    def my_claim_forms():
        """Only the claimer reports their deed done or gives it up from their claims page."""
        for form in ("fulfilment", "release", "messages"):
            expect(404, "matching", "POST", f"/my/claims/{claim}/{form}", other_member,
                   data={"reason": "no_time", "body": "你好"})

    def capacity():
        _add(apps["matching"], published_wish("wish-cap", community_code=A))
        expect(404, "matching", "POST", "/api/v1/wishes/wish-cap/capacity", liaison_b,
               json={"capacity": 3})
        expect(200, "matching", "POST", "/api/v1/wishes/wish-cap/capacity", liaison_a,
               json={"capacity": 3})

    def fulfilment():
        expect(404, "matching", "POST", f"/api/v1/claims/{claim}/fulfilment", other_member,
               principal("org_admin"), json={})
        expect(200, "matching", "POST", f"/api/v1/claims/{claim}/fulfilment", member, json={})

    def confirmation():
        expect(404, "matching", "POST", f"/api/v1/claims/{claim}/confirmation", liaison_b,
               other_resident, json={})
        resp = expect(200, "matching", "POST", f"/api/v1/claims/{claim}/confirmation", resident,
                      json={})
        assert resp.get_json()["status"] == "confirmed"

    def org_admin(code):
        """A newly registered organisation in community A, and its first admin as a caller."""
        resp = call("intake", "POST", ORGS, json=organisation(
            organisation={"code": code, "community_code": A}, admin={"username": f"{code}-admin"}))
        assert resp.status_code == 201, resp.get_json()
        return principal("org_admin", id=resp.get_json()["admin"]["id"], org=code)

    def org_page():
        own, other = org_admin("org-page"), principal("org_admin", org="org-other")
        expect(404, "intake", "GET", f"{ORGS}/org-page", other, liaison_b,
               principal("street_admin", communities=[B]))
        expect(200, "intake", "GET", f"{ORGS}/org-page", own, liaison_a,
               principal("district_admin"))

    def org_update():
        own, other = org_admin("org-update"), principal("org_admin", org="org-other")
        expect(404, "intake", "PATCH", f"{ORGS}/org-update", other, json={"name": "别人的"})
        expect(200, "intake", "PATCH", f"{ORGS}/org-update", own, json={"name": "川汇区团委会"})

    def org_admins():
        own, other = org_admin("org-admins"), principal("org_admin", org="org-other")
        new = {"username": "second-admin", "password": "long-enough", "name": "王强",
               "phone": "13800002222"}
        expect(404, "intake", "POST", f"{ORGS}/org-admins/admins", other, json=new)
        expect(201, "intake", "POST", f"{ORGS}/org-admins/admins", own, json=new)

    def scheduled(path, done_status):
        """A liaison's hand on a scheduled wish: only their communities' (the other's looks absent)."""
        def check():
            expect(404, "matching", "POST", path.format("sched-1"), liaison_b, json={})
            resp = expect(200, "matching", "POST", path.format("sched-1"), liaison_a, json={})
            assert resp.get_json()["status"] == done_status
        return check

    def community_update():
        """Master data, not private: a district admin elsewhere is told so (403), not misled."""
        path = "/api/v1/communities/" + A
        resp = call("intake", "PATCH", path, principal("district_admin", communities=["pudong"]),
                    json={"name": "别的区改名"})
        assert (resp.status_code, _code(resp)) == (403, "district_forbidden")
        expect(200, "intake", "PATCH", path, principal("district_admin"), json={"name": "文明社区"})

    def staff_accounts():
        """A district admin of other districts finds no staff of comm's; one of comm's does."""
        from services.intake.accounts.actions import create_account
        with apps["intake"].extensions["microwish.db"].uow() as unit:
            account, _ = create_account(unit.session, "staff-a", "liaison", "联络员", "pw-long-1",
                                        communities=[A])
            unit.commit()
        path, other = f"/api/v1/accounts/{account.id}", principal("district_admin",
                                                                    communities=["elsewhere"])
        own = principal("district_admin", communities=["comm"])
        for method, route, body in (("GET", path, {}), ("PATCH", path, {"json": {"name": "王"}}),
                                    ("POST", f"{path}/password-reset", {}),
                                    ("POST", f"/accounts/{account.id}", {"data": {"name": "李"}}),
                                    ("POST", f"/accounts/{account.id}/password-reset", {})):
            expect(404, "intake", method, route, other, **body)
            expect(303 if route == f"/accounts/{account.id}" else 200, "intake", method, route,
                   own, principal("district_admin"), **body)

    def systems():
        """Systems span the city: a district admin of some districts finds none."""
        from services.intake.accounts.actions import create_account
        with apps["intake"].extensions["microwish.db"].uow() as unit:
            create_account(unit.session, "gov-map", "system", "系统", app_id="gov-map",
                           broker_user="gov-map")
            unit.commit()
        scoped = principal("district_admin", communities=["comm"])
        for method, route in (("POST", "api-key"), ("POST", "broker-password"),
                              ("POST", "revocation"), ("DELETE", "")):
            path = f"/api/v1/systems/gov-map/{route}".rstrip("/")
            expect(404, "intake", method, path, scoped)
            expect(200, "intake", method, path, principal("district_admin"))

    def points():
        path = f"/api/v1/points/{member.id}"
        expect(404, "scoring", "GET", path, other_member, principal("org_admin"),
               principal("unit_admin", unit="U2"), principal("unit_admin"))
        expect(200, "scoring", "GET", path, principal("unit_admin", unit="U1"),
               principal("district_admin"))
        assert expect(200, "scoring", "GET", path, member).get_json()["total"] == 2

    def reversal():
        """Only the district corrects an entry; one that does not exist looks absent."""
        _add(apps["scoring"], LedgerEntry(member_id="m-r", wish_id="w-r", claim_id="c-r", points=1,
                                          reason="wish.confirmed", at=utcnow()))
        with apps["scoring"].extensions["microwish.db"].engine.connect() as conn:
            entry = conn.scalar(select(LedgerEntry.id).where(LedgerEntry.claim_id == "c-r"))
        body = {"json": {"reason": "重复记分"}}
        expect(404, "scoring", "POST", "/api/v1/ledger/999999/reversal", principal("district_admin"),
               **body)
        expect(201, "scoring", "POST", f"/api/v1/ledger/{entry}/reversal",
               principal("district_admin"), **body)

    def stats():
        """A street admin counts only their communities; asking for another's finds nothing."""
        for path in ("/api/v1/stats", "/api/v1/stats/export.xlsx", "/stats"):
            expect(404, "scoring", "GET", f"{path}?community={A}",
                   principal("street_admin", communities=[B]))
            expect(200, "scoring", "GET", f"{path}?community={A}",
                   principal("street_admin", communities=[A]), principal("district_admin"))

    def honour(status: str = "drafted", **changes) -> int:
        """A letter honour of `member` in community A, as the ledger's crossing drafts it (one a
        year: a member has one letter a year)."""
        honour_years.append(2000 + len(honour_years))
        row = Honour(member_id=member.id, year=honour_years[-1], level="letter", status=status, points=20,
                     community_code=A, unit_code="U1", unit_name="测试单位", granted_at=utcnow(),
                     history=[], **changes)
        _add(apps["scoring"], row)
        return row.id

    honour_years: list[int] = []

    def honour_view():
        path = f"/api/v1/honours/{honour()}"
        expect(404, "scoring", "GET", path, liaison_b, principal("street_admin", communities=[B]))
        expect(200, "scoring", "GET", path, liaison_a, principal("district_admin"))

    def honour_step():
        """Only the honour's community's liaison reviews its letter; elsewhere it looks absent."""
        path = f"/api/v1/honours/{honour()}/review"
        expect(404, "scoring", "POST", path, liaison_b, json={})
        expect(200, "scoring", "POST", path, liaison_a, json={})

    def honour_step_form():
        path = f"/honours/{honour()}/review"
        expect(404, "scoring", "POST", path, liaison_b, data={})
        expect(303, "scoring", "POST", path, liaison_a, data={})

    def honour_letter():
        """The letter is the member's, their unit admin's and the issuing bodies'."""
        path = f"/api/v1/honours/{honour('issued', number=7, issued_on=utcnow().date())}/letter.pdf"
        expect(404, "scoring", "GET", path, other_member, principal("unit_admin", unit="U2"),
               principal("unit_admin"), liaison_b)
        expect(200, "scoring", "GET", path, member, principal("unit_admin", unit="U1"))

    def notice(status: str = "drafted", **changes) -> int:
        """A notice of unit U1's inactive members in community A, as the scan drafts it."""
        row = ParticipationNotice(
            kind="inactive_members", unit_code="U1", unit_name="测试单位", scope=A,
            community_code=A, district="comm", period=f"p{len(notice_periods)}", year=2026,
            start=utcnow().date(), end=utcnow().date(), status=status,
            facts={"members": [{"member_id": "m-x", "name": "王建华", "community": "A社区"}],
                   "community": "A社区", "district": "测试区"},
            body="贵单位以下在职党员尚未参加社区活动，请予关注。", drafted_at=utcnow(), history=[],
            **changes)
        notice_periods.append(row.period)
        _add(apps["scoring"], row)
        return row.id

    notice_periods: list[str] = []
    street_a, street_b = (principal("street_admin", communities=[c]) for c in (A, B))

    def notice_view():
        """Staff of the notice's community see it; a unit admin only their unit's, once issued."""
        drafted, issued = notice(), notice("issued", number=90, issued_on=utcnow().date())
        for path in (f"/api/v1/notices/{drafted}", f"/api/v1/notices/{issued}"):
            expect(404, "scoring", "GET", path, street_b, principal("unit_admin", unit="U2"))
            expect(200, "scoring", "GET", path, street_a, principal("district_admin"))
        expect(404, "scoring", "GET", f"/api/v1/notices/{drafted}",
               principal("unit_admin", unit="U1"))
        expect(200, "scoring", "GET", f"/api/v1/notices/{issued}",
               principal("unit_admin", unit="U1"))
        expect(200, "scoring", "GET", f"/api/v1/notices/{issued}/notice.pdf",
               principal("unit_admin", unit="U1"), street_a)
        expect(404, "scoring", "GET", f"/api/v1/notices/{issued}/notice.pdf",
               principal("unit_admin", unit="U2"), principal("unit_admin"), street_b)

    def notice_steps():
        """Only the street admin of the notice's community rewords, reviews and issues it."""
        body = {"json": {"body": "贵单位以下在职党员尚未参加社区活动，请予关注和提醒。"}}
        expect(404, "scoring", "PATCH", f"/api/v1/notices/{notice()}", street_b, **body)
        expect(200, "scoring", "PATCH", f"/api/v1/notices/{notice()}", street_a, **body)
        path = f"/api/v1/notices/{notice()}/review"
        expect(404, "scoring", "POST", path, street_b, json={})
        expect(200, "scoring", "POST", path, street_a, json={})
        form = f"/notices/{notice()}/review"
        expect(404, "scoring", "POST", form, street_b, data={})
        expect(303, "scoring", "POST", form, street_a, data={})
        wording = f"/notices/{notice()}/wording"
        expect(404, "scoring", "POST", wording, street_b, data={"body": "请予关注，谢谢贵单位支持。"})
        expect(303, "scoring", "POST", wording, street_a, data={"body": "请予关注，谢谢贵单位支持。"})

    def feedback():
        """A unit admin reads their own unit's report only; the district every one."""
        row = FeedbackReport(unit_code="U1", unit_name="测试单位", year=2026, half=1,
                             generated_at=utcnow(), generated_by="service:scoring",
                             facts={"half": "2026-H1", "label": "2026年上半年", "unit_name": "测试单位",
                                    "totals": {"members": 0, "active": 0, "deeds": 0,
                                               "points": "0"}, "members": []})
        _add(apps["scoring"], row)
        for path in (f"/api/v1/reports/feedback/{row.id}",
                     f"/api/v1/reports/feedback/{row.id}/report.pdf",
                     f"/api/v1/reports/feedback/{row.id}/report.xlsx"):
            expect(404, "scoring", "GET", path, principal("unit_admin", unit="U2"),
                   principal("unit_admin"))
            expect(200, "scoring", "GET", path, principal("unit_admin", unit="U1"),
                   principal("district_admin"))

    def points_card():
        """The card is the caller's own: another member's shows none of these entries."""
        mine = call("scoring", "GET", "/my/points", member)
        others = call("scoring", "GET", "/my/points", other_member)
        assert mine.status_code == others.status_code == 200
        assert 'data-entry-id="' in mine.get_data(as_text=True)
        assert 'data-entry-id="' not in others.get_data(as_text=True)

    def leaderboards():
        """Public: masked names only, never a member's id; a member's choice is their own."""
        for board in ("members", "units", "communities"):
            resp = call("scoring", "GET", f"/api/v1/leaderboards?board={board}")
            assert resp.status_code == 200 and member.id not in resp.get_data(as_text=True)
        expect(200, "scoring", "PUT", "/api/v1/leaderboard/preference", other_member,
               json={"listed": False})
        assert call("scoring", "GET", "/api/v1/leaderboard/preference", member).get_json() == {
            "listed": True}

    scope = {
        ("scoring", NOTICES, "GET"): notice_view,
        ("scoring", f"{NOTICES}/notice.pdf", "GET"): notice_view,
        ("scoring", NOTICES, "PATCH"): notice_steps,
        ("scoring", f"{NOTICES}/<any(review, issue):step>", "POST"): notice_steps,
        ("scoring", NOTICE_STEPS, "POST"): notice_steps,
        ("scoring", "/notices/<notice_id>/wording", "POST"): notice_steps,
        ("scoring", FEEDBACK, "GET"): feedback,
        ("scoring", f"{FEEDBACK}/report.<any(pdf, xlsx):kind>", "GET"): feedback,
        ("scoring", "/my/points", "GET"): points_card,
        ("scoring", "/api/v1/leaderboards", "GET"): leaderboards,
        ("scoring", "/api/v1/leaderboard/preference", "PUT"): leaderboards,
        ("scoring", "/api/v1/honours/<honour_id>", "GET"): honour_view,
        ("scoring", "/api/v1/honours/<honour_id>/<any(select, review, issue, publish):step>",
         "POST"): honour_step,
        ("scoring", HONOUR_STEPS, "POST"): honour_step_form,
        ("scoring", "/api/v1/honours/<honour_id>/letter.pdf", "GET"): honour_letter,
        ("intake", SUBS, "GET"): submission_list,
        ("intake", "/api/v1/submissions/<submission_id>", "GET"): submission_view,
        ("intake", "/api/v1/submissions/<submission_id>/personal", "GET"): personal,
        ("intake", "/api/v1/submissions/<submission_id>/info", "POST"): answer_info,
        ("intake", "/api/v1/submissions/<submission_id>/attachments/<attachment_id>", "GET"):
            attachment,
        ("intake", "/my/wishes/<submission_id>", "GET"): status_page,
        ("intake", "/my/wishes/<submission_id>/info", "POST"): answer_form,
        ("verification", "/api/v1/reviews/<wish_id>", "GET"): review,
        ("verification", "/api/v1/reviews/<wish_id>", "PATCH"):
            desk_action("PATCH", REVIEWS + "/{}", "pending", {"category": "legal"}, 200),
        ("verification", "/api/v1/reviews/<wish_id>/approve", "POST"):
            desk_action("POST", REVIEWS + "/{}/approve", "pending", {"note": "已上门核实"}, 200),
        ("verification", "/api/v1/reviews/<wish_id>/reject", "POST"):
            desk_action("POST", REVIEWS + "/{}/reject", "pending", {"reason": "不符合条件"}, 200),
        ("verification", "/api/v1/reviews/<wish_id>/request-info", "POST"):
            desk_action("POST", REVIEWS + "/{}/request-info", "pending", {"message": "请补充"}, 200),
        ("verification", "/api/v1/reviews/<wish_id>/reopen", "POST"):
            desk_action("POST", REVIEWS + "/{}/reopen", "rejected", {"note": "重新核实"}, 200),
        ("verification", "/api/v1/reviews/<wish_id>/personal", "GET"): review_personal,
        ("verification", "/review/<wish_id>", "GET"): review_page,
        ("verification", DESK_FORMS, "POST"): lambda: [check() for check in (
            desk_action("POST", "/review/{}/approve", "pending", {"note": "已上门核实"}, 303, True),
            desk_action("POST", "/review/{}/reject", "pending", {"reason": "不符合条件"}, 303, True),
            desk_action("POST", "/review/{}/request-info", "pending", {"message": "请补充"}, 303,
                        True),
            desk_action("POST", "/review/{}/edit", "pending", {"category": "legal"}, 303, True),
            desk_action("POST", "/review/{}/reopen", "rejected", {"note": "重新核实"}, 303, True))],
        ("matching", "/api/v1/wishes/<wish_id>/claims", "POST"):
            claim_wish("/api/v1/wishes/{}/claims"),
        ("matching", "/wishes/<wish_id>/claim", "POST"): claim_wish("/wishes/{}/claim"),
        ("matching", "/wishes/<wish_id>/claim", "GET"): claim_page,
        ("matching", "/api/v1/claims/<claim_id>", "GET"): get_claim,
        ("matching", "/api/v1/claims/<claim_id>/release", "POST"): release,
        ("matching", "/api/v1/claims/<claim_id>/reinstatement", "POST"): reinstate,
        ("matching", "/api/v1/claims/<claim_id>/dispute", "POST"): dispute,
        ("matching", "/api/v1/claims/<claim_id>/handover", "POST"): handover,
        ("matching", "/api/v1/handovers/<handover_id>/acceptance", "POST"): handover,
        ("matching", "/api/v1/handovers/<handover_id>/declination", "POST"): handover,
        ("matching", "/api/v1/claims/<claim_id>/reassignment", "POST"): reassign,
        ("matching", "/api/v1/claims/<claim_id>/phone-reveal", "POST"): phone_reveal,
        ("matching", "/api/v1/wishes/<wish_id>/assignment", "POST"): assignment,
        ("matching", "/api/v1/claims/<claim_id>/messages", "GET"): messages,
        ("matching", "/api/v1/claims/<claim_id>/photos/<photo_id>", "GET"): proof_photo,
        ("matching", "/api/v1/claims/<claim_id>/messages", "POST"): messages,
        ("matching", "/api/v1/assignments/<assignment_id>/acceptance", "POST"): assignment,
        ("matching", "/api/v1/assignments/<assignment_id>/declination", "POST"): assignment,
        ("matching", "/api/v1/claims/<claim_id>/leave", "POST"): leave,
        ("matching", "/my/claims/<claim_id>/leave", "POST"): leave,
        ("matching", "/my/claims/<claim_id>/fulfilment", "POST"): my_claim_forms,
        ("matching", "/my/claims/<claim_id>/release", "POST"): my_claim_forms,
        ("matching", "/my/claims/<claim_id>/messages", "POST"): my_claim_forms,
        ("matching", TRACKING_FORMS, "POST"): tracking_forms,
        ("matching", "/my/claims/<claim_id>/handover", "POST"): offer_forms,
        ("matching", MY_HANDOVERS, "POST"): offer_forms,
        ("matching", MY_ASSIGNMENTS, "POST"): offer_forms,
        ("matching", "/tracking/claims/<claim_id>/reassignment", "POST"): tracking_more_forms,
        ("matching", "/tracking/claims/<claim_id>/messages", "POST"): tracking_more_forms,
        ("matching", "/tracking/wishes/<wish_id>/assignment", "POST"): tracking_more_forms,
        ("matching", "/api/v1/wishes/<wish_id>/capacity", "POST"): capacity,
        ("matching", "/api/v1/claims/<claim_id>/fulfilment", "POST"): fulfilment,
        ("matching", "/api/v1/claims/<claim_id>/confirmation", "POST"): confirmation,
        ("matching", "/api/v1/wishes/<wish_id>/hold", "POST"):
            scheduled("/api/v1/wishes/{}/hold", "scheduled"),
        ("matching", "/api/v1/wishes/<wish_id>/resume", "POST"):
            scheduled("/api/v1/wishes/{}/resume", "scheduled"),
        ("matching", "/api/v1/wishes/<wish_id>/publish-now", "POST"):
            scheduled("/api/v1/wishes/{}/publish-now", "published"),
        ("intake", "/api/v1/communities/<code>", "PATCH"): community_update,
        ("scoring", "/api/v1/points/<member_id>", "GET"): points,
        ("scoring", "/api/v1/ledger/<entry_id>/reversal", "POST"): reversal,

        ("scoring", "/api/v1/stats", "GET"): stats,
        ("scoring", "/api/v1/stats/export.xlsx", "GET"): stats,
        ("scoring", "/stats", "GET"): stats,
        ("intake", f"{ORGS}/<code>", "GET"): org_page,
        ("intake", f"{ORGS}/<code>", "PATCH"): org_update,
        ("intake", f"{ORGS}/<code>/admins", "POST"): org_admins,
        ("intake", "/api/v1/accounts/<account_id>", "GET"): staff_accounts,
        ("intake", "/api/v1/accounts/<account_id>", "PATCH"): staff_accounts,
        ("intake", "/api/v1/accounts/<account_id>/password-reset", "POST"): staff_accounts,
        ("intake", "/accounts/<account_id>", "POST"): staff_accounts,
        ("intake", "/accounts/<account_id>/password-reset", "POST"): staff_accounts,
        ("intake", "/api/v1/systems/<app_id>/api-key", "POST"): systems,
        ("intake", "/api/v1/systems/<app_id>/broker-password", "POST"): systems,
        ("intake", "/api/v1/systems/<app_id>/revocation", "POST"): systems,
        ("intake", "/api/v1/systems/<app_id>", "DELETE"): systems,
    }
    for check in dict.fromkeys(scope.values()):  # a check covering several routes runs once
        check()
    object_routes = {(s, r.rule, m) for s, r, m, roles in _rules(apps)
                     if ANYONE not in (roles or ()) and r.arguments}
    assert len(object_routes) >= 10
    assert object_routes <= scope.keys(), object_routes - scope.keys()


def test_server_owned_fields_are_refused_per_endpoint(db_settings, apps):
    """Every JSON POST refuses status, claimer, points, ids and the like with 422 unknown_field."""
    call = _caller(apps, db_settings)
    _add(apps["matching"], published_wish("wish-1", community_code=A),
         published_wish("wish-2", community_code=A, status="claimed"))
    _add(apps["matching"], Claim(id="claim-2", wish_id="wish-2", member_id="m-1", unit_code="U1",
                                 status="claimed", claimed_at=utcnow()))
    _add(apps["verification"], _review("wish-1"))
    valid = {SUBS: submission(**IN_A),
             "/api/v1/auth/login": {"username": "nobody", "password": "pw"},
             "/api/v1/auth/refresh": {"refresh_token": "x"},
             "/api/v1/reviews/<wish_id>/approve": {"note": "已核实"},
             "/api/v1/reviews/<wish_id>/reject": {"reason": "不符合条件"},
             "/api/v1/reviews/<wish_id>/request-info": {"message": "请补充"},
             "/api/v1/reviews/<wish_id>/reopen": {"note": "重新核实"},
             "/api/v1/reviews/approve": {"wish_ids": ["wish-1"]},
             "/api/v1/claims/<claim_id>/fulfilment": {"note": "已送到"},
             "/api/v1/wishes/<wish_id>/capacity": {"capacity": 2}}
    tested = set()
    for service, rule, method, roles in _rules(apps):
        if method != "POST" or (service, rule.rule) in FORM_POSTS | TOKEN_POSTS:
            continue
        preferred = [r for r in ("liaison", "member") if r in roles] or sorted(roles)
        who = None if ANYONE in roles else principal(preferred[0], communities=[A], unit="U1",
                                                      app_id="gov-a")
        body = {**valid.get(rule.rule, {}), **SERVER_OWNED}
        owned = set(SERVER_OWNED) - ACCEPTED.get(rule.rule, set())
        resp = call(service, method, _path(rule, wish_id="wish-1", claim_id="claim-2"), who,
                    json=body)
        assert (resp.status_code, _code(resp)) == (422, "validation_failed"), (rule, resp.get_json())
        unknown = {f["field"] for f in resp.get_json()["error"]["fields"]
                   if f["code"] == "unknown_field"}
        assert unknown == owned, (rule.rule, unknown)
        tested.add((service, rule.rule))
    assert len(tested) >= 9
    assert _count(apps["intake"], Submission.__table__) == 0
    assert _count(apps["matching"], Claim.__table__) == 1
    assert _count(apps["matching"], Claim.__table__, Claim.status == "claimed") == 1
    assert _count(apps["matching"], Wish.__table__, Wish.status == "published") == 1
    assert _count(apps["verification"], Review.__table__, Review.decision == "rejected") == 1
    for app in apps.values():
        assert _count(app, app.extensions["microwish.db"].outbox) == 0


def test_token_routes_take_their_shared_token_and_no_user_session(db_settings, apps):
    """The gateway's routes: public as far as sessions go, but nobody without the token gets
    in: not anonymous callers, not any role's session, not a wrong token."""
    call = _caller(apps, db_settings)
    declared = {(s, r.rule) for s, r, m, roles in _rules(apps) if m == "POST"
                and roles is not None and ANYONE in roles and r.rule.startswith("/api/v1/notif")}
    assert declared == TOKEN_POSTS
    for service, path in TOKEN_POSTS:
        assert (call(service, "POST", path, json=[]).status_code, _code(
            call(service, "POST", path, json=[]))) == (401, "invalid_api_key")
        for role in ROLES:
            resp = call(service, "POST", path, principal(role, communities=[A]), json=[])
            assert (resp.status_code, _code(resp)) == (401, "invalid_api_key"), role
        resp = apps[service].test_client().post(path, json=[],
                                                headers={"X-Receipt-Token": "guessed"})
        assert (resp.status_code, _code(resp)) == (401, "invalid_api_key")
