"""The wish form and status pages on real PostgreSQL: one schema for form and API, Chinese errors
beside their fields, liaison and resident rules, one wish per form, scope, answering for info."""
from __future__ import annotations

import re
from io import BytesIO

import pytest
from sqlalchemy import func, select

from services.intake.submissions import handlers, personal
from services.intake.submissions.models import Submission
from shared.envelope import delivered, make_event
from shared.errors import MESSAGES_ZH
from shared.idnumber import check_char
from shared.pii import Sealer
from tests.factories import png
from tests.helpers import emitted, principal

A, B = "chuanhui-wenming", "chuanhui-zhongzhou"
IDN = "41010219520314001" + check_char("41010219520314001")
CHILD = "41010220190507001" + check_char("41010220190507001")
NAME, PHONE = "李景荣", "13803941234"
REQUIRED = "缺少必填项"


@pytest.fixture
def liaison():
    return principal("liaison", communities=[A, B])


def _hidden(html: str) -> dict:
    return dict(re.findall(r'type="hidden" name="([^"]+)" value="([^"]*)"', html))


def _filled(client, **changes) -> dict:
    """The form as a liaison fills it in on a phone: the page's hidden fields plus typed values."""
    form = {**_hidden(client.get("/submit").text), "community_code": A, "title": "想要一个血压仪",
            "description": "患高血压多年，想在家里随时量血压。", "kind": "material",
            "wish_type": "individual", "estimated_value": "200", "urgent": "1",
            "skills": ["errands", "health_care"], "preferred_times": ["weekend_morning"],
            "wisher.name": NAME, "wisher.id_number": IDN, "wisher.phone": "138 0394 1234",
            "wisher.address": "河南省周口市川汇区文明路12号", "wisher.target_groups": ["elderly_alone"],
            "wisher.household_size": "1", "consent.relation": "relative",
            "consent.method": "in_person", "consent.name": "王秀英", "consent.at": "2025-11-01T09:30"}
    form.update(changes)
    return {k: v for k, v in form.items() if v is not None}


def _post(client, form: dict, path: str = "/submit", **files):
    data = {**form, **{name: (BytesIO(raw), filename) for name, (raw, filename) in files.items()}}
    return client.post(path, data=data, content_type="multipart/form-data")


def _beside(html: str, name: str) -> str | None:
    """The error shown for `name`, provided it sits right after that field's own input."""
    pattern = rf'<p class="field-error" id="err-{re.escape(name)}" role="alert">([^<]*)</p>'
    found = re.search(pattern, html)
    if found is None:
        return None
    inputs_before = re.findall(r'name="([^"]+)"', html[:found.start()])
    beside = "consent_photo" if name == "consent.photo_ref" else name  # the card photo's own input
    assert inputs_before[-1] == beside, (name, inputs_before[-3:])
    return found.group(1)


def _count(db, *where) -> int:
    with db.engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(Submission).where(*where))


def _wish_id(resp) -> str:
    assert resp.status_code == 303, resp.text
    found = re.fullmatch(r"/my/wishes/([0-9a-f-]{36})\?m=submitted", resp.headers["Location"])
    assert found, resp.headers["Location"]
    return found.group(1)


def test_form_is_phone_ready_and_fits_the_role(browser_of, liaison):
    page = browser_of(liaison).get("/submit")
    html = page.text
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert re.search(r'name="wisher.phone" type="tel"', html)
    assert 'type="file" accept="image/*" capture="environment" data-scale' in html
    assert 'canvas.toBlob' in html and "image/jpeg" in html  # scaled down before upload
    for group in ("elderly_alone", "left_behind_child", "disabled"):
        assert f'type="checkbox" name="wisher.target_groups" value="{group}"' in html
    assert f'<option value="{A}">' in html and f'<option value="{B}">' in html
    assert re.search(r'name="consent.at" type="datetime-local" value="\d{4}-\d\d-\d\dT\d\d:\d\d"',
                     html)
    assert len(_hidden(html)["idempotency_key"]) == 36
    resident = browser_of(principal("resident", communities=[A])).get("/submit").text
    # no consent to record (posting is theirs), only the two choices they may tick
    assert not re.search(r'name="consent\.(relation|method|name|at)"', resident)
    assert "本人同意" not in resident
    assert 'name="consent.share_phone"' in resident and 'name="consent.publicity"' in resident
    assert _hidden(resident)["community_code"] == A and "提交我的心愿" in resident


