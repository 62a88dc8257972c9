"""A submitter follows their wish's whole life, answers requests for information, and systems hear it all."""
from __future__ import annotations

import json
from datetime import datetime, timezone

from sqlalchemy import func, select

from services.intake.submissions import handlers, rules
from services.intake.submissions.models import Submission
from shared.envelope import delivered, make_event
from shared.pii import Sealer
from tests.factories import COMMUNITY, ID_NUMBER as IDN, submission
from tests.helpers import Capture, person_id, publish_event, wait_for
from tests.actors import HOTLINE as APP

URL = "/api/v1/submissions"
HOUSEHOLD = {"household_size": 1, "household_monthly_income": 900}


def _outcome(db, type_: str, wish_id: str, **payload) -> None:
    """Apply an event another service would emit about the wish, as intake's consumer does."""
    body = {"wish_id": wish_id, "source": rules.WEB, "source_ref": "x", **payload}
    if type_ in ("wish.claimed", "wish.fulfilled", "wish.confirmed", "wish.released",
                 "wish.reinstated", "wish.disputed"):
        body = {"wish_id": wish_id, "claim_id": "c1", "member_id": "m1", **payload}
    if type_ == "wish.escalated":
        body = {"wish_id": wish_id, **payload}
    if type_ == "wish.published":
        body.update(community_code=COMMUNITY, title="t")
    if type_ == "wish.verified":
        body.update(community_code=COMMUNITY, title="t", description="d", kind="material",
                    wisher_display="孙*", submitted_by=None, contact_masked={})
    with db.uow() as uow:
        handlers.record_outcome(uow, delivered(make_event(type_, body, "test")))
        uow.commit()


def _outbox(db, type_: str) -> list[dict]:
    with db.engine.connect() as conn:
        rows = conn.execute(select(db.outbox.c.body, db.outbox.c.routing_key)
                            .where(db.outbox.c.type == type_)
                            .order_by(db.outbox.c.created_at)).all()
    return [{**json.loads(r.body)["payload"], "_key": r.routing_key} for r in rows]


def test_the_whole_life_is_shown_with_chinese_labels_and_reasons(client, db):
    wish = client.post(URL, json=submission()).get_json()
    assert (wish["status"], wish["status_label"]) == ("received", "已受理")
    reasons = [{"code": "income_unknown", "message": "请补充家庭月收入证明"}]
    _outcome(db, "wish.needs_info", wish["id"], reasons=reasons,
             fields_needed=["wisher.household_monthly_income"])
    asked = client.get(f"{URL}/{wish['id']}").get_json()
    assert asked["status"] == "needs_info" and asked["info_requested"] == reasons
    assert asked["info_requested_fields"] == ["wisher.household_monthly_income"]
    answered = client.post(f"{URL}/{wish['id']}/info", json={
        "changes": {"wisher": {"household_monthly_income": 800}, "urgent": True},
        "note": "已补充低保证明"})
    assert answered.status_code == 200, answered.get_json()
    for status in ("verified", "published", "claimed", "fulfilled", "confirmed"):
        _outcome(db, f"wish.{status}", wish["id"])
    final = client.get(f"{URL}/{wish['id']}").get_json()
    assert final["status"] == "confirmed" and final["info_requested"] is None
    assert final["info_requested_fields"] is None
    assert [(h["status"], h["label"]) for h in final["history"]] == [
        ("received", "已受理"), ("needs_info", "需补充信息"), ("resubmitted", "已补充信息"),
        ("verified", "审核通过"), ("published", "已发布"), ("claimed", "已认领"),
        ("fulfilled", "已完成"), ("confirmed", "已确认完成")]
    assert final["history"][2]["reasons"][0]["message"] == "已补充低保证明"


def test_answering_updates_the_same_wish_and_sends_it_to_verification_again(client, db,
                                                                            db_settings):
    wish = client.post(URL, json=submission(wisher=HOUSEHOLD)).get_json()
    _outcome(db, "wish.needs_info", wish["id"],
             reasons=[{"code": "team_size", "message": "请说明团队人数"}])
    resp = client.post(f"{URL}/{wish['id']}/info", json={"changes": {
        "wish_type": "team", "team": {"name": "文明社区老年合唱团", "size": 12},
        "wisher": {"phone": "13903940002"}}})
    body = resp.get_json()
    assert resp.status_code == 200 and body["id"] == wish["id"]
    assert (body["revision"], body["status"]) == (2, "received")
    assert body["team"] == {"name": "文明社区老年合唱团", "size": 12}
    with db.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Submission.__table__)) == 1
    first, second = _outbox(db, "wish.submitted")
    assert (first["wish_id"], first["revision"]) == (wish["id"], 1)
    assert (second["wish_id"], second["revision"]) == (wish["id"], 2)
    assert second["team"]["size"] == 12
    # The wisher's unchanged data travels on, sealed; the new phone replaced the old one.
    opened = Sealer(db_settings.pii_keys).open(second["wisher_sealed"])
    assert opened["phone"] == "13903940002" and opened["household_monthly_income"] == 900
    assert opened["id_number"] == IDN and "13903940002" not in json.dumps(second)
    # Nothing asked any more: a second answer is a conflict, not a silent change.
    again = client.post(f"{URL}/{wish['id']}/info", json={"changes": {"urgent": True}})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "invalid_state"


