"""The review desk's JSON API on real PostgreSQL: edits carried to matching, asking for information,
the wisher in clear for the liaison alone, bulk approval, reopening, and two liaisons at once."""
from __future__ import annotations

import threading
from datetime import timedelta

from services.verification.models import Review
from shared.clock import today_in_china
from tests.actors import Liaison
from tests.factories import COMMUNITY, PHONE
from tests.helpers import audited, emitted, principal, reread

A, B = COMMUNITY, "chuanhui-zhongzhou"
LIAISON = principal("liaison", communities=[A], name="川汇联络员")


def _desk(app, db_settings, who=LIAISON) -> Liaison:
    """`who` (川汇's liaison unless told) at the desk's API, on a client of their own."""
    return Liaison.signed(app.test_client(), db_settings, who)


def test_edited_category_skills_and_deadline_travel_with_the_approval(app, decided, db,
                                                                      db_settings):
    """PATCH then approve: wish.verified carries the liaison's kind, category, its standard and date."""
    wish = decided.near_threshold(1)
    desk, due = _desk(app, db_settings), (today_in_china() + timedelta(days=5)).isoformat()
    resp = desk.edit(wish, category="convenience", skills=["errands", "errands"], deadline=due,
                     kind="spiritual")
    assert resp.status_code == 200, resp.json
    assert (resp.json["category"], resp.json["skills"]) == ("convenience", ["errands"])
    assert desk.approve(wish, note="已电话核实收入").status_code == 200
    [verified] = emitted(db, "wish.verified", wish)
    assert (verified["category"], verified["skills"], verified["deadline"]) == ("convenience", ["errands"], due)
    assert verified["kind"] == "spiritual"  # the liaison may correct material/spiritual too
    assert "上门服务" in verified["service_standard"]  # 便民利民's standard, not 医疗保健's
    assert audited(db, wish)[-2:] == ["verification.edited", "verification.approved"]


def test_the_queue_filters_by_status_and_community_within_the_callers_scope(app, decided,
                                                                            db_settings):
    """?status=pending&community=…: only that community's waiting wishes; another's gives nothing."""
    here, there = decided.near_threshold(60), decided.near_threshold(61, community_code=B)
    decided.gift_card(62)
    both = principal("liaison", communities=[A, B])

    def ids(query, who=both):
        return [r["wish_id"] for r in _desk(app, db_settings, who).get(f"/api/v1/reviews?{query}")
                .json["items"]]
    assert set(ids("status=pending")) == {here, there}
    assert ids(f"status=pending&community={B}") == [there]
    assert ids(f"community={B}", LIAISON) == []  # not theirs: the filter cannot widen the scope
    assert _desk(app, db_settings).get("/api/v1/reviews?status=done").status_code == 422


def test_bad_edits_are_refused_with_fields_and_chinese_messages(app, decided, db_settings):
    """An unknown category, a past date, or nothing at all: 422 naming the field."""
    wish, desk = decided.near_threshold(2), _desk(app, db_settings)
    for body, field, code in [({"category": "fun"}, "category", "invalid_choice"),
                              ({"wish_type": "family"}, "wish_type", "invalid_choice"),
                              ({"deadline": "2020-01-01"}, "deadline", "in_past"),
                              ({"deadline": "明天"}, "deadline", "invalid_date"),
                              ({}, "_schema", "nothing_to_change")]:
        resp = desk.edit(wish, **body)
        assert resp.status_code == 422, body
        [error] = resp.json["error"]["fields"]
        assert (error["field"], error["code"]) == (field, code) and error["message"]


def test_asking_for_information_names_the_fields_for_intake(app, decided, db, db_settings):
    """request-info sends wish.needs_info with fields intake's answer form understands."""
    wish, desk = decided.near_threshold(3), _desk(app, db_settings)
    bad = desk.request_info(wish, message="请补充", fields_needed=["wisher.salary"])
    assert bad.status_code == 422 and bad.json["error"]["fields"][0]["field"] == "fields_needed.0"
    ok = desk.request_info(wish, message="请提供近三个月的收入证明",
                           fields_needed=["wisher.household_monthly_income", "attachments"])
    assert ok.json["decision"] == "needs_info"
    [asked] = emitted(db, "wish.needs_info", wish)
    assert asked["fields_needed"] == ["wisher.household_monthly_income", "attachments"]
    assert "家庭月收入" in asked["reasons"][0]["message"]


