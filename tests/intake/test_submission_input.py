"""The full submission over HTTP: every field kept, photos checked by their bytes, every bad input refused whole."""
from __future__ import annotations

import base64
import json

from sqlalchemy import func, select

from services.intake.config import Config
from services.intake.app import create_app
from services.intake.submissions.models import Attachment, Submission
from shared.idnumber import check_char
from tests.factories import submission
from tests.helpers import bearer, principal

FIRST17 = "41010219560708003"
IDN = FIRST17 + check_char(FIRST17)
URL = "/api/v1/submissions"
# A real 1x1 PNG and the start of a JPEG: what the bytes are is what counts, not the name.
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGA"
                       "hKmMIQAAAABJRU5ErkJggg==")
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64


def _photo(raw: bytes = PNG, content_type: str = "image/png", **extra) -> dict:
    return {"purpose": "wish_card", "content_type": content_type,
            "data": base64.b64encode(raw).decode(), **extra}


# Every field a submission may carry: a choir's wish, its household, two photos, a signed card.
FULL = dict(title="社区合唱团想要一套音响", description="合唱团每周排练，旧音响坏了，想要一套便携音响。",
            wish_type="team", team={"name": "文明社区夕阳红合唱团", "size": 18},
            estimated_value=800, urgent=True, skills=["electrician", "appliance_repair"],
            skills_other="会调音更好", preferred_times=["weekend_morning"],
            preferred_times_note="周六上午排练",
            wisher={"name": "周玉芬", "id_number": IDN, "phone": "13903941111",
                    "address": "河南省周口市川汇区文明路12号",
                    "target_groups": ["elderly_alone", "low_income"],
                    "household_size": 2, "household_monthly_income": 1500},
            consent={"method": "signed_card_photo", "photo_ref": "card-1",
                     "at": "2026-11-20T09:00:00+08:00"},
            attachments=[_photo(), _photo(JPEG, "image/jpeg", purpose="consent_card")])


def _stored(db) -> tuple[int, int, int]:
    """Submissions, attachments and outbox rows: all zero after a refusal."""
    with db.engine.connect() as conn:
        count = lambda table: conn.scalar(select(func.count()).select_from(table))
        return count(Submission.__table__), count(Attachment.__table__), count(db.outbox)


def _error(resp, status: int) -> dict:
    assert resp.status_code == status, resp.get_data(as_text=True)
    error = resp.get_json()["error"]
    assert error["code"] and error["message"]
    for f in error["fields"]:
        assert f["field"] and f["code"] and any("\u4e00" <= ch <= "\u9fff" for ch in f["message"])
    return error


def test_every_field_of_the_full_submission_is_kept(client, db, db_settings):
    resp = client.post(URL, json=submission(**FULL))
    assert resp.status_code == 201, resp.get_json()
    view = resp.get_json()
    assert view["team"] == {"name": "文明社区夕阳红合唱团", "size": 18}
    assert (view["wish_type"], view["estimated_value"], view["urgent"]) == ("team", 800, True)
    assert view["skills"] == ["electrician", "appliance_repair"]
    assert view["preferred_times"] == ["weekend_morning"]
    assert [(a["purpose"], a["content_type"], a["size"]) for a in view["attachments"]] == [
        ("wish_card", "image/png", len(PNG)), ("consent_card", "image/jpeg", len(JPEG))]
    # Household and target groups are sensitive: only the liaison's audited read shows them.
    assert "target_groups" not in json.dumps(view) and "1500" not in json.dumps(view)
    personal = client.get(f"{URL}/{view['id']}/personal").get_json()["wisher"]
    assert personal["target_groups"] == ["elderly_alone", "low_income"]
    assert (personal["household_size"], personal["household_monthly_income"]) == (2, 1500)
    with db.engine.connect() as conn:
        [event] = [json.loads(b)["payload"] for b in conn.scalars(
            select(db.outbox.c.body).where(db.outbox.c.type == "wish.submitted"))]
        row = conn.execute(select(Submission.__table__)).one()._mapping
    assert event["urgent"] is True and event["team"]["size"] == 18
    assert [a["purpose"] for a in event["attachments"]] == ["wish_card", "consent_card"]
    assert "data" not in event["attachments"][0] and "周玉芬" not in json.dumps(event)
    assert "elderly_alone" not in json.dumps(event)  # inside the sealed wisher, not in clear
    assert row["household_enc"] and "1500" not in row["household_enc"]


