"""What a source system hears about its wishes, on its own receipts queue, over the real broker:
a wish left to the desk (pending_review), the desk asking for named fields (needs_info with
fields_needed), and matching scheduling and publishing it; the submitter's page shows the fields."""
from __future__ import annotations

import json
import uuid

import pytest
from kombu import Connection

from services.intake.accounts.systems import declare_receipts
from services.intake.config import Config as IntakeConfig
from services.intake.submissions.models import Submission
from services.verification.app import create_app as verification_app
from services.verification.models import Review
from services.worker import runtime
from shared.envelope import make_event
from shared.tokens import Tokens
from shared.vocab import INFO_FIELDS, REVIEW_REASONS
from tests.actors import HOTLINE as APP, Liaison
from tests.factories import COMMUNITY, ID_NUMBER, NAME, PHONE, submission
from tests.conftest import HTML
from tests.helpers import Capture, publish_event, wait_for

ASKED = ["wisher.household_monthly_income", "attachments"]
# Per capita 1300 a month against 川汇区's 1250: left to the desk (income_near_threshold).
NEAR = submission(wisher={"target_groups": ["elderly_alone"], "household_size": 2,
                          "household_monthly_income": 2600})


@pytest.fixture
def verification(settings, make_db):
    """Verification's worker on the same broker: it decides what intake sends it."""
    db = make_db("verification")
    rt = runtime("verification", settings, db)
    rt.start()
    yield db
    rt.stop()


@pytest.fixture
def receipts(settings, intake):
    """The hotline's own receipts queue, as the platform declares it when it registers a system."""
    with Connection(settings.broker_url) as conn:
        declare_receipts(conn, intake)
    capture = Capture(settings.broker_url, queue_name=f"receipts.{APP}")
    yield capture
    capture.close()


def _payloads(capture, n: int) -> list[dict]:
    return [json.loads(m.body)["payload"] for m in capture.take(n)]


def _status(payloads: list[dict], status: str) -> dict:
    return next(p for p in payloads if p.get("status") == status)


def test_a_wish_left_to_the_desk_then_asked_for_fields_is_heard_by_its_system(
        settings, db_settings, intake, verification, hotline, receipts, liaison):
    ref = f"hotline-{uuid.uuid4().hex[:6]}"
    hotline.publish(NEAR, message_id=ref)
    accepted, waiting = _payloads(receipts, 2)
    assert accepted["source_ref"] == ref and waiting["status"] == "pending_review"
    wish_id = accepted["wish_id"]
    assert (waiting["wish_id"], waiting["source"], waiting["source_ref"]) == (wish_id, APP, ref)
    assert [r["code"] for r in waiting["reasons"]] == ["income_near_threshold"]
    assert all(r["message"] == REVIEW_REASONS[r["code"]] for r in waiting["reasons"])
    for secret in (NAME, PHONE, ID_NUMBER, "1300", "2600"):
        assert secret not in json.dumps(waiting, ensure_ascii=False)
    with intake.session() as s:
        sub = s.get(Submission, wish_id)
        assert sub.status == "received"  # a step in its history, not a status
        assert [h.status for h in sub.history][-1] == "pending_review"

    desk = Liaison.signed(verification_app(db_settings, verification).test_client(), db_settings,
                          liaison)
    asked = desk.request_info(wish_id, message="请提供近三个月的收入证明", fields_needed=ASKED)
    assert asked.status_code == 200, asked.get_data(as_text=True)
    needs = _status(_payloads(receipts, 3), "needs_info")
    assert needs["fields_needed"] == ASKED and needs["reasons"][0]["code"] == "info_needed"


def test_scheduled_and_published_reach_the_system_that_sent_the_wish(settings, intake, hotline,
                                                                     receipts):
    hotline.publish(submission(), message_id="hotline-sched")  # verification is not running
    [accepted] = _payloads(receipts, 1)
    wish_id = accepted["wish_id"]
    source = {"wish_id": wish_id, "source": APP, "source_ref": "hotline-sched"}
    # As matching emits them: waiting for the meeting day, then on the wall.
    publish_event(settings.broker_url, make_event("wish.scheduled", {
        **source, "community_code": COMMUNITY, "opens_at": "2026-12-05T01:00:00+00:00"},
        "matching"))
    publish_event(settings.broker_url, make_event("wish.published", {
        **source, "community_code": COMMUNITY, "title": "想要一套棉衣棉裤",
        "batch": f"{COMMUNITY}:2026-12-05"}, "matching"))
    heard = _payloads(receipts, 3)
    scheduled, published = _status(heard, "scheduled"), _status(heard, "published")
    assert scheduled["opens_at"] == "2026-12-05T01:00:00+00:00"
    assert scheduled["reasons"][0]["code"] == "scheduled"
    assert published["wish_id"] == scheduled["wish_id"] == wish_id
    assert {m.delivery_info["routing_key"] for m in receipts.received[1:]} == {
        f"submission.status.{APP}"}


def _desk_browser(db_settings, db, who) -> Liaison:
    """The review desk's pages as `who` in a browser (session cookie, HTML), as browser_of."""
    app = verification_app(db_settings, db)
    app.config.update(TESTING=True)
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT"] = HTML
    token, _ = Tokens(db_settings.token_keys).issue(who, IntakeConfig.session_ttl_seconds,
                                                    "session")
    client.set_cookie("mw_session", token)
    return Liaison(client, who=who)


def test_the_fields_the_desk_asks_for_by_form_reach_the_submitters_page(
        db_settings, intake, verification, client, browser_of, liaison):
    made = client.submit(NEAR)  # the liaison posts it for the resident
    assert made.status_code == 201, made.get_data(as_text=True)
    wish_id = made.get_json()["id"]
    with verification.session() as s:
        wait_for(lambda: s.get(Review, wish_id) is not None or s.expire_all(),
                 what="the wish on the desk")
    desk = _desk_browser(db_settings, verification, liaison)
    sent = desk.desk(f"/review/{wish_id}/request-info", message="请补充家庭收入和照片",
                     fields_needed=ASKED)
    assert sent.status_code in (200, 303), sent.get_data(as_text=True)
    wait_for(lambda: client.get(f"/api/v1/submissions/{wish_id}").get_json()["status"]
             == "needs_info", what="needs_info followed by intake")
    shown = client.get(f"/api/v1/submissions/{wish_id}").get_json()
    assert shown["info_requested_fields"] == ASKED
    page = browser_of(liaison).get(f"/my/wishes/{wish_id}").get_data(as_text=True)
    for name in ASKED:
        assert f'<li data-field="{name}">{INFO_FIELDS[name]}</li>' in page
