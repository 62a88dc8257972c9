"""The wish's liaison tells its claimer the wisher's phone, as the wisher agreed: refused without
consent, for a claim no longer under way, or by anyone but the wish's liaison; audited; seen in
clear by that claimer alone until the deed is confirmed (real PostgreSQL)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from services.matching.models import PhoneReveal, Wish
from services.matching.publication import actions as publication
from tests.actors import Claimer, Liaison
from tests.factories import COMMUNITY, PHONE
from tests.helpers import api_error, emitted, principal, reread
from tests.matching.consented import NEITHER, SHARE_PHONE, take_in

CLAIMS = "/api/v1/claims"


@pytest.fixture
def db(make_db):
    return make_db("matching")


@pytest.fixture
def people(app, db_settings):
    client = app.test_client
    return {"member": Claimer.signed(client(), db_settings, id="m-giver"),
            "other": Claimer.signed(client(), db_settings, id="m-other"),
            "liaison": Liaison.signed(client(), db_settings, communities=[COMMUNITY]),
            "stranger": Liaison.signed(client(), db_settings, communities=["pudong-gaoqiao"])}


def _reveal(who, claim_id: str):
    return who.post(f"{CLAIMS}/{claim_id}/phone-reveal", json={})


def test_the_claimer_alone_sees_the_phone_from_the_reveal_until_confirmation(
        db, db_settings, people, browser_of):
    take_in(db, db_settings, "coat", SHARE_PHONE)
    member, liaison = people["member"], people["liaison"]
    made = member.claim("coat")
    assert made.status_code == 201, made.get_json()
    claim = made.get_json()["id"]
    before = member.get(f"{CLAIMS}/{claim}").get_json()
    assert PHONE not in str(before) and before["phone_revealed"] is False
    assert PHONE not in browser_of(principal("member", id="m-giver")).get("/my/claims").text

    assert member.post(f"{CLAIMS}/{claim}/phone-reveal", json={}).status_code == 403
    api_error(_reveal(people["stranger"], claim), 404, "not_found")
    told = _reveal(liaison, claim)
    assert told.status_code == 201, told.get_json()
    assert told.get_json()["member_id"] == "m-giver" and PHONE not in str(told.get_json())
    assert _reveal(liaison, claim).status_code == 200  # a second tap: the same record
    [entry] = [e for e in emitted(db, "audit.recorded") if e["action"] == "claim.phone_revealed"]
    assert (entry["actor_id"], entry["detail"]) == (liaison.id, {"wish_id": "coat",
                                                                 "member_id": "m-giver"})

    seen = member.get(f"{CLAIMS}/{claim}")
    assert seen.get_json()["wish"]["contact"]["phone"] == PHONE
    assert seen.headers["Cache-Control"] == "no-store"
    page = browser_of(principal("member", id="m-giver")).get("/my/claims")
    assert PHONE in page.text and page.headers["Cache-Control"] == "no-store"
    by_liaison = liaison.get(f"{CLAIMS}/{claim}").get_json()
    assert by_liaison["phone_revealed"] is True and PHONE not in str(by_liaison)
    assert people["other"].get(f"{CLAIMS}/{claim}").status_code == 404
    assert PHONE not in browser_of(principal("member", id="m-other")).get("/my/claims").text
    wall = app_text(people["other"], "/api/v1/wishes") + app_text(people["other"],
                                                                  "/api/v1/wishes/coat")
    assert PHONE not in wall
    assert all(PHONE not in str(e) for e in emitted(db, "audit.recorded"))
    [record] = _reveals(db)
    assert (record.member_id, record.revealed_by) == ("m-giver", liaison.id)

    assert member.fulfil(claim, note="已送到").status_code == 200
    assert member.get(f"{CLAIMS}/{claim}").get_json()["wish"]["contact"]["phone"] == PHONE
    assert liaison.confirm(claim).status_code == 200
    after = member.get(f"{CLAIMS}/{claim}").get_json()
    assert PHONE not in str(after)
    assert PHONE not in browser_of(principal("member", id="m-giver")).get("/my/claims").text
    assert reread(db, Wish, "coat").phone_sealed is None  # only the reveal's record is kept
    api_error(_reveal(liaison, claim), 409, "claim_not_active")


def app_text(who, path: str) -> str:
    return who.get(path).get_data(as_text=True)


def _reveals(db) -> list[PhoneReveal]:
    with db.uow() as uow:
        rows = list(uow.session.scalars(select(PhoneReveal)))
        uow.session.expunge_all()
        return rows


def test_no_consent_no_reveal_and_a_released_claim_shows_it_no_more(db, db_settings, people):
    take_in(db, db_settings, "private", NEITHER, title="想要一台收音机")
    take_in(db, db_settings, "coat", SHARE_PHONE)
    member, liaison = people["member"], people["liaison"]
    private = member.claim("private").get_json()["id"]
    error = api_error(_reveal(liaison, private), 409, "no_phone_consent")
    assert error["fields"][0]["code"] == "no_phone_consent"
    assert _reveals(db) == []
    claim = member.claim("coat").get_json()["id"]
    assert _reveal(liaison, claim).status_code == 201
    assert member.release(claim).status_code == 200
    assert PHONE not in str(member.get(f"{CLAIMS}/{claim}").get_json())
    api_error(_reveal(liaison, claim), 409, "claim_not_active")


def test_erasure_takes_the_phone_and_the_consent(db, db_settings, people):
    take_in(db, db_settings, "coat", SHARE_PHONE)
    member, liaison = people["member"], people["liaison"]
    claim = member.claim("coat").get_json()["id"]
    assert _reveal(liaison, claim).status_code == 201
    with db.uow() as uow:
        publication.erase(uow, "coat")
        uow.commit()
    wish = reread(db, Wish, "coat")
    assert (wish.share_phone, wish.phone_sealed) == (False, None)
    assert PHONE not in str(member.get(f"{CLAIMS}/{claim}").get_json())
    api_error(_reveal(liaison, claim), 409, "no_phone_consent")


def test_the_tracking_page_offers_the_button_for_consented_claims_only(db, db_settings, people,
                                                                      browser_of):
    take_in(db, db_settings, "private", NEITHER, title="想要一台收音机")
    take_in(db, db_settings, "coat", SHARE_PHONE)
    member = people["member"]
    private = member.claim("private").get_json()["id"]
    claim = member.claim("coat").get_json()["id"]
    liaison = browser_of(principal("liaison", id="l-1", communities=[COMMUNITY]))
    page = liaison.get("/tracking").text
    assert f'action="/tracking/claims/{claim}/reveal"' in page
    assert f'action="/tracking/claims/{private}/reveal"' not in page
    assert "许愿人同意告知电话（1）" in page and PHONE not in page
    refused = liaison.form(f"/tracking/claims/{private}/reveal", "/tracking")
    assert refused.status_code == 409 and "许愿人未同意" in refused.text
    assert liaison.form(f"/tracking/claims/{claim}/reveal", "/tracking").status_code == 303
    again = liaison.get("/tracking").text
    assert "已将许愿人电话告知认领人" in again and PHONE not in again
    assert [r.revealed_by for r in _reveals(db)] == ["l-1"]
    other = browser_of(principal("liaison", communities=["pudong-gaoqiao"]))
    assert other.form(f"/tracking/claims/{claim}/reveal", "/tracking").status_code == 404