def test_the_photo_is_sealed_and_only_its_liaison_can_fetch_it_audited(client, db, db_settings):
    view = client.post(URL, json=submission(**FULL)).get_json()
    photo = view["attachments"][0]
    with db.engine.connect() as conn:
        stored = conn.execute(select(Attachment.__table__.c.data_enc)).scalars().all()
    assert all(base64.b64encode(PNG).decode() not in s and len(s) > 100 for s in stored)
    resp = client.get(f"{URL}/{view['id']}/attachments/{photo['id']}")
    assert resp.status_code == 200 and resp.data == PNG
    assert resp.headers["Content-Type"] == "image/png"
    assert resp.headers["Cache-Control"] == "no-store"
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    other = create_app(db_settings, db).test_client()
    other.environ_base["HTTP_AUTHORIZATION"] = bearer(
        db_settings, principal("liaison", communities=["elsewhere"]))["Authorization"]
    assert other.get(f"{URL}/{view['id']}/attachments/{photo['id']}").status_code == 404
    with db.engine.connect() as conn:
        audits = [json.loads(b)["payload"] for b in conn.scalars(
            select(db.outbox.c.body).where(db.outbox.c.type == "audit.recorded"))]
    assert [a["detail"].get("attachment") for a in audits if a["action"] == "personal_data.read"] \
        == [photo["id"]]


BAD_ATTACHMENTS = [
    (_photo(JPEG, "image/png"), "file_type_mismatch"),            # JPEG bytes called PNG
    (_photo("你好".encode(), "image/jpeg"), "file_type_mismatch"),  # text called JPEG
    (_photo(b"RIFF\x00\x00\x00\x00WAVE", "image/webp"), "file_type_mismatch"),
    (_photo(b"", "image/png"), "empty_file"),
    ({**_photo(), "data": "not base64!!"}, "invalid_base64"),
    (_photo(b"\x89PNG\r\n\x1a\n" + b"\x00" * (2 * 1024 * 1024)), "file_too_large"),
    (_photo(content_type="application/pdf"), "invalid_choice"),
    ({**_photo(), "path": "/etc/passwd"}, "unknown_field"),
]


def test_a_bad_attachment_refuses_the_whole_submission(client, db):
    for attachment, code in BAD_ATTACHMENTS:
        resp = client.post(URL, json={**submission(**FULL), "attachments": [_photo(), attachment]})
        error = _error(resp, 422)
        assert any(f["field"].startswith("attachments.1") and f["code"] == code
                   for f in error["fields"]), (code, error)
    assert _stored(db) == (0, 0, 0)


def test_more_than_three_photos_are_refused(client, db):
    resp = client.post(URL, json={**submission(**FULL), "attachments": [_photo()] * 4})
    assert ("attachments", "too_many") in {(f["field"], f["code"])
                                           for f in _error(resp, 422)["fields"]}
    assert _stored(db) == (0, 0, 0)


BAD_WISH_FIELDS = [
    ({"wish_type": "team", "team": None}, "team", "team_required"),
    ({"wish_type": "individual"}, "team", "team_only"),
    ({"kind": "spiritual"}, "estimated_value", "material_only"),
    ({"estimated_value": -5}, "estimated_value", "out_of_range"),
    ({"estimated_value": "800"}, "estimated_value", "invalid_type"),
    ({"urgent": "maybe"}, "urgent", "invalid_type"),
    ({"skills": ["electrician", "flying"]}, "skills.1", "invalid_choice"),
    ({"skills": ["electrician", "electrician"]}, "skills", "duplicate_value"),
    ({"skills": ["electrician"] * 6}, "skills", "too_many"),
    ({"preferred_times": ["midnight"]}, "preferred_times.0", "invalid_choice"),
    ({"wish_type": "crowd"}, "wish_type", "invalid_choice"),
    ({"team": {"name": "合唱团", "size": 1}}, "team.size", "out_of_range"),
    ({"team": {"name": "合唱团"}}, "team.size", "required"),
    ({"title": ""}, "title", "invalid_length"),
    ({"description": "长" * 2001}, "description", "invalid_length"),
    ({"status": "published"}, "status", "unknown_field"),
]


