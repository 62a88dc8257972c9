"""The wisher's two choices beyond posting — the phone told to the claimer, the story in public —
asked explicitly (no unless said), stored, and carried to verification in wish.submitted."""
from __future__ import annotations

import re
from io import BytesIO

from services.intake.submissions.models import Submission
from shared.idnumber import check_char
from tests.factories import COMMUNITY, PHONE, submission
from tests.helpers import CJK, emitted, principal, reread

CHILD = "41010220190507001" + check_char("41010220190507001")
URL = "/api/v1/submissions"


def _stored(db, resp) -> Submission:
    assert resp.status_code == 201, resp.get_json()
    return reread(db, Submission, resp.get_json()["id"])


def test_both_choices_are_no_unless_said_and_travel_in_wish_submitted(client, db):
    plain = _stored(db, client.submit(submission()))
    assert (plain.consent_share_phone, plain.consent_publicity) == (False, False)
    said = _stored(db, client.submit(submission(
        title="想要一副老花镜", consent={"share_phone": True, "publicity": True})))
    assert (said.consent_share_phone, said.consent_publicity) == (True, True)
    shown = client.get(f"{URL}/{said.id}").get_json()["consent"]
    assert (shown["share_phone"], shown["publicity"]) == (True, True)
    by_wish = {e["wish_id"]: e["consents"] for e in emitted(db, "wish.submitted")}
    assert by_wish[plain.id] == {"share_phone": False, "publicity": False, "given_by": "self",
                                 "minor": False}
    assert by_wish[said.id] == {"share_phone": True, "publicity": True, "given_by": "self",
                                "minor": False}
    assert all(PHONE not in str(e) for e in emitted(db, "wish.submitted"))  # sealed, never clear


def test_a_choice_must_be_a_plain_yes_or_no(client, db):
    resp = client.submit(submission(consent={"share_phone": "yes", "publicity": 1}))
    assert resp.status_code == 422
    fields = {f["field"]: f for f in resp.get_json()["error"]["fields"]}
    assert {"consent.share_phone", "consent.publicity"} <= set(fields)
    assert all(CJK.search(fields[n]["message"]) for n in ("consent.share_phone", "consent.publicity"))
    assert emitted(db, "wish.submitted") == []


def test_a_child_s_consents_say_who_gave_them(client, db):
    """A child's wish is posted with a guardian's consent; the choices say so for matching."""
    child = _stored(db, client.submit(submission(
        wisher={"id_number": CHILD}, consent={"relation": "guardian", "name": "李娜",
                                               "publicity": True})))
    [event] = emitted(db, "wish.submitted", child.id)
    assert event["minor"] is True
    assert event["consents"] == {"share_phone": False, "publicity": True,
                                 "given_by": "guardian", "minor": True}


def _hidden(html: str) -> dict:
    return dict(re.findall(r'type="hidden" name="([^"]+)" value="([^"]*)"', html))


def _form(client, **fields):
    base = {**_hidden(client.get("/submit").text), "title": "想要一个血压仪",
            "description": "患高血压多年，想在家里随时量血压。", "kind": "material",
            "wish_type": "individual", "wisher.name": "李景荣",
            "wisher.id_number": "41010219520314001X", "wisher.phone": PHONE, **fields}
    return client.post("/submit", data={k: (BytesIO(b""), "") if k == "photo" else v
                                        for k, v in base.items()},
                       content_type="multipart/form-data")


def _posted(db, resp) -> Submission:
    assert resp.status_code == 303, resp.text
    return reread(db, Submission, resp.headers["Location"].split("/")[3].split("?")[0])


def test_the_liaison_records_the_choices_with_the_consent_and_a_resident_ticks_them(
        browser_of, db):
    liaison = browser_of(principal("liaison", communities=[COMMUNITY]))
    page = liaison.get("/submit").text
    assert "联系电话可由社区联络员告知认领人" in page and "同意将心愿实现的照片和故事公开展示" in page
    assert 'name="consent.share_phone" value="1" checked' not in page  # no unless ticked
    consent = {"community_code": COMMUNITY, "consent.relation": "relative",
               "consent.method": "in_person", "consent.name": "王秀英",
               "consent.at": "2025-11-01T09:30"}
    ticked = _posted(db, _form(liaison, **consent, **{"consent.share_phone": "1"}))
    assert (ticked.consent_share_phone, ticked.consent_publicity) == (True, False)
    resident = browser_of(principal("resident", communities=[COMMUNITY]))
    own = _posted(db, _form(resident, **{"consent.publicity": "1", "consent.share_phone": "1",
                                        "wisher.id_number": "41010219520314002" + check_char(
                                            "41010219520314002")}))
    assert (own.consent_relation, own.consent_method) == ("self", "self_service")
    assert (own.consent_share_phone, own.consent_publicity) == (True, True)
    unticked = _posted(db, _form(resident, title="想要一台收音机", **{
        "wisher.id_number": "41010219520314003" + check_char("41010219520314003")}))
    assert (unticked.consent_share_phone, unticked.consent_publicity) == (False, False)