def test_only_residents_and_liaisons_and_anonymous_are_sent_to_log_in(browser_of, app):
    for path in ("/submit", "/my/wishes", "/my/wishes/some-id"):
        resp = browser_of().get(path)
        assert resp.status_code == 303 and resp.headers["Location"] == f"/login?next={path}"
    refused = browser_of(principal("member")).get("/submit")
    assert refused.status_code == 403 and MESSAGES_ZH["forbidden"] in refused.text
    api_client = app.test_client().get("/submit")  # not a browser: the API's JSON answer
    assert api_client.status_code == 401
    assert api_client.get_json()["error"]["code"] == "authentication_required"


def test_bad_form_shows_each_error_beside_its_field_keeps_values_and_stores_nothing(
        browser_of, liaison, db):
    client = browser_of(liaison)
    wrong_check_digit = IDN[:-1] + ("1" if IDN[-1] == "0" else "0")
    form = _filled(client, title="", kind=None, **{"wisher.id_number": wrong_check_digit,
                                                   "wisher.phone": "12345",
                                                   "wisher.household_size": "两口人"})
    resp = _post(client, form, photo=(b"this is not a picture", "card.jpg"))
    html = resp.text
    assert resp.status_code == 422 and "提交的内容有误" in html
    assert _beside(html, "title") == REQUIRED and _beside(html, "kind") == REQUIRED
    assert _beside(html, "wisher.id_number") == MESSAGES_ZH["invalid_id_number"]
    assert _beside(html, "wisher.phone") == MESSAGES_ZH["invalid_phone"]
    assert _beside(html, "wisher.household_size") == "应为整数"
    assert _beside(html, "photo") == MESSAGES_ZH["file_type_mismatch"]
    assert _beside(html, "description") is None and _beside(html, "wisher.name") is None
    assert f'value="{NAME}"' in html and "患高血压多年" in html and 'value="两口人"' in html
    assert re.search(r'value="errands" checked', html) and "照片需要重新选择" in html
    assert _hidden(html)["idempotency_key"] == form["idempotency_key"]
    assert _count(db) == 0 and emitted(db, "wish.submitted") == []


def test_an_empty_form_names_every_missing_field(browser_of, liaison, db):
    client = browser_of(liaison)
    resp = _post(client, _hidden(client.get("/submit").text))
    assert resp.status_code == 422
    for name in ("community_code", "title", "description", "kind", "wisher.name",
                 "wisher.id_number", "consent.relation", "consent.method"):
        assert _beside(resp.text, name) == REQUIRED, name
    box = re.search(r'<div class="error-box" role="alert">(.*?)</div>', resp.text, re.S).group(1)
    assert re.findall(r"<p>(.*?)</p>", box) == ["提交的内容有误，请检查标出的项目。"]
    assert _count(db) == 0


def test_liaison_records_consent_for_their_own_communities(browser_of, liaison, db):
    client = browser_of(liaison)
    cases = [({"consent.name": None}, "consent.name", REQUIRED, 422),
             ({"consent.method": "signed_card_photo"}, "consent.photo_ref",
              MESSAGES_ZH["photo_required"], 422),
             ({"consent.relation": "", "consent.method": ""}, "consent.relation", REQUIRED, 422),
             ({"community_code": "pudong-gaoqiao"}, "community_code", "您只能为本人所在或负责的社区提交心愿",
              403)]
    for change, field, message, status in cases:
        resp = _post(client, _filled(client, **change))
        assert resp.status_code == status and _beside(resp.text, field) == message, field
    assert _count(db) == 0
    form = _filled(client, **{"consent.method": "signed_card_photo"})
    wish_id = _wish_id(_post(client, form, photo=(png(), "card.png"),
                             consent_photo=(png(6, 2), "signed.png")))
    with db.uow() as unit:
        sub = unit.session.get(Submission, wish_id)
        assert (sub.submitted_by, sub.community_code, sub.urgent, sub.estimated_value) == (
            liaison.id, A, True, 200)
        assert (sub.consent_relation, sub.consent_method, sub.consent_photo_ref) == (
            "relative", "signed_card_photo", "attachment:consent_card")
        assert sorted(a.purpose for a in sub.attachments) == ["consent_card", "wish_card"]
        assert all(a.content_type == "image/png" for a in sub.attachments)
        assert sub.skills == ["errands", "health_care"]
        wisher = personal.wisher_of(sub, Sealer(client.application.extensions["microwish.settings"]
                                              .pii_keys))
        assert wisher["phone"] == PHONE and wisher["target_groups"] == ["elderly_alone"]


