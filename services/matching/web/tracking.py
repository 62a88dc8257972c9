"""认领跟踪: the liaison's page over their communities' claims — overdue, due soon, reported
done (with the deed's photos) and awaiting them, the messages on them, those whose wisher lets
the claimer have the phone, and the wishes nobody took — with confirm, dispute, reinstate and
telling the claimer the phone (here), reassign, reply and assign (tracking_forms)."""
from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from flask import Blueprint, current_app, redirect, request
from sqlalchemy import select

from services.matching import members as member_copies
from services.matching.channel import actions as channel, rules as channel_rules
from services.matching.claims import steps
from services.matching.claims.http import load_claim, run_step
from services.matching.handover import rules as offers
from services.matching.models import PUBLISHED, Assignment, Claim, ClaimMessage, ProofPhoto, Wish
from services.matching.reveal import actions as reveal
from services.matching.reveal.http import reveal_as_caller
from services.matching.web.forms import refusals_on
from services.matching.web.http import community_names
from services.matching.web.pages import render_page
from shared.access import ANYONE, LIAISON, allow, in_communities, in_scope, principal
from shared.clock import today_in_china
from shared.web import uow

bp = Blueprint("tracking", __name__)
DUE_SOON_DAYS = 3
ASSIGNABLE = ("person", "organisation")  # 指派 goes to a member or an organisation


@bp.get("/tracking")
@allow(ANYONE)
def tracking_page(status: int = 200, error: str | None = None):
    """The liaison's claims to follow; anyone else is sent to log in."""
    who = principal()
    if who is None or who.role != LIAISON:
        return redirect("/login?next=/tracking", 303)
    today, session = today_in_china(), uow().session
    rows = session.execute(in_communities(
        select(Claim, Wish).join(Wish, Wish.id == Claim.wish_id)
        .where(Claim.status.in_(("claimed", "fulfilled", "released"))), who, Wish.community_code)
        .order_by(Claim.due_on, Claim.claimed_at).limit(500)).all()
    escalated = list(session.scalars(in_communities(
        select(Wish).where(PUBLISHED, Wish.claim_id.is_(None), Wish.escalated_at.is_not(None)),
        who, Wish.community_code).order_by(Wish.escalated_at).limit(200)))
    groups = {
        "overdue": [(c, w) for c, w in rows if c.status == "claimed" and c.due_on
                    and c.due_on < today],
        "due_soon": [(c, w) for c, w in rows if c.status == "claimed" and c.due_on
                     and today <= c.due_on <= today + timedelta(days=DUE_SOON_DAYS)],
        "reported": [(c, w) for c, w in rows if c.status == "fulfilled"],
        "released": [(c, w) for c, w in rows if c.status == "released"
                     and w.status == "published" and w.claim_id is None],
        "phone": [(c, w) for c, w in rows if c.status in ("claimed", "fulfilled")
                  and w.share_phone and w.phone_sealed is not None],
    }
    live = {c.id: (c, w) for c, w in rows if c.status in ("claimed", "fulfilled")}
    photos = defaultdict(list)
    for p in session.scalars(select(ProofPhoto).where(ProofPhoto.claim_id.in_(
            [c.id for c, _w in groups["reported"]])).order_by(ProofPhoto.created_at, ProofPhoto.id)):
        photos[p.claim_id].append(p.id)
    talked = set(session.scalars(select(ClaimMessage.claim_id).distinct().where(
        ClaimMessage.claim_id.in_(live))))
    sealer = current_app.extensions["microwish.sealer"]
    threads = [(*live[i], channel.read(uow(), sealer, i, channel_rules.LIAISON))
               for i in live if i in talked]
    codes = {w.community_code for _c, w in rows} | {w.community_code for w in escalated}
    people = {code: member_copies.of_community(session, code, ASSIGNABLE) for code in codes}
    pending = {a.wish_id: a for a in session.scalars(select(Assignment).where(
        Assignment.wish_id.in_([w.id for w in escalated]), Assignment.outcome == offers.OFFERED))}
    names = member_copies.display_names(session, (
        *(c.member_id for c, _w in rows), *(a.to_member for a in pending.values())))
    told = reveal.revealed_to(session, [c.id for c, _w in groups["phone"]])
    return render_page("tracking.html", status, groups=groups, escalated=escalated,
                       communities=community_names([*(w for _c, w in rows), *escalated]),
                       error=error, photos=photos, threads=threads, people=people,
                       claimer_names=names, pending=pending,
                       told={c.id for c, _w in groups["phone"] if c.member_id in told.get(c.id, ())})


refusals_on(bp, tracking_page, "/tracking")


@bp.post("/tracking/claims/<claim_id>/<any(confirm, dispute, reinstate, reveal):action>")
@allow(LIAISON)
def tracking_form(claim_id: str, action: str):
    """Confirm a reported deed, dispute it (saying why), undo a release made by mistake, or tell
    the claimer the wisher's phone (as they agreed)."""
    load_claim(claim_id, lambda who, _c, wish: in_scope(who, wish.community_code))
    if action == "reveal":
        reveal_as_caller(claim_id)  # a refusal is said on the page (refusals_on)
    elif action == "confirm":
        run_step(steps.confirm, claim_id)
    elif action == "dispute":
        reason = (request.form.get("reason") or "").strip()
        if not reason:
            return tracking_page(422, "请写明为什么认为心愿尚未完成")
        run_step(steps.dispute, claim_id, reason[:500])
    else:
        run_step(steps.reinstate, claim_id)
    return redirect("/tracking", 303)