def test_an_answer_that_contradicts_the_wish_is_refused_and_changes_nothing(client, db):
    wish = client.post(URL, json=submission()).get_json()
    _outcome(db, "wish.needs_info", wish["id"], reasons=[{"code": "x", "message": "请补充"}])
    resp = client.post(f"{URL}/{wish['id']}/info", json={"changes": {"wish_type": "team"}})
    assert resp.status_code == 422
    assert [(f["field"], f["code"]) for f in resp.get_json()["error"]["fields"]] == [
        ("changes.team", "team_required")]
    bad = client.post(f"{URL}/{wish['id']}/info", json={"changes": {"community_code": "x"}})
    assert bad.status_code == 422
    assert bad.get_json()["error"]["fields"][0]["code"] == "unknown_field"
    half_photo = client.post(f"{URL}/{wish['id']}/info",
                             json={"changes": {"attachments": [{"purpose": "wish_card"}]}})
    assert half_photo.status_code == 422
    assert {(f["field"], f["code"]) for f in half_photo.get_json()["error"]["fields"]} == {
        ("changes.attachments.0.content_type", "required"),
        ("changes.attachments.0.data", "required")}
    after = client.get(f"{URL}/{wish['id']}").get_json()
    assert (after["status"], after["revision"], after["wish_type"]) == (
        "needs_info", 1, "individual")
    assert len(_outbox(db, "wish.submitted")) == 1


def test_rejection_reasons_reach_the_submitter_in_plain_chinese(client, db):
    wish = client.post(URL, json=submission()).get_json()
    reasons = [{"code": "income_over_threshold",
                "message": "家庭人均月收入高于本区标准，暂不符合条件"}]
    _outcome(db, "wish.rejected", wish["id"], reasons=reasons)
    seen = client.get(f"{URL}/{wish['id']}").get_json()
    assert (seen["status"], seen["status_label"]) == ("rejected", "未通过审核")
    assert seen["history"][-1]["reasons"] == reasons


def test_intake_reopens_a_rejected_submission_and_clears_its_closing_date():
    """rejected closes the submission; reopened makes it received again with no closing date."""
    sub, at = Submission(status="received", history=[]), datetime(2026, 11, 23, tzinfo=timezone.utc)
    sub.advance("rejected", at)
    assert (sub.status, sub.closed_at) == ("rejected", at)
    sub.advance("reopened", at)
    assert (sub.status, sub.closed_at) == ("received", None)
    sub.advance("verified", at)
    assert (sub.status, sub.closed_at) == ("verified", None)


def test_a_queue_source_hears_each_outcome_with_its_own_reference(settings, intake, hotline):
    """Receipt and later outcomes arrive on `submission.*.<app_id>`, the one binding a source needs."""
    heard = Capture(settings.broker_url, f"submission.*.{APP}")
    try:
        hotline.publish(submission(), message_id="hotline-77")
        [receipt] = heard.take(1)
        wish_id = json.loads(receipt.body)["payload"]["wish_id"]
        for type_, payload in (
                ("wish.needs_info", {"reasons": [{"code": "id_photo", "message": "请补充身份证照片"}],
                                     "fields_needed": ["attachments"]}),
                ("wish.verified", None),
                ("wish.rejected", {"reasons": [{"code": "dup", "message": "本轮已有心愿"}]})):
            body = {"wish_id": wish_id, "source": APP, "source_ref": "hotline-77",
                    **(payload or {})}
            if type_ == "wish.verified":
                body.update(community_code="c", title="t", description="d", kind="spiritual",
                            wisher_display="赵*", submitted_by=None, contact_masked={})
            publish_event(settings.broker_url, make_event(type_, body, "verification"))
        outcomes = [json.loads(m.body)["payload"] for m in heard.take(4)[1:]]
    finally:
        heard.close()
    by_status = {o["status"]: o for o in outcomes}
    assert set(by_status) == {"needs_info", "verified", "rejected"}
    assert {(o["source"], o["source_ref"], o["wish_id"]) for o in outcomes} == {
        (APP, "hotline-77", wish_id)}
    assert by_status["needs_info"]["reasons"][0]["message"] == "请补充身份证照片"
    assert by_status["needs_info"]["fields_needed"] == ["attachments"]  # the system knows what to send
    assert {m.delivery_info["routing_key"] for m in heard.received[1:]} == {
        f"submission.status.{APP}"}
    with intake.session() as s:
        assert wait_for(lambda: s.get(Submission, wish_id).status == "rejected" or None,
                        what="status recorded") is True


