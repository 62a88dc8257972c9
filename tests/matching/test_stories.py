"""圆梦故事: a confirmed wish whose wisher agreed (a child's guardian) is told in public with one
photo of the deed; no consent, no story and no public photo; erasure takes both (PostgreSQL)."""
from __future__ import annotations

import base64

import pytest
from sqlalchemy import func, select

from services.matching.models import Community, Member, ProofPhoto
from services.matching.publication import actions as publication
from shared.envelope import utcnow
from tests.actors import Claimer, Liaison
from tests.factories import COMMUNITY, png
from tests.helpers import add, api_error
from tests.matching.consented import NEITHER, PUBLICITY, take_in

CHILD_BY_GUARDIAN = {"share_phone": False, "publicity": True, "given_by": "guardian", "minor": True}
CHILD_BY_RELATIVE = {"share_phone": False, "publicity": True, "given_by": "relative", "minor": True}
PICTURE = png(8, 6)
PHOTO = {"content_type": "image/png", "data": base64.b64encode(PICTURE).decode()}


@pytest.fixture
def db(make_db):
    made = make_db("matching")
    add(made, Community(code=COMMUNITY, name="文明社区", street="七一路街道", district="chuanhui",
                        district_name="川汇区", as_of=utcnow()),
        Member(id="m-zhang", kind="person", display_name="张建国", party_member=True,
               community_code=COMMUNITY, skills=[], available_times=[], as_of=utcnow()),
        Member(id="org-admin", kind="organisation", display_name="浦东财务公司党支部",
               party_member=False, community_code=COMMUNITY, skills=[], available_times=[],
               as_of=utcnow()))
    return made


@pytest.fixture
def done(app, db, db_settings):
    """done(wish_id, consents, claimer id, confirm=True): taken in, claimed, reported with a
    photo and a note, confirmed by the liaison."""
    liaison = Liaison.signed(app.test_client(), db_settings, communities=[COMMUNITY])

    def run(wish_id, consents, member_id="m-zhang", confirm=True, title="想要一套棉衣"):
        take_in(db, db_settings, wish_id, consents, title=title)
        member = Claimer.signed(app.test_client(), db_settings, id=member_id)
        claim = member.claim(wish_id).get_json()["id"]
        assert member.fulfil(claim, note="棉衣送到了，老人很高兴，有事打13912345678",
                             photos=[PHOTO]).status_code == 200
        if confirm:
            assert liaison.confirm(claim).status_code == 200
        return claim
    return run


def _stories(client, **query) -> dict:
    resp = client.get("/api/v1/stories", query_string=query)
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()


def test_a_confirmed_wish_with_consent_is_told_in_public_with_its_photo(app, done):
    done("coat", PUBLICITY)
    anyone = app.test_client()
    [story] = _stories(anyone)["items"]
    assert story["wish_id"] == "coat" and story["title"] == "想要一套棉衣"
    assert (story["community_name"], story["claimer"]) == ("文明社区", "张**")
    assert story["confirmed_on"] and "13912345678" not in story["note"]
    assert story["note"].startswith("棉衣送到了") and "139****5678" in story["note"]
    assert "李**" not in str(story) and "wisher" not in story
    photo = anyone.get(story["photo_url"])
    assert photo.status_code == 200 and photo.data == PICTURE
    assert photo.headers["Content-Type"] == "image/png"
    page = anyone.get("/stories")
    assert page.status_code == 200 and "圆梦故事" in page.text and "想要一套棉衣" in page.text
    assert 'name="viewport"' in page.text and story["photo_url"] in page.text
    assert 'href="/stories"' in anyone.get("/").text  # the wall links to them


def test_no_consent_no_story_and_no_public_photo(app, done):
    done("radio", NEITHER, title="想要一台收音机")
    done("pending", PUBLICITY, confirm=False, title="想要一副老花镜")  # reported, not confirmed
    anyone = app.test_client()
    assert _stories(anyone)["items"] == []
    for wish_id in ("radio", "pending", "no-such-wish"):
        api_error(anyone.get(f"/api/v1/stories/{wish_id}/photo"), 404, "not_found")
    assert "还没有公开的圆梦故事" in anyone.get("/stories").text


def test_a_child_s_story_needs_a_guardian_s_consent(app, done):
    done("toy", CHILD_BY_RELATIVE, title="想要一套绘本")
    done("desk", CHILD_BY_GUARDIAN, title="想要一张书桌")
    anyone = app.test_client()
    assert [s["wish_id"] for s in _stories(anyone)["items"]] == ["desk"]
    api_error(anyone.get("/api/v1/stories/toy/photo"), 404, "not_found")
    assert anyone.get("/api/v1/stories/desk/photo").status_code == 200


def test_an_organisation_is_named_in_full_and_stories_come_a_page_at_a_time(app, done):
    done("coat", PUBLICITY, member_id="org-admin")
    done("lamp", PUBLICITY, title="想要一盏台灯")
    anyone = app.test_client()
    first = _stories(anyone, limit=1)
    assert [s["wish_id"] for s in first["items"]] == ["lamp"] and first["next"]
    second = _stories(anyone, limit=1, after=first["next"])
    assert [(s["wish_id"], s["claimer"]) for s in second["items"]] == [
        ("coat", "浦东财务公司党支部")]
    assert second["next"] is None
    api_error(anyone.get("/api/v1/stories?limit=0"), 422, "validation_failed")
    api_error(anyone.get("/api/v1/stories?after=%%%"), 422, "validation_failed")


def test_erasure_takes_the_story_and_its_photo(app, db, done):
    done("coat", PUBLICITY)
    with db.uow() as uow:
        publication.erase(uow, "coat")
        uow.commit()
    anyone = app.test_client()
    assert _stories(anyone)["items"] == []
    api_error(anyone.get("/api/v1/stories/coat/photo"), 404, "not_found")
    with db.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(ProofPhoto)) == 0
