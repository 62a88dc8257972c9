"""我的认领: a claimer's own claims, each with its wish in full, when it is due, its messages
with the liaison, and what they may do next (report it done with photos, hand it over, give it
up saying why, leave a group, write to the liaison); the offers and assignments made to them."""
from __future__ import annotations

from flask import Blueprint, current_app, redirect, request
from sqlalchemy import select

from services.matching import members as member_copies
from services.matching.channel import actions as channel, rules as channel_rules
from services.matching.claims import rules, steps, team
from services.matching.claims.announce import serving
from services.matching.claims.http import load_claim, run_step
from services.matching.claims.quota import theirs
from services.matching.claims.points import earned, figure
from services.matching.errors import NotFound
from services.matching.handover import rules as offers
from services.matching.models import Assignment, Claim, Handover, Member, Wish
from services.matching.reveal import actions as reveal
from services.matching.web.forms import message_from_form, refusals_on
from services.matching.web.http import community_names
from services.matching.web.pages import render_page
from shared.access import ANYONE, CLAIMERS, allow, principal
from shared.envelope import utcnow
from shared.photos import MOST
from shared.pii import mask_typed
from shared.web import uow

bp = Blueprint("my_claims", __name__)


@bp.get("/my/claims")
@allow(ANYONE)
def my_claims_page(status: int = 200, error: str | None = None):
    """The claimer's claims; everyone else is sent to log in."""
    who = principal()
    if who is None or who.role not in CLAIMERS:
        return redirect("/login?next=/my/claims", 303)
    session, now = uow().session, utcnow()
    rows = session.execute(
        select(Claim, Wish).join(Wish, Wish.id == Claim.wish_id)
        .where(theirs(who.id)).order_by(Claim.claimed_at.desc())).all()
    servers = {c.id: [m for m, _unit in serving(uow(), c)] for c, _w in rows
               if c.team or c.status == "claimed"}
    teams = {c.id: servers[c.id] for c, _w in rows if c.team}
    sealer = current_app.extensions["microwish.sealer"]
    threads = {c.id: channel.read(uow(), sealer, c.id, channel_rules.CLAIMER)
               for c, _w in rows if c.status in ("claimed", "fulfilled")}
    open_ = (Handover.outcome == offers.OFFERED, Handover.expires_at > now)
    mine = {h.claim_id: h for h in session.scalars(
        select(Handover).where(Handover.from_member == who.id, *open_))}
    to_me = session.execute(select(Handover, Wish).join(Claim, Claim.id == Handover.claim_id)
                            .join(Wish, Wish.id == Claim.wish_id)
                            .where(Handover.to_member == who.id, *open_)).all()
    assigned = session.execute(select(Assignment, Wish).join(Wish, Wish.id == Assignment.wish_id)
                               .where(Assignment.to_member == who.id,
                                      Assignment.outcome == offers.OFFERED,
                                      Assignment.expires_at > now)).all()
    me = session.get(Member, who.id)
    home = me.community_code if me is not None and me.community_code else None
    # Only who serves on a claim hands it (or their place) on, to someone not serving on it.
    takers = {c.id: member_copies.of_community(session, home or w.community_code,
                                               leave_out=servers[c.id]) for c, w in rows
              if c.status == "claimed" and c.id not in mine and who.id in servers[c.id]}
    people = member_copies.display_names(session, (
        *(m for c, _w in rows for m in c.members or ()), *(m for ms in teams.values() for m in ms),
        *(h.to_member for h in mine.values()), *(h.from_member for h, _w in to_me)))
    wishes = [w for _c, w in rows] + [w for _h, w in to_me] + [w for _a, w in assigned]
    told = reveal.revealed_to(session, [c.id for c, _w in rows])
    phones = {c.id: phone for c, w in rows
              if (phone := reveal.phone_for(who.id, c, w, told.get(c.id, set()), sealer))}
    body, status = render_page(
        "my_claims.html", status, rows=rows, people=people, teams=teams,
        communities=community_names(wishes), error=error,
        reasons={**rules.RELEASE_REASONS, **rules.SYSTEM_REASONS},
        choosable=rules.RELEASE_REASONS, masked=mask_typed, threads=threads, my_offers=mine,
        offers_to_me=to_me, assigned=assigned, takers=takers, phones=phones, most_photos=MOST,
        points={i: figure(p) for i, p in earned(
            uow(), [c.id for c, _w in rows if c.status == "confirmed"], who.id).items()})
    return body, status, {"Cache-Control": "no-store"}  # a phone told to this claimer alone


refusals_on(bp, my_claims_page, "/my/claims")


@bp.post("/my/claims/<claim_id>/leave")
@allow(*CLAIMERS)
def leave_form(claim_id: str):
    """The member leaves the group they joined; their claims page again."""
    run_step(team.leave, claim_id, principal().id)
    return redirect("/my/claims", 303)


@bp.post("/my/claims/<claim_id>/release")
@allow(*CLAIMERS)
def release_form(claim_id: str):
    """The claimer gives the claim up, saying why; a reason missing says so on the page."""
    own(claim_id)
    reason, note = request.form.get("reason", ""), (request.form.get("note") or "").strip()
    problems = rules.release_problems(reason, note)
    if problems:
        return my_claims_page(422, "；".join(p["message"] for p in problems))
    run_step(steps.release, claim_id, principal().id, reason, note[:500] or None)
    return redirect("/my/claims", 303)


@bp.post("/my/claims/<claim_id>/messages")
@allow(*CLAIMERS)
def message_form(claim_id: str):
    """A message to the wish's liaison from one who serves on the claim."""
    c = uow().session.get(Claim, claim_id)
    if c is None or principal().id not in [m for m, _unit in serving(uow(), c)]:
        raise NotFound(claim_id)
    return message_from_form(c, channel_rules.CLAIMER, my_claims_page, "/my/claims", "留言")


def own(claim_id: str) -> Claim:
    """The caller's own claim; anyone else's looks absent."""
    return load_claim(claim_id, lambda who, c, _w: rules.may_fulfil(who, c.member_id))[0]
