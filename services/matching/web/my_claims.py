"""我的认领: a claimer's own claims, each with its wish in full, when it is due, its messages
with the liaison, and what they may do next (report it done, give it up saying why, leave a
group, write to the liaison)."""
from __future__ import annotations

from flask import Blueprint, current_app, redirect, request
from sqlalchemy import select

from services.matching import members as member_copies
from services.matching.channel import actions as channel, rules as channel_rules
from services.matching.claims import rules, steps, team
from services.matching.claims.announce import serving
from services.matching.claims.http import load_claim, run_step
from services.matching.claims.quota import theirs
from services.matching.errors import NotFound
from services.matching.models import Claim, Wish
from services.matching.reveal import actions as reveal
from services.matching.web.http import community_names
from services.matching.web.pages import render_page
from shared.access import ANYONE, CLAIMERS, allow, principal
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
    rows = uow().session.execute(
        select(Claim, Wish).join(Wish, Wish.id == Claim.wish_id)
        .where(theirs(who.id)).order_by(Claim.claimed_at.desc())).all()
    teams = {c.id: [m for m, _unit in serving(uow(), c)] for c, _w in rows if c.team}
    people = member_copies.display_names(uow().session, (
        *(m for c, _w in rows for m in c.members or ()), *(m for ms in teams.values() for m in ms)))
    sealer = current_app.extensions["microwish.sealer"]
    threads = {c.id: channel.read(uow(), sealer, c.id, channel_rules.CLAIMER)
               for c, _w in rows if c.status in ("claimed", "fulfilled")}
    told = reveal.revealed_to(uow().session, [c.id for c, _w in rows])
    phones = {c.id: phone for c, w in rows
              if (phone := reveal.phone_for(who.id, c, w, told.get(c.id, set()), sealer))}
    body, status = render_page("my_claims.html", status, rows=rows, people=people, teams=teams,
                               communities=community_names(w for _c, w in rows), error=error,
                               reasons=rules.RELEASE_REASONS, masked=mask_typed,
                               threads=threads, phones=phones)
    return body, status, {"Cache-Control": "no-store"}  # a phone told to this claimer alone


@bp.post("/my/claims/<claim_id>/leave")
@allow(*CLAIMERS)
def leave_form(claim_id: str):
    """The member leaves the group they joined; their claims page again."""
    run_step(team.leave, claim_id, principal().id)
    return redirect("/my/claims", 303)


@bp.post("/my/claims/<claim_id>/fulfilment")
@allow(*CLAIMERS)
def fulfil_form(claim_id: str):
    """The claimer reports the deed done, with a note for the liaison."""
    _own(claim_id)
    run_step(steps.fulfil, claim_id, (request.form.get("note") or "").strip()[:1000] or None)
    return redirect("/my/claims", 303)


@bp.post("/my/claims/<claim_id>/release")
@allow(*CLAIMERS)
def release_form(claim_id: str):
    """The claimer gives the claim up, saying why; a reason missing says so on the page."""
    _own(claim_id)
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
    body = (request.form.get("body") or "").strip()
    if not body or len(body) > channel_rules.MAX_LENGTH:
        return my_claims_page(422, f"留言不能为空，且不超过 {channel_rules.MAX_LENGTH} 字")
    channel.post(uow(), current_app.extensions["microwish.sealer"], c, principal().id,
                 channel_rules.CLAIMER, body)
    uow().commit()
    return redirect("/my/claims", 303)


def _own(claim_id: str) -> Claim:
    """The caller's own claim; anyone else's looks absent."""
    return load_claim(claim_id, lambda who, c, _w: rules.may_fulfil(who, c.member_id))[0]
