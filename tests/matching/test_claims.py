"""Claiming against the real PostgreSQL: one winner of many racing claimers, steps in order, limits."""
from __future__ import annotations

from sqlalchemy import func, select, text

from services.matching.app import create_app
from services.matching.config import Config as MatchingConfig
from services.matching.models import RATE_LIMITS, Claim
from tests.actors import Claimer, Liaison
from tests.factories import COMMUNITY, published_wish
from tests.helpers import add, all_at_once


def _error(response) -> str:
    return response.get_json()["error"]["code"]


def _claim_at_once(app, settings, claims: list[tuple[str, str]]) -> list[int]:
    """Each (member, wish) claimed on a thread of its own, all let go together; the statuses."""
    def claim(n: int):
        member_id, wish_id = claims[n]
        member = Claimer.signed(app.test_client(), settings, id=member_id)
        return lambda: member.claim(wish_id).status_code

    return all_at_once(len(claims), claim)


def test_fifty_concurrent_claims_give_exactly_one_winner(db_settings, make_db):
    db = make_db("matching")
    add(db, published_wish("wish-race"))
    app = create_app(db_settings, db)
    statuses = _claim_at_once(app, db_settings, [(f"member-{n}", "wish-race") for n in range(50)])
    assert sorted(statuses) == [201] + [409] * 49
    with db.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Claim.__table__)) == 1
        claimed = conn.scalar(select(func.count()).select_from(db.outbox)
                              .where(db.outbox.c.type == "wish.claimed"))
    assert claimed == 1


def test_claim_fulfil_confirm_in_order_only(db_settings, make_db):
    db = make_db("matching")
    add(db, published_wish("wish-steps"))
    client = create_app(db_settings, db).test_client()
    member = Claimer.signed(client, db_settings, id="m1")
    liaison = Liaison.signed(client, db_settings, communities=[COMMUNITY])
    claim = member.claim("wish-steps").get_json()
    early = liaison.confirm(claim["id"])
    assert early.status_code == 409 and early.get_json()["error"]["code"] == "invalid_state"
    done = member.fulfil(claim["id"], note="已送到家")
    assert done.get_json()["status"] == "fulfilled"
    confirmed = liaison.confirm(claim["id"])
    assert confirmed.get_json()["status"] == "confirmed"
    again = liaison.confirm(claim["id"])
    assert again.status_code == 409
    with db.engine.connect() as conn:
        types = conn.scalars(select(db.outbox.c.type).order_by(db.outbox.c.id)).all()
    assert [t for t in types if t.startswith("wish.")] == [
        "wish.claimed", "wish.fulfilled", "wish.confirmed"]
    # each decision audited with the actor, in the same commit
    assert types.count("audit.recorded") == 3
    assert client.get("/api/v1/wishes").get_json()["items"] == []  # off the wall once claimed


def test_released_claim_puts_the_wish_back_for_the_next_claimer(db_settings, make_db):
    db = make_db("matching")
    add(db, published_wish("wish-release"))
    client = create_app(db_settings, db).test_client()
    first, second = (Claimer.signed(client, db_settings, id=m) for m in ("m-first", "m-second"))
    claim = first.claim("wish-release").get_json()
    other = second.release(claim["id"])
    assert other.status_code == 404  # not theirs to release
    released = first.release(claim["id"])
    assert released.get_json()["status"] == "released"
    assert [w["id"] for w in client.get("/api/v1/wishes").get_json()["items"]] == ["wish-release"]
    again = second.claim("wish-release")
    assert again.status_code == 201 and again.get_json()["member_id"] == "m-second"


def test_claims_are_limited_per_member_per_hour(db_settings, make_db):
    """A member's third claim in the hour is 429; another member may still claim."""
    db = make_db("matching")
    for n in range(3):
        add(db, published_wish(f"wish-{n}"))
    client = create_app(db_settings, db, MatchingConfig(claims_per_hour=2)).test_client()
    eager, other = (Claimer.signed(client, db_settings, id=m) for m in ("m-eager", "m-other"))
    tries = [eager.claim(f"wish-{n}") for n in range(3)]
    assert [r.status_code for r in tries] == [201, 201, 429]
    third = tries[2]
    assert _error(third) == "too_many_requests"
    assert int(third.headers["Retry-After"]) > 0
    assert other.claim("wish-2").status_code == 201