def test_each_bad_wish_field_is_named_with_a_code_and_a_chinese_message(client, db):
    for change, field, code in BAD_WISH_FIELDS:
        resp = client.post(URL, json={**submission(**FULL), **change})
        fields = {(f["field"], f["code"]) for f in _error(resp, 422)["fields"]}
        assert (field, code) in fields, (change, fields)
    assert _stored(db) == (0, 0, 0)


BAD_WISHER_FIELDS = [
    ({"target_groups": ["rich"]}, "wisher.target_groups.0", "invalid_choice"),
    ({"household_size": 0}, "wisher.household_size", "out_of_range"),
    ({"household_monthly_income": -1}, "wisher.household_monthly_income", "out_of_range"),
    ({"household_monthly_income": 12.5}, "wisher.household_monthly_income", "invalid_type"),
    ({"id_number": FIRST17 + ("0" if check_char(FIRST17) != "0" else "1")},
     "wisher.id_number", "invalid_id_number"),
    ({"phone": "1390394"}, "wisher.phone", "invalid_phone"),
    ({"religion": "x"}, "wisher.religion", "unknown_field"),
]


def test_each_bad_wisher_field_is_named(client, db):
    for change, field, code in BAD_WISHER_FIELDS:
        body = submission(**FULL)
        body["wisher"] = {**body["wisher"], **change}
        fields = {(f["field"], f["code"])
                  for f in _error(client.post(URL, json=body), 422)["fields"]}
        assert (field, code) in fields, (change, fields)
    assert _stored(db) == (0, 0, 0)


def test_bytes_that_are_not_utf8_json_are_refused_clearly(client, db):
    resp = client.post(URL, data=b'{"title": "\xff\xfe"}', content_type="application/json")
    assert _error(resp, 400)["code"] == "invalid_json"
    resp = client.post(URL, data=b"community_code=x", content_type="application/x-www-form-urlencoded")
    assert _error(resp, 415)["code"] == "unsupported_media_type"
    resp = client.post(URL, data=b"[1, 2]", content_type="application/json")
    assert _error(resp, 422)["code"] == "validation_failed"
    assert _stored(db) == (0, 0, 0)


def test_body_limits_allow_photos_on_submissions_but_not_elsewhere(client, db, db_settings):
    """Submissions take up to max_submission_bytes; other routes keep the small default."""
    near = submission(**FULL)
    near["attachments"] = [_photo(b"\x89PNG\r\n\x1a\n" + b"\x01" * (2 * 1024 * 1024 - 16))] * 3
    assert client.post(URL, json=near).status_code == 201
    too_big = json.dumps({**submission(**FULL), "description": "x" * Config.max_submission_bytes})
    assert _error(client.post(URL, data=too_big, content_type="application/json"),
                  413)["code"] == "payload_too_large"
    login = client.post("/api/v1/auth/login", data=b"{" + b" " * db_settings.max_body_bytes + b"}",
                        content_type="application/json")
    assert _error(login, 413)["code"] == "payload_too_large"
    assert _stored(db)[0] == 1


def test_an_idempotency_key_reused_for_another_body_is_refused(client, db):
    key = {"Idempotency-Key": "hotline-call-8812"}
    first = client.post(URL, json=submission(**FULL), headers=key)
    again = client.post(URL, json=submission(**FULL), headers=key)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json()["id"] == first.get_json()["id"]
    other = client.post(URL, json={**submission(**FULL), "title": "另一个心愿"}, headers=key)
    assert _error(other, 409)["code"] == "idempotency_key_reused"
    assert _stored(db)[0] == 1
