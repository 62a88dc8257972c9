"""Claims over HTTP: claim a wish (its race, its limits, the loser's alternatives) and follow
one's claims; what serves every claim route (load one, run a step, show it). The steps after
the claim are in steps_http."""
from __future__ import annotations

from flask import Blueprint, current_app
from marshmallow import fields, validate
from sqlalchemy import select

from services.matching import config
from services.matching.claims import actions, attempt, rules
from services.matching.claims.announce import serving
from services.matching.claims.first_look import first_look
from services.matching.claims.quota import theirs
from services.matching.errors import AlreadyClaimed, CommunityWindow, KeyReused, NotFound
from services.matching.models import (RATE_LIMITS, Claim, ClaimPoints, Member, ProofPhoto,
                                      TeamMember, Wish)
from services.matching.reveal import actions as reveal
from services.matching.web.http import community_names
from services.matching.web.views import claim_view
from shared import audit
from shared.access import (CLAIMERS, DISTRICT_ADMIN, LIAISON, ORG_ADMIN, STREET_ADMIN,
                           allow, in_communities, require_principal)
from shared.errors import ApiError
from shared.fields import Strict, distinct
from shared.ratelimit import RateLimit
from shared.envelope import utcnow
from shared.web import database, idempotency_key, load_json, reading, uow

bp = Blueprint("claims", __name__)
_CLAIM_READERS = (*CLAIMERS, LIAISON, STREET_ADMIN, DISTRICT_ADMIN)


class EmptySchema(Strict):
    """Nothing to send: who acts is whoever is logged in."""


class ClaimSchema(Strict):
    """An organisation's admin may name the registered members who serve (up to 20)."""

    members = fields.List(fields.String(validate=validate.Length(1, 64, error="invalid_length")),
                          load_default=list,
                          validate=[validate.Length(max=20, error="too_many"), distinct])


_CLAIM_BODY = ClaimSchema()  # built once: a schema holds no state between loads


def load_claim(claim_id: str, may) -> tuple[Claim, Wish]:
    """The claim and its wish if `may(who, claim, wish)`; someone else's claim looks absent."""
    c = uow().session.get(Claim, claim_id)
    wish = uow().session.get(Wish, c.wish_id) if c is not None else None
    if c is None or not may(require_principal(), c, wish):
        raise NotFound(claim_id)
    return c, wish


def concerns(who, c: Claim, wish: Wish) -> bool:
    """The claimer's, a group member's, and the wish's liaisons' and overseers'."""
    return rules.concerns(who, c.member_id, wish.community_code) or (
        c.team and uow().session.get(TeamMember, (c.id, who.id)) is not None)


def run_step(step, *args) -> tuple[Claim, Wish]:
    """Run a claim step in the request's unit of work, audit it, commit."""
    unit = uow()
    c = step(unit, *args)
    wish = unit.session.get(Wish, c.wish_id)
    audit.record(unit, require_principal(), f"claim.{c.status}", "claim", c.id,
                 wish.community_code, {"wish_id": c.wish_id})
    unit.commit()
    return c, wish


def shown(c: Claim, wish: Wish) -> dict:
    """One claim as its answer shows it, its community by name, a group with its members, a
    reported deed with its photos (what they are, not what they show); for its claimer, once the
    liaison told them, the wisher's phone in clear until the deed is confirmed."""
    team = [m for m, _unit in serving(uow(), c)] if c.team else None
    view = claim_view(c, wish, community_names([wish]), team)
    told = reveal.revealed_to(uow().session, [c.id]).get(c.id, set())
    view["phone_revealed"] = c.member_id in told
    phone = reveal.phone_for(require_principal().id, c, wish, told,
                             current_app.extensions["microwish.sealer"])
    if phone:
        view["wish"]["contact"] = {**(wish.contact_masked or {}), "phone": phone}
    if c.status in ("fulfilled", "confirmed"):
        view["photos"] = [{"id": p.id, "content_type": p.content_type, "size": p.size}
                          for p in uow().session.scalars(
                              select(ProofPhoto).where(ProofPhoto.claim_id == c.id)
                              .order_by(ProofPhoto.created_at, ProofPhoto.id))]
    if c.status == "confirmed":  # what each share earned, once scoring said (points.awarded)
        view["points"] = [{"member_id": p.member_id, "points": str(p.points)}
                          for p in uow().session.scalars(select(ClaimPoints).where(
                              ClaimPoints.claim_id == c.id).order_by(ClaimPoints.member_id))]
    return view