def test_resident_posts_their_own_wish_without_a_consent_section(browser_of, db):
    resident = principal("resident", communities=[A])
    client = browser_of(resident)
    own = {k: v for k, v in _filled(client).items() if not k.startswith("consent.")}
    own.pop("community_code")  # their account's community: a hidden field on their form
    child = _post(client, {**own, "wisher.id_number": CHILD})
    assert child.status_code == 422
    assert MESSAGES_ZH["guardian_consent_required"] in child.text and _count(db) == 0
    smuggled = {**own, "consent.relation": "agent", "consent.method": "phone"}
    wish_id = _wish_id(_post(client, smuggled))
    with db.uow() as unit:
        sub = unit.session.get(Submission, wish_id)
        assert (sub.submitted_by, sub.community_code) == (resident.id, A)
        assert (sub.consent_relation, sub.consent_method) == ("self", "self_service")
    assert [e["submitted_by"] for e in emitted(db, "wish.submitted")] == [resident.id]


def test_a_phone_photo_up_to_2_mb_is_taken_and_a_bigger_one_refused_beside_it(browser_of, liaison,
                                                                              db):
    """Without the page's script the photo goes as it is: the body limit must let it through."""
    client = browser_of(liaison)
    big = _post(client, _filled(client), photo=(b"\xff\xd8\xff" + bytes(2 * 1024 * 1024), "a.jpg"))
    assert big.status_code == 422
    assert _beside(big.text, "photo") == MESSAGES_ZH["file_too_large"] and _count(db) == 0
    wish_id = _wish_id(_post(client, _filled(client),
                             photo=(b"\xff\xd8\xff" + bytes(1900 * 1024), "b.jpg")))
    with db.uow() as unit:
        [stored] = unit.session.get(Submission, wish_id).attachments
        assert (stored.content_type, stored.size) == ("image/jpeg", 3 + 1900 * 1024)


def test_a_double_submit_creates_one_wish(browser_of, liaison, db):
    client = browser_of(liaison)
    form = _filled(client)
    first = _wish_id(_post(client, form, photo=(png(), "card.png")))
    assert _wish_id(_post(client, form, photo=(png(), "card.png"))) == first  # refresh, double tap
    assert _count(db) == 1 and len(emitted(db, "wish.submitted")) == 1
    changed = _post(client, {**form, "title": "想要两个血压仪"})  # back, edit, send the old form
    assert changed.status_code == 409 and f'href="/my/wishes/{first}"' in changed.text
    fresh_key = _hidden(changed.text)["idempotency_key"]
    assert fresh_key != form["idempotency_key"] and _count(db) == 1
    second = _wish_id(_post(client, {**form, "title": "想要两个血压仪",
                                     "idempotency_key": fresh_key}))
    assert second != first and _count(db) == 2


