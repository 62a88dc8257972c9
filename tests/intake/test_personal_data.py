"""Personal data on real PostgreSQL: validation, encryption, rotation, masking, consent, audit, retention."""
from __future__ import annotations

import json
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import func, select

from services.intake.app import create_app
from services.intake.audit import handlers as audit_trail
from services.intake.submissions import actions as submit, jobs as retention, personal, rules
from services.intake.submissions.models import Submission
from services.matching.models import Wish
from services.matching.publication import handlers as publication
from services.verification import handlers
from services.verification.models import Review
from shared.clock import today_in_china
from shared.envelope import decode, delivered, make_event, typed, utcnow
from shared.idnumber import check_char
from shared.pii import Sealer, keyed_hash
from tests.actors import DistrictAdmin, Liaison, Resident
from tests.factories import (COMMUNITY, ID_NUMBER as IDN, NAME, OMIT, PHONE, published_wish,
                             submission)
from tests.helpers import principal

URL = "/api/v1/submissions"
T = Submission.__table__


def _id(first17: str) -> str:
    return first17 + check_char(first17)


CHILD = _id("41010220190507001")
ADDRESS, CONSENT_NAME = "河南省周口市川汇区文明路12号", "王秀英"
SECRETS = (NAME, IDN, PHONE, ADDRESS, CONSENT_NAME)
PAST = "2025-11-01T09:30:00+08:00"
SEALED = ("name_enc", "id_number_enc", "phone_enc", "address_enc", "consent_name_enc")
# The factory's wish, with the wisher's address, posted on his behalf: a relative consented.
WISHER = {"address": ADDRESS}
CONSENT = {"relation": "relative", "name": CONSENT_NAME, "at": PAST}
ON_BEHALF = {"wisher": WISHER, "consent": CONSENT}


@pytest.fixture
def app(db_settings, db):
    return create_app(db_settings, db)


def _fields(resp) -> set:
    return {(f["field"], f["code"]) for f in resp.get_json()["error"]["fields"]}


def _stored(db) -> tuple[int, int]:
    with db.engine.connect() as conn:
        return (conn.scalar(select(func.count()).select_from(T)),
                conn.scalar(select(func.count()).select_from(db.outbox)))


def _rows(db) -> dict:
    with db.engine.connect() as conn:
        return {r["id"]: dict(r) for r in conn.execute(select(T)).mappings()}


def _tomorrow_id() -> str:
    return _id("410102" + (today_in_china() + timedelta(days=1)).strftime("%Y%m%d") + "001")


BAD_IDS = {"check_digit": IDN[:17] + ("1" if IDN[17] != "1" else "2"),
           "month_13": _id("41010219521314001"), "born_tomorrow": None, "year_2099": _id("41010220990101001")}


@pytest.mark.parametrize("name", BAD_IDS)
def test_invalid_id_numbers_are_refused_at_the_edge(app, db_settings, db, liaison, name):
    """Bad check digit, impossible or future birth date: 422 on wisher.id_number, nothing stored."""
    number = BAD_IDS[name] or _tomorrow_id()
    resp = Liaison.signed(app.test_client(), db_settings, liaison).submit(
        submission(wisher={**WISHER, "id_number": number}, consent=CONSENT))
    assert resp.status_code == 422 and resp.get_json()["error"]["code"] == "validation_failed"
    assert ("wisher.id_number", "invalid_id_number") in _fields(resp)
    assert _stored(db) == (0, 0)