def caller_as_claimer(registered_in: str | None, key: str | None = None,
                      named: list[str] = ()) -> actions.Claimer:
    """Whoever is logged in, registered (报到) where intake said, and the members an
    organisation's admin names to serve (each a registered person)."""
    who = require_principal()
    registered = set(uow().session.scalars(select(Member.id).where(
        Member.id.in_(named), Member.kind == "person"))) if named else set()
    problems = rules.named_members_problems(who.role, list(named), registered)
    if problems:
        raise ApiError(422, "validation_failed", problems)
    return actions.Claimer(who.id, who.unit, registered_in, key, tuple(named),
                           organisation=who.role == ORG_ADMIN)


def claim_as_caller(wish_id: str, key: str | None = None,
                    named: list[str] = ()) -> tuple[Claim, Wish, bool]:
    """Claim for whoever is logged in, within their hourly allowance and their open-claims quota;
    the claim their `key` made, or that they hold, if there is one (created False). The loser of
    a race is offered up to three similar wishes to claim instead."""
    settings_ = config.current()  # the unit of work only for an attempt that gets that far
    limit = RateLimit(database().engine, RATE_LIMITS, settings_.claims_per_hour, 3600)
    # Every attempt counts, in the statement that reads all a lost race is answered from: the
    # count costs no statement of its own, and a lost race no transaction beyond that one.
    with reading() as conn:
        seen = first_look(conn, limit, require_principal().id, wish_id, key)
        decided = attempt.verdict(seen, wish_id, settings_.claims_per_hour, utcnow())
        if decided == attempt.TOO_MANY:
            raise ApiError(429, "too_many_requests", retry_after=limit.retry_after())
        claimer = caller_as_claimer(seen.registered_in, key, named)
        if decided not in (attempt.TRY, attempt.MADE, attempt.HELD):
            _refuse(decided, conn, wish_id, seen, claimer)
    if decided == attempt.TRY:
        try:
            made, wish = run_step(actions.claim, wish_id, claimer, settings_.allowance_for,
                                      settings_.claim_days)
            _alternatives().taken(wish_id)
            return made, wish, True
        except AlreadyClaimed:  # raced since the first look: maybe by our own other tap
            unit = uow()
            unit.session.rollback()
            made = actions.already_has(unit, claimer, wish_id)
            if made is None:
                with reading() as conn:
                    _lost(conn, wish_id, unit.session.get(Wish, wish_id), claimer)
    else:
        made = uow().session.get(Claim, seen.keyed_claim or seen.held)
    return made, uow().session.get(Wish, made.wish_id), False


def _refuse(decided: str, conn, wish_id: str, seen: attempt.Attempt, claimer) -> None:
    """The answer to an attempt the first look refused."""
    if decided == attempt.KEY_REUSED:
        raise KeyReused.of(claimer.key)
    if decided == attempt.NOT_FOUND:
        raise NotFound(wish_id)
    if decided == attempt.WINDOW:
        raise CommunityWindow(wish_id, [rules.window_problem(seen.citywide_at)])
    _lost(conn, wish_id, seen, claimer)


def _lost(conn, wish_id: str, wish, claimer: actions.Claimer):
    """409 with up to three similar open wishes to claim instead. `wish`: anything with its
    community and category."""
    offers = _alternatives().offered(conn, wish_id, wish.community_code, wish.category,
                                     claimer.community_code, utcnow())
    raise ApiError(409, "already_claimed", extra={"alternatives": offers})


def _alternatives():
    return current_app.extensions["matching.alternatives"]


@bp.post("/api/v1/wishes/<wish_id>/claims")
@allow(*CLAIMERS)
def claim_wish(wish_id: str):
    body = load_json(_CLAIM_BODY)
    c, wish, created = claim_as_caller(wish_id, idempotency_key(), body["members"])
    return shown(c, wish), 201 if created else 200


@bp.get("/api/v1/claims")
@allow(*_CLAIM_READERS)
def list_claims():
    """A claimer's own claims; a liaison's communities' claims."""
    who = require_principal()
    query = select(Claim, Wish).join(Wish, Wish.id == Claim.wish_id)
    if who.role in CLAIMERS:
        query = query.where(theirs(who.id))
    else:
        query = in_communities(query, who, Wish.community_code)
    rows = uow().session.execute(query.order_by(Claim.claimed_at.desc()).limit(200)).all()
    names = community_names(w for _c, w in rows)
    return {"items": [claim_view(c, w, names) for c, w in rows]}


@bp.get("/api/v1/claims/<claim_id>")
@allow(*_CLAIM_READERS)
def get_claim(claim_id: str):
    return shown(*load_claim(claim_id, concerns)), {"Cache-Control": "no-store"}