def test_status_pages_show_the_life_in_chinese_and_stay_in_scope(browser_of, liaison, db):
    client = browser_of(liaison)
    wish_id = _wish_id(_post(client, _filled(client)))
    page = client.get(f"/my/wishes/{wish_id}?m=submitted").text
    assert "已受理" in page and "心愿已提交" in page and "想要一个血压仪" in page
    assert NAME not in page and PHONE not in page and IDN not in page and "李**" in page
    reason = {"code": "id_check_digit", "message": "身份证号码校验位不正确，请核对号码"}
    _apply(db, "wish.rejected", wish_id, reasons=[reason])
    page = client.get(f"/my/wishes/{wish_id}").text
    assert re.search(r"未通过审核</strong>\s*<ul class=\"reasons\"><li>身份证号码校验位不正确", page)
    assert "这个心愿未通过审核" in page and 'action="/my/wishes/' not in page
    assert f'href="/my/wishes/{wish_id}"' in client.get("/my/wishes").text
    outsiders = [principal("liaison", communities=["pudong-gaoqiao"]),
                 principal("resident", communities=[A])]
    for who in outsiders:
        other = browser_of(who)
        missing = other.get(f"/my/wishes/{wish_id}")
        assert missing.status_code == 404 and MESSAGES_ZH["not_found"] in missing.text
        assert "想要一个血压仪" not in missing.text
        assert wish_id not in other.get("/my/wishes").text


def test_answering_a_request_for_information_updates_the_same_wish(browser_of, liaison, db):
    client = browser_of(liaison)
    wish_id = _wish_id(_post(client, _filled(client, **{"wisher.phone": None})))
    _apply(db, "wish.needs_info", wish_id,
           reasons=[{"code": "phone_missing", "message": "请补充许愿人的手机号码，便于上门核实"}])
    page = client.get(f"/my/wishes/{wish_id}").text
    assert "需补充信息" in page and "请补充许愿人的手机号码，便于上门核实" in page
    path = f"/my/wishes/{wish_id}/info"
    assert f'action="{path}"' in page
    csrf = _hidden(page)["csrf_token"]
    empty = _post(client, {"csrf_token": csrf, "title": "想要一个血压仪"}, path)
    assert empty.status_code == 422 and _beside(empty.text, "note") == MESSAGES_ZH["answer_empty"]
    bad = _post(client, {"csrf_token": csrf, "wisher.phone": "1234"}, path)
    assert bad.status_code == 422
    assert _beside(bad.text, "wisher.phone") == MESSAGES_ZH["invalid_phone"]
    done = _post(client, {"csrf_token": csrf, "wisher.phone": PHONE, "note": "已补充手机号码"}, path,
                 photo=(png(), "card.png"))
    assert (done.status_code, done.headers["Location"]) == (303, f"/my/wishes/{wish_id}?m=answered")
    assert _count(db) == 1
    with db.uow() as unit:
        sub = unit.session.get(Submission, wish_id)
        assert (sub.revision, sub.status, len(sub.attachments)) == (2, "received", 1)
        sealer = Sealer(client.application.extensions["microwish.settings"].pii_keys)
        assert personal.wisher_of(sub, sealer)["phone"] == PHONE
    sent = emitted(db, "wish.submitted")
    assert [(e["wish_id"], e["revision"]) for e in sent] == [(wish_id, 1), (wish_id, 2)]
    page = client.get(f"/my/wishes/{wish_id}").text
    assert "已补充信息" in page and "已补充手机号码" in page and "第 2 版" in page
    again = _post(client, {"csrf_token": csrf, "note": "再补充一次"}, path)
    assert again.status_code == 409 and "该心愿当前不需要补充信息" in again.text
    assert len(emitted(db, "wish.submitted")) == 2


def test_forms_without_the_session_token_are_refused(browser_of, liaison, db):
    client = browser_of(liaison)
    form = _filled(client)
    forged = _post(client, {**form, "csrf_token": "forged"})
    assert forged.status_code == 403 and MESSAGES_ZH["csrf_failed"] in forged.text
    assert _count(db) == 0


def _apply(db, type_: str, wish_id: str, **payload) -> None:
    """An outcome arriving from verification, applied as intake's consumer applies it."""
    with db.uow() as unit:
        sub = unit.session.get(Submission, wish_id)
        event = make_event(type_, {"wish_id": wish_id, "source": sub.source,
                                   "source_ref": sub.source_ref, **payload}, "verification")
        handlers.record_outcome(unit, delivered(event))
        unit.commit()