def test_personal_data_is_encrypted_at_rest_and_hashed_for_duplicates(app, db_settings, db,
                                                                      liaison):
    """No plaintext in any column or outbox row; the keyed hash finds the same person again."""
    client = Liaison.signed(app.test_client(), db_settings, liaison)
    first = client.submit(submission(**ON_BEHALF))
    second = client.submit(submission(wisher={**WISHER, "id_number": IDN.lower()}, consent=CONSENT))
    assert first.status_code == second.status_code == 201
    row = _rows(db)[first.get_json()["id"]]
    flat = " ".join(str(v) for v in row.values())
    with db.engine.connect() as conn:
        outbox = " ".join(conn.scalars(select(db.outbox.c.body)))
        digest = keyed_hash(db_settings.pii_hash_key, IDN)
        same = set(conn.scalars(select(T.c.id).where(T.c.id_number_hash == digest)))
    for secret in SECRETS:
        assert secret not in flat and secret not in outbox
    assert Sealer(db_settings.pii_keys).open(row["name_enc"]) == NAME
    assert row["id_number_hash"] == digest
    assert same == {first.get_json()["id"], second.get_json()["id"]}
    assert keyed_hash("another-hash-key", IDN) != digest


def test_key_rotation_keeps_old_data_readable_and_seals_with_the_new_key(db_settings, db, liaison):
    """Sealed under `old`, read after rotating to `new,old`; new rows are sealed with `new`."""
    k1, k2 = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    old_app = create_app(db_settings.with_overrides(pii_keys=f"old:{k1}"), db)
    old = Liaison.signed(old_app.test_client(), db_settings, liaison)
    old_id = old.submit(submission(**ON_BEHALF)).get_json()["id"]
    rotated = Liaison.signed(create_app(db_settings.with_overrides(
        pii_keys=f"new:{k2},old:{k1}"), db).test_client(), db_settings, liaison)
    resp = rotated.get(f"{URL}/{old_id}/personal")
    assert resp.status_code == 200 and resp.headers["Cache-Control"] == "no-store"
    body = resp.get_json()
    assert body["wisher"] == {"name": NAME, "id_number": IDN, "phone": PHONE, "address": ADDRESS,
                              "target_groups": [], "household_size": None,
                              "household_monthly_income": None}
    assert body["consent"]["name"] == CONSENT_NAME
    new_id = rotated.submit(submission(**ON_BEHALF)).get_json()["id"]
    rows = _rows(db)
    assert all(rows[old_id][c].startswith("old.") for c in SEALED)
    assert all(rows[new_id][c].startswith("new.") for c in SEALED)


def test_followers_see_only_masked_data(app, db_settings, liaison):
    """The submission view masks name, ID number, phone and address; no clear value leaks."""
    client = Liaison.signed(app.test_client(), db_settings, liaison)
    posted = client.submit(submission(**ON_BEHALF))
    sid = posted.get_json()["id"]
    resp = client.get(f"{URL}/{sid}")
    data = resp.get_json()
    assert resp.status_code == 200 and data["wisher"] == "李**"
    assert data["wisher_masked"] == {"name": "李**", "id_number": IDN[:3] + "*" * 11 + IDN[-4:],
                                     "phone": "138****1234", "address": "河南省周口市****"}
    for text in (resp.get_data(as_text=True), posted.get_data(as_text=True),
                 client.get(URL).get_data(as_text=True)):
        for secret in SECRETS:
            assert secret not in text


FUTURE = (datetime.now(timezone.utc) + timedelta(days=1)).isoformat()
REFUSED = {
    "missing": (IDN, {"relation": OMIT, "method": OMIT, "at": OMIT, "name": OMIT},
                ("consent", "consent_required")),
    "relative_without_name": (IDN, {"name": OMIT}, ("consent.name", "required")),
    "card_without_photo": (IDN, {"method": "signed_card_photo"},
                           ("consent.photo_ref", "photo_required")),
    "in_future": (IDN, {"at": FUTURE}, ("consent.at", "in_future")),
    "child_self": (CHILD, {"relation": "self", "name": OMIT},
                   ("consent.relation", "guardian_consent_required")),
    "child_missing": (CHILD, {"relation": OMIT, "method": OMIT, "at": OMIT, "name": OMIT},
                      ("consent", "guardian_consent_required")),
}