def _attempts_counted(db, member_id: str) -> int:
    with db.engine.connect() as conn:
        return conn.scalar(select(func.sum(RATE_LIMITS.c.count)).where(
            RATE_LIMITS.c.key == f"claim:{member_id}")) or 0


def test_every_attempt_counts_toward_the_hour_and_the_21st_is_refused(db_settings, make_db):
    """Lost races (409), a wish still in its window (403) and a reused key (422) count like a
    claim: the default 20 an hour, then 429 with when to come back, and the refusal counts too."""
    from datetime import timedelta

    from shared.envelope import utcnow

    db = make_db("matching")
    add(db, published_wish("mine"), published_wish("taken"),
        published_wish("elsewhere", community_code="pudong-gaoqiao",
                       citywide_at=utcnow() + timedelta(hours=1)))
    client = create_app(db_settings, db).test_client()
    assert Claimer.signed(client, db_settings, id="m-first").claim("taken").status_code == 201
    member = Claimer.signed(client, db_settings, id="m-busy")
    keyed = {"json": {}, "headers": {"Idempotency-Key": "k-1"}}
    answers = [member.post("/api/v1/wishes/mine/claims", **keyed).status_code,
               member.post("/api/v1/wishes/taken/claims", **keyed).status_code,
               member.claim("elsewhere").status_code,
               *(member.claim("taken").status_code for _ in range(17))]
    assert answers == [201, 422, 403] + [409] * 17
    assert _attempts_counted(db, "m-busy") == 20
    over = member.claim("taken")
    assert over.status_code == 429 and _error(over) == "too_many_requests"
    assert 0 < int(over.headers["Retry-After"]) <= 3600
    assert over.get_json()["error"]["message"]  # said in Chinese
    assert _attempts_counted(db, "m-busy") == 21


def test_thirty_taps_at_once_against_an_hourly_limit_of_twenty_make_twenty(db_settings, make_db):
    """Each attempt's first look counts it in one statement (an upsert of its row): concurrent
    attempts neither lose a count nor let a 21st through."""
    db = make_db("matching")
    add(db, *[published_wish(f"h{n}") for n in range(30)])
    app = create_app(db_settings, db, MatchingConfig(claims_per_hour=20, open_claims=100))
    statuses = _claim_at_once(app, db_settings, [("tapper", f"h{n}") for n in range(30)])
    assert sorted(statuses) == [201] * 20 + [429] * 10
    assert _attempts_counted(db, "tapper") == 30
    with db.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Claim.__table__)) == 20


def test_a_claim_the_database_fails_rolls_back_whole_but_the_attempt_counts(db_settings,
                                                                          make_db):
    """A claim the database fails (here a trigger refuses its row) leaves no claim and the wish
    still open; the attempt was made, so it counts, as a refused one does."""
    from services.matching.models import Wish

    db = make_db("matching")
    add(db, published_wish("doomed"))
    with db.engine.begin() as conn:
        conn.execute(text("CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS "
                          "$$ BEGIN RAISE EXCEPTION 'refused'; END $$"))
        conn.execute(text("CREATE TRIGGER refuse BEFORE INSERT ON claims "
                          "FOR EACH ROW EXECUTE FUNCTION refuse()"))
    client = create_app(db_settings, db).test_client()
    member = Claimer.signed(client, db_settings, id="m-unlucky")
    assert member.claim("doomed").status_code == 500
    assert _attempts_counted(db, "m-unlucky") == 1
    with db.uow() as uow:
        assert uow.session.get(Wish, "doomed").status == "published"
        assert uow.session.scalars(select(Claim)).all() == []
    assert member.claim("no-such-wish").status_code == 404
    assert _attempts_counted(db, "m-unlucky") == 2