def test_a_batch_of_outcomes_applied_at_once_keeps_each_wish_s_history(client, db, db_settings):
    """Verified then published for two wishes in one batch: one pass (one prefetch), each history
    in order, each status the furthest reached."""
    from types import SimpleNamespace

    from services.intake import app as intake_app
    from shared.batch import apply_batch
    from shared.consumer import Handler

    ids = [client.post(URL, json=submission(wisher={"id_number": person_id(n, "19450101")}))
           .get_json()["id"] for n in (1, 2)]
    outcomes = intake_app.handlers(db_settings)[1]
    calls: list[str] = []

    def counted(uow, env):
        calls.append(env.type)
        outcomes.apply(uow, env)

    messages = []
    for type_ in ("wish.verified", "wish.published"):
        for wish_id in ids:
            body = {"wish_id": wish_id, "source": rules.WEB, "source_ref": "x",
                    "community_code": COMMUNITY, "title": "t"}
            if type_ == "wish.verified":
                body.update(description="d", kind="material", wisher_display="孙*",
                            submitted_by=None, contact_masked={})
            env = make_event(type_, body, "test")
            messages.append(SimpleNamespace(body=json.dumps(env.body()), headers={},
                                            properties={"message_id": env.message_id},
                                            delivery_info={"redelivered": False}))
    handler = Handler(outcomes.queue, counted, prefetch=outcomes.prefetch)
    assert all(o.applied for o in apply_batch(db, handler, "intake:test", messages))
    assert len(calls) == 4  # applied once each: the whole batch went through in one pass
    for wish_id in ids:
        wish = client.get(f"{URL}/{wish_id}").get_json()
        assert wish["status"] == "published"
        assert [h["status"] for h in wish["history"]] == ["received", "verified", "published"]


def test_a_scheduled_wish_shows_when_it_opens_and_its_source_hears_the_time(client, db):
    """Verified, then waiting for 例会日: 待发布 with the day and hour, China time."""
    wish = client.post(URL, json=submission()).get_json()
    _outcome(db, "wish.verified", wish["id"])
    with db.uow() as uow:  # as a source system's wish would be
        uow.session.get(Submission, wish["id"]).source = "gov-hotline"
        uow.commit()
    _outcome(db, "wish.scheduled", wish["id"], community_code=COMMUNITY,
             opens_at="2026-12-05T01:00:00+00:00")
    shown = client.get(f"{URL}/{wish['id']}").get_json()
    assert (shown["status"], shown["status_label"]) == ("scheduled", "待发布")
    assert shown["history"][-1]["reasons"][0]["message"] == "将于12月5日 09:00 在社区例会日发布到心愿墙"
    [receipt] = [r for r in _outbox(db, "submission.status") if r["status"] == "scheduled"]
    assert receipt["opens_at"] == "2026-12-05T01:00:00+00:00"
    assert receipt["_key"] == "submission.status.gov-hotline"


def test_the_window_closing_is_a_step_in_the_history_not_a_status(client, db):
    wish = client.post(URL, json=submission()).get_json()
    for status in ("verified", "published"):
        _outcome(db, f"wish.{status}", wish["id"])
    with db.uow() as uow:
        handlers.record_outcome(uow, delivered(make_event(
            "wish.opened_citywide", {"wish_id": wish["id"], "community_code": COMMUNITY},
            "matching")))
        uow.commit()
    shown = client.get(f"{URL}/{wish['id']}").get_json()
    assert shown["status"] == "published"
    assert (shown["history"][-1]["status"], shown["history"][-1]["label"]) == (
        "opened_citywide", "全市可认领")


def test_a_release_says_why_and_a_reinstated_claim_shows_the_wish_claimed_again(client, db):
    wish = client.post(URL, json=submission()).get_json()
    for status in ("verified", "published", "claimed"):
        _outcome(db, f"wish.{status}", wish["id"])
    why = [{"code": "no_time", "message": "时间冲突，无法按时完成"}]
    _outcome(db, "wish.released", wish["id"], reasons=why)
    released = client.get(f"{URL}/{wish['id']}").get_json()
    assert released["status"] == "published"  # back on the wall
    assert released["history"][-1]["label"] == "认领已取消"
    assert released["history"][-1]["reasons"] == why
    _outcome(db, "wish.reinstated", wish["id"])
    assert client.get(f"{URL}/{wish['id']}").get_json()["status"] == "claimed"


def test_a_disputed_deed_shows_the_wish_claimed_again_with_the_step_in_its_history(client, db):
    wish = client.post(URL, json=submission()).get_json()
    for status in ("verified", "published", "claimed", "fulfilled"):
        _outcome(db, f"wish.{status}", wish["id"])
    _outcome(db, "wish.disputed", wish["id"])
    shown = client.get(f"{URL}/{wish['id']}").get_json()
    assert shown["status"] == "claimed"
    assert shown["history"][-1]["label"] == "未确认完成，退回认领人"


def test_an_escalated_wish_keeps_its_status_and_shows_the_step(client, db):
    wish = client.post(URL, json=submission()).get_json()
    for status in ("verified", "published"):
        _outcome(db, f"wish.{status}", wish["id"])
    why = [{"code": "unclaimed", "message": "心愿开放全市认领后多日无人认领"}]
    _outcome(db, "wish.escalated", wish["id"], community_code=COMMUNITY, reasons=why)
    shown = client.get(f"{URL}/{wish['id']}").get_json()
    assert shown["status"] == "published"
    assert (shown["history"][-1]["label"], shown["history"][-1]["reasons"]) == ("已上报社区党组织", why)