@pytest.mark.parametrize("case", REFUSED)
def test_inadequate_consent_is_refused(app, db_settings, db, liaison, case):
    """Posting on someone's behalf without adequate consent: 422 naming the consent field."""
    number, changes, expected = REFUSED[case]
    body = submission(wisher={**WISHER, "id_number": number}, consent={**CONSENT, **changes})
    if not body["consent"]:
        del body["consent"]
    resp = Liaison.signed(app.test_client(), db_settings, liaison).submit(body)
    assert resp.status_code == 422 and resp.get_json()["error"]["code"] == "validation_failed"
    assert expected in _fields(resp)
    assert _stored(db) == (0, 0)


def test_child_with_guardian_consent_is_stored_as_minor(app, db_settings, db, liaison):
    """A guardian's in-person consent admits a child's wish; consent is recorded, its name sealed."""
    resp = Liaison.signed(app.test_client(), db_settings, liaison).submit(submission(
        wisher={**WISHER, "id_number": CHILD}, consent={**CONSENT, "relation": "guardian"}))
    assert resp.status_code == 201 and resp.get_json()["minor"] is True
    row = _rows(db)[resp.get_json()["id"]]
    assert row["minor"] is True and row["submitted_by"] == liaison.id
    assert (row["consent_relation"], row["consent_method"]) == ("guardian", "in_person")
    assert row["consent_at"] == datetime.fromisoformat(PAST)
    assert CONSENT_NAME not in row["consent_name_enc"]
    assert Sealer(db_settings.pii_keys).open(row["consent_name_enc"]) == CONSENT_NAME


def test_resident_posts_own_wish_with_self_service_consent(app, db_settings, db):
    """A resident's own adult wish needs no consent form; another community's is forbidden."""
    resident = principal("resident", communities=[COMMUNITY])
    client = Resident.signed(app.test_client(), db_settings, resident)
    body = submission(**ON_BEHALF)
    del body["consent"]
    resp = client.submit(body)
    assert resp.status_code == 201
    assert resp.get_json()["consent"]["relation"] == "self"
    assert resp.get_json()["consent"]["method"] == "self_service"
    assert _rows(db)[resp.get_json()["id"]]["submitted_by"] == resident.id
    elsewhere = client.submit({**body, "community_code": "chuanhui-renmin"})
    assert elsewhere.status_code == 403
    assert elsewhere.get_json()["error"]["code"] == "community_forbidden"
    assert _stored(db)[0] == 1


NOW = datetime(2026, 5, 7, 12, tzinfo=timezone.utc)


def _given(**changes) -> dict:
    return {"relation": "agent", "method": "phone", "name": "王社工", "at": NOW, "photo_ref": None,
            **changes}


@pytest.mark.parametrize("given, minor, on_behalf, codes", [
    (None, False, False, []),
    (None, False, True, [("consent", "consent_required")]),
    (None, True, False, [("consent", "guardian_consent_required")]),
    (_given(), False, True, []),
    (_given(relation="guardian"), True, True, []),
    (_given(relation="self", name=None), False, True, []),
    (_given(method="signed_card_photo", photo_ref="photos/1.jpg"), False, True, []),
    (_given(name=None, method="signed_card_photo", at=NOW + timedelta(seconds=1)), True, True,
     [("consent.relation", "guardian_consent_required"), ("consent.name", "required"),
      ("consent.photo_ref", "photo_required"), ("consent.at", "in_future")]),
])
def test_consent_problems(given, minor, on_behalf, codes):
    """The pure consent rules, each problem named by field and code."""
    found = rules.consent_problems(given, minor, on_behalf, NOW)
    assert [(p["field"], p["code"]) for p in found] == codes
    assert all(p["message"] for p in found)