def test_an_attempt_on_a_wish_that_is_not_open_commits_without_waiting_for_the_disk(
        db_settings, make_db):
    """The first look of an attempt on a taken wish turns synchronous_commit off for its own
    statement's transaction (a lost count harms nobody); on an open wish it stays on."""
    from services.matching.claims.first_look import first_look
    from shared.ratelimit import RateLimit

    db = make_db("matching")
    add(db, published_wish("open"), published_wish("taken", status="claimed"))
    limit = RateLimit(db.engine, RATE_LIMITS, 20, 3600)
    with db.engine.begin() as conn:  # one transaction, so SHOW sees what the statement set
        assert first_look(conn, limit, "m-1", "taken", None).status == "claimed"
        assert conn.scalar(text("SHOW synchronous_commit")) == "off"
    with db.engine.begin() as conn:
        assert first_look(conn, limit, "m-1", "open", None).status == "published"
        assert conn.scalar(text("SHOW synchronous_commit")) == "on"
    assert _attempts_counted(db, "m-1") == 2


def test_during_the_window_only_the_wish_s_community_may_claim_then_the_city(db_settings,
                                                                            make_db):
    """A member registered (报到) in the wish's community claims at once; one from elsewhere is
    told from when (403 community_window) until the window closes, then may claim."""
    from datetime import timedelta

    from services.matching.models import Member, Wish
    from shared.envelope import utcnow

    db = make_db("matching")
    now = utcnow()
    add(db, published_wish("in-window", citywide_at=now + timedelta(hours=47)),
        published_wish("still-window", citywide_at=now + timedelta(hours=1)),
        published_wish("city-wide", citywide_at=now - timedelta(seconds=1)),
        *[Member(id=member_id, kind="person", display_name="党员", party_member=True,
                 community_code=community, skills=[], available_times=[], as_of=now)
          for member_id, community in (("neighbour", COMMUNITY), ("elsewhere", "pudong-gaoqiao"))])
    client = create_app(db_settings, db).test_client()
    neighbour = Claimer.signed(client, db_settings, id="neighbour")
    elsewhere = Claimer.signed(client, db_settings, id="elsewhere")
    unregistered = Claimer.signed(client, db_settings, id="nobody-knows")
    walls = {who: {w["id"]: w for w in actor.get("/api/v1/wishes").get_json()["items"]}
             for who, actor in (("neighbour", neighbour), ("elsewhere", elsewhere))}
    assert walls["neighbour"]["still-window"]["may_claim"] is True
    assert walls["elsewhere"]["still-window"]["may_claim"] is False
    assert walls["elsewhere"]["city-wide"]["may_claim"] is True
    assert walls["elsewhere"]["still-window"]["open_to"] == "community"
    assert "起全市可认领" in walls["elsewhere"]["still-window"]["open_to_label"]
    anonymous = {w["id"]: w for w in client.get("/api/v1/wishes").get_json()["items"]}
    assert "may_claim" not in anonymous["city-wide"] and anonymous["city-wide"]["open_to"] == "city"
    page = elsewhere.get("/").get_data(as_text=True)
    assert page.count("认领这个心愿") == 1  # only city-wide's button: the window keeps the others
    refused = elsewhere.claim("still-window")
    assert refused.status_code == 403 and _error(refused) == "community_window"
    [detail] = refused.get_json()["error"]["fields"]
    assert "起全市可认领" in detail["message"] and detail["citywide_at"]
    assert _error(unregistered.claim("still-window")) == "community_window"
    assert neighbour.claim("in-window").status_code == 201
    assert elsewhere.claim("city-wide").status_code == 201
    with db.uow() as uow:
        assert uow.session.get(Wish, "still-window").status == "published"


def test_one_member_thirty_taps_at_once_holds_exactly_the_quota(db_settings, make_db):
    """Quota 3: thirty concurrent claims of thirty different wishes by one member make three."""
    db = make_db("matching")
    add(db, *[published_wish(f"q{n}") for n in range(30)])
    app = create_app(db_settings, db, MatchingConfig(claims_per_hour=1000, open_claims=3))
    statuses = _claim_at_once(app, db_settings, [("busy-member", f"q{n}") for n in range(30)])
    assert sorted(statuses) == [201] * 3 + [409] * 27
    with db.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Claim.__table__)) == 3