def test_the_wisher_in_clear_is_for_the_liaison_alone_and_audited(app, decided, db, db_settings):
    """/personal answers the liaison (audited); the masked review never carries the phone."""
    wish, desk = decided.near_threshold(4), _desk(app, db_settings)
    assert PHONE not in desk.get(f"/api/v1/reviews/{wish}").text
    personal = desk.get(f"/api/v1/reviews/{wish}/personal")
    assert personal.json["wisher"]["phone"] == PHONE
    assert "personal_data.viewed" in audited(db, wish)
    street = principal("street_admin", communities=[A])
    assert _desk(app, db_settings, street).get(f"/api/v1/reviews/{wish}/personal").status_code == 403


def test_bulk_approval_changes_nothing_unless_it_can_change_everything(app, decided, db,
                                                                       db_settings):
    """One automated rejection among the ids: 409 naming it, no event; without it, all approved."""
    waiting = [decided.near_threshold(10 + n) for n in range(3)]
    rejected = decided.gift_card(20)
    desk = _desk(app, db_settings)
    refused = desk.approve_all([*waiting, rejected])
    assert refused.status_code == 409
    assert [f["field"] for f in refused.json["error"]["fields"]] == ["wish_ids.3"]
    assert all(emitted(db, "wish.verified", w) == [] for w in waiting)
    repeated = desk.approve_all([waiting[0], waiting[0]])
    assert repeated.status_code == 422
    assert repeated.json["error"]["fields"][0]["code"] == "duplicate_value"
    done = desk.approve_all(waiting)
    assert [r["decision"] for r in done.json["items"]] == ["verified"] * 3


def test_reopening_tells_intake_the_wish_is_undecided_again(app, decided, db, db_settings):
    """wish.reopened goes out, so intake reopens the submission and does not erase it as closed."""
    wish, desk = decided.gift_card(30), _desk(app, db_settings)
    resp = desk.reopen(wish, note="居民要的是米面，不是购物卡，我来改")
    assert resp.json["decision"] == "pending"
    [event] = emitted(db, "wish.reopened", wish)
    assert event["reasons"][0]["code"] == "reopened"
    assert desk.reopen(wish, note="再来一次").status_code == 409


def test_two_liaisons_approving_at_once_verify_the_wish_once(app, decided, db, db_settings):
    """The row lock serialises them: one 200, one 409, one wish.verified."""
    wish = decided.near_threshold(40)
    other = principal("liaison", communities=[A], name="另一位联络员")
    barrier, statuses = threading.Barrier(2), []

    def approve(who):
        desk = _desk(app, db_settings, who)
        barrier.wait()
        statuses.append(desk.approve(wish).status_code)

    threads = [threading.Thread(target=approve, args=(w,)) for w in (LIAISON, other)]
    [t.start() for t in threads]
    [t.join(30) for t in threads]
    assert sorted(statuses) == [200, 409]
    assert len(emitted(db, "wish.verified", wish)) == 1
    assert reread(db, Review, wish).decision == "verified"


def test_overlapping_bulk_approvals_in_opposite_orders_never_deadlock(app, decided, db,
                                                                      db_settings):
    """Two liaisons tick the same wishes in opposite orders: one batch wins, the other is told why."""
    wishes = [decided.near_threshold(50 + n) for n in range(4)]
    other = principal("liaison", communities=[A], name="另一位联络员")
    barrier, answers = threading.Barrier(2), []

    def approve(who, ids):
        desk = _desk(app, db_settings, who)
        barrier.wait()
        resp = desk.approve_all(ids)
        answers.append((resp.status_code, resp.get_json()))

    threads = [threading.Thread(target=approve, args=(LIAISON, wishes)),
               threading.Thread(target=approve, args=(other, wishes[::-1]))]
    [t.start() for t in threads]
    [t.join(30) for t in threads]
    assert sorted(status for status, _ in answers) == [200, 409]
    refused = next(body for status, body in answers if status == 409)
    assert len(refused["error"]["fields"]) == 4  # every wish was approved by the other batch
    assert all(len(emitted(db, "wish.verified", w)) == 1 for w in wishes)