def test_child_age_boundary():
    """Under 14 is a child; on the 14th birthday (China time) one no longer is."""
    born = _id("41010220120507001")
    assert rules.is_minor(born, datetime(2026, 5, 6).date())
    assert not rules.is_minor(born, datetime(2026, 5, 7).date())
    assert not rules.is_minor(IDN, NOW.date())


def _audit(actor: str, action: str, object_id: str) -> dict:
    return {"actor_id": actor, "actor_role": "member", "action": action, "object_type": "wish",
            "object_id": object_id, "community_code": COMMUNITY, "service": "matching",
            "detail": {}}


def test_personal_reads_are_audited_and_queryable(app, db_settings, db, liaison):
    """A clear read emits audit.recorded with the read; the trail filters by actor, action, object."""
    client = Liaison.signed(app.test_client(), db_settings, liaison)
    sid = client.submit(submission(**ON_BEHALF)).get_json()["id"]
    assert client.get(f"{URL}/{sid}/personal").status_code == 200
    stranger = Liaison.signed(app.test_client(), db_settings, communities=["chuanhui-renmin"])
    assert stranger.get(f"{URL}/{sid}/personal").status_code == 404
    with db.engine.connect() as conn:
        bodies = conn.scalars(select(db.outbox.c.body)
                              .where(db.outbox.c.type == "audit.recorded")).all()
    assert len(bodies) == 1 and not any(s in bodies[0] for s in SECRETS)
    payload = json.loads(bodies[0])["payload"]
    assert (payload["action"], payload["actor_id"], payload["actor_role"], payload["object_id"]) == (
        "personal_data.read", liaison.id, "liaison", sid)
    with db.uow() as uow:
        audit_trail.keep(uow, typed(decode(bodies[0])))
        for event in (_audit("member-1", "wish.claimed", "wish-1"),
                      _audit("member-2", "personal_data.read", "wish-2")):
            audit_trail.keep(uow, delivered(make_event("audit.recorded", event, "matching")))
        uow.commit()
    admin = DistrictAdmin.signed(app.test_client(), db_settings)

    def items(**query) -> list:
        resp = admin.audit(**query)
        assert resp.status_code == 200
        return [(i["actor_id"], i["action"], i["object_id"]) for i in resp.get_json()["items"]]

    assert len(items()) == 3
    assert sorted(items(action="personal_data.read")) == [
        (liaison.id, "personal_data.read", sid), ("member-2", "personal_data.read", "wish-2")]
    assert items(actor_id=liaison.id) == [(liaison.id, "personal_data.read", sid)]
    assert items(object_id="wish-1") == [("member-1", "wish.claimed", "wish-1")]
    assert items(action="personal_data.read", service="matching") == [
        ("member-2", "personal_data.read", "wish-2")]
    assert client.get("/api/v1/audit").status_code == 403
    unknown = admin.audit(actor="x")
    assert unknown.status_code == 422 and ("actor", "unknown_field") in _fields(unknown)