def test_the_quota_counts_only_open_claims_and_says_why(db_settings, make_db):
    db = make_db("matching")
    add(db, *[published_wish(f"q{n}") for n in range(3)])
    client = create_app(db_settings, db, MatchingConfig(open_claims=1)).test_client()
    member = Claimer.signed(client, db_settings, id="m1")
    first = member.claim("q0").get_json()
    refused = member.claim("q1")
    assert refused.status_code == 409 and _error(refused) == "claim_quota"
    assert "上限 1 个" in refused.get_json()["error"]["fields"][0]["message"]
    member.fulfil(first["id"], note="已送到")  # done: no longer open
    assert member.claim("q1").status_code == 201


def test_a_double_tap_with_one_idempotency_key_is_one_claim(db_settings, make_db):
    db = make_db("matching")
    add(db, published_wish("tap"), published_wish("other"))
    app = create_app(db_settings, db)

    def tap(_n: int):
        member = Claimer.signed(app.test_client(), db_settings, id="tapper")
        return lambda: member.post("/api/v1/wishes/tap/claims", json={},
                                   headers={"Idempotency-Key": "tap-1"})

    answers = all_at_once(2, tap)
    assert sorted(a.status_code for a in answers) == [200, 201]
    assert len({a.get_json()["id"] for a in answers}) == 1
    member = Claimer.signed(app.test_client(), db_settings, id="tapper")
    again = member.post("/api/v1/wishes/tap/claims", json={}, headers={"Idempotency-Key": "tap-1"})
    assert again.status_code == 200 and again.get_json()["id"] == answers[0].get_json()["id"]
    reused = member.post("/api/v1/wishes/other/claims", json={},
                         headers={"Idempotency-Key": "tap-1"})
    assert reused.status_code == 422 and _error(reused) == "idempotency_key_reused"
    with db.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Claim.__table__)) == 1


def test_the_loser_of_a_race_is_offered_similar_open_wishes(db_settings, make_db):
    db = make_db("matching")
    add(db, published_wish("popular", category="health"),
        published_wish("same-category", category="health", community_code="pudong-gaoqiao"),
        published_wish("same-community", category="culture"),
        published_wish("unlike", category="culture", community_code="pudong-gaoqiao"))
    client = create_app(db_settings, db).test_client()
    assert Claimer.signed(client, db_settings, id="fast").claim("popular").status_code == 201
    lost = Claimer.signed(client, db_settings, id="slow").claim("popular")
    assert lost.status_code == 409 and _error(lost) == "already_claimed"
    offered = {w["id"] for w in lost.get_json()["error"]["alternatives"]}
    assert offered == {"same-category", "same-community"}


def test_an_organisation_claims_and_names_three_registered_members_who_serve(db_settings,
                                                                            make_db):
    import json

    from services.matching.models import Member
    from shared.envelope import utcnow

    db = make_db("matching")
    add(db, published_wish("team-wish", wish_type="team"), published_wish("other"),
        *[Member(id=m, kind="person", display_name="党员", party_member=True, skills=[],
                 available_times=[], as_of=utcnow()) for m in ("m1", "m2", "m3")])
    client = create_app(db_settings, db).test_client()
    from tests.helpers import principal
    org = Claimer.signed(client, db_settings, principal("org_admin", id="org-youth", org="youth"))
    unknown = org.post("/api/v1/wishes/team-wish/claims", json={"members": ["m1", "nobody"]})
    assert unknown.status_code == 422
    assert [(f["field"], f["code"]) for f in unknown.get_json()["error"]["fields"]] == [
        ("members.1", "unknown_member")]
    twice = org.post("/api/v1/wishes/team-wish/claims", json={"members": ["m1", "m1"]})
    assert twice.status_code == 422
    claimed = org.post("/api/v1/wishes/team-wish/claims", json={"members": ["m1", "m2", "m3"]})
    assert claimed.status_code == 201 and claimed.get_json()["members"] == ["m1", "m2", "m3"]
    with db.engine.connect() as conn:
        [body] = conn.execute(select(db.outbox.c.body).where(
            db.outbox.c.type == "wish.claimed")).scalars().all()
    assert json.loads(body)["payload"]["members"] == ["m1", "m2", "m3"]
    alone = Claimer.signed(client, db_settings, id="m1").post(
        "/api/v1/wishes/other/claims", json={"members": ["m2"]})
    assert alone.status_code == 422
    assert alone.get_json()["error"]["fields"][0]["code"] == "members_for_organisations"