def _seed(db, db_settings, n: int = 120) -> tuple[set, set]:
    """n submissions: two thirds closed 200 days ago, some closed 10 days ago, the rest open."""
    protection = personal.Protection(Sealer(db_settings.pii_keys), db_settings.pii_hash_key)
    by = submit.Submitter("web", "acct-1", "liaison")
    now, due, recent = utcnow(), set(), set()
    with db.uow() as uow:
        for i in range(n):
            data = submission(**ON_BEHALF)
            data.update(community_code=(COMMUNITY, "chuanhui-renmin")[i % 2],
                        kind=("material", "spiritual")[i % 3 % 2])
            data["consent"]["at"] = now - timedelta(days=300)
            sub, created = submit.submit(uow, protection, by, f"ref-{i}", data, now - timedelta(days=300))
            assert created
            if i % 6 < 4:
                sub.status, sub.closed_at = ("confirmed", "rejected")[i // 2 % 2], now - timedelta(days=200)
                due.add(sub.id)
            elif i % 6 == 4:
                sub.status, sub.closed_at = "confirmed", now - timedelta(days=10)
                recent.add(sub.id)
        uow.commit()
    return due, recent


def _stats(db) -> dict:
    with db.engine.connect() as conn:
        return {tuple(r[:3]): r[3] for r in conn.execute(
            select(T.c.community_code, T.c.kind, T.c.status, func.count())
            .group_by(T.c.community_code, T.c.kind, T.c.status))}


def test_concurrent_retention_erases_each_due_submission_exactly_once(db_settings, db):
    """Three runners at once erase every due row once, keep the rest and the statistics whole."""
    due, recent = _seed(db, db_settings)
    before, stats = _rows(db), _stats(db)
    with db.engine.begin() as conn:  # as if the relay had published every wish.submitted
        conn.execute(db.outbox.update().values(sent_at=utcnow()))
    barrier = threading.Barrier(3)

    def run() -> int:
        barrier.wait(timeout=30)
        return retention.erase_due(db, days=180, batch=7)

    with ThreadPoolExecutor(3) as pool:
        counts = [f.result() for f in [pool.submit(run) for _ in range(3)]]
    assert len(due) == 80 and sum(counts) == len(due)
    after = _rows(db)
    for sid in due:
        row = after[sid]
        assert all(row[c] is None for c in (*SEALED, "id_number_hash", "consent_photo_ref"))
        assert row["wisher_display"] == "*" and row["erased_at"] is not None
        assert not any(s in " ".join(map(str, row.values())) for s in SECRETS)
    for sid in set(before) - due:
        assert after[sid] == before[sid]
    assert len(recent) == 20 and len(set(before) - due - recent) == 20
    with db.engine.connect() as conn:
        erased = conn.scalars(select(db.outbox.c.body).where(db.outbox.c.type == "wish.erased"))
        per_wish = Counter(json.loads(b)["payload"]["wish_id"] for b in erased)
    assert per_wish == Counter(due)
    with db.engine.connect() as conn:  # the sent copies of the sealed data went with them
        kept = {r.correlation_id for r in conn.execute(select(db.outbox.c.correlation_id).where(
            db.outbox.c.type == "wish.submitted"))}
    assert kept == set(before) - due
    assert _stats(db) == stats
    assert retention.erase_due(db, days=180, batch=7) == 0


def test_matching_and_verification_drop_their_copies_on_wish_erased(make_db):
    """wish.erased clears the wisher's display, contact and description in matching and verification."""
    matching, verification = make_db("matching"), make_db("verification")
    contact = {"phone": "138****1234", "address": "河南省周口市****"}
    common = dict(community_code=COMMUNITY, title="棉衣", description="给老伴买棉衣", kind="material",
                  wisher_display="李**", source="web", source_ref="r-1", contact_masked=contact,
                  submitted_by=None)
    with matching.uow() as uow:
        uow.session.add(published_wish("w-1", **common))
        uow.commit()
    with verification.uow() as uow:
        uow.session.add(Review(wish_id="w-1", decision="verified", rules=[], decided_at=utcnow(),
                               id_number_hash="ab" * 32, minor=False, **common))
        uow.commit()
    for db, erase in ((matching, publication.on_erased), (verification, handlers.erase)):
        with db.uow() as uow:
            for wish_id in ("w-1", "w-unknown"):
                erase(uow, delivered(make_event("wish.erased", {"wish_id": wish_id}, "intake")))
            uow.commit()
    with matching.uow() as uow:
        wish = uow.session.get(Wish, "w-1")
        assert (wish.wisher_display, wish.contact_masked, wish.description) == ("*", None, "")
        assert (wish.title, wish.status, wish.community_code) == ("棉衣", "published", COMMUNITY)
    with verification.uow() as uow:
        review = uow.session.get(Review, "w-1")
        assert (review.wisher_display, review.contact_masked, review.description,
                review.id_number_hash) == ("*", None, "", None)
        assert review.decision == "verified"
