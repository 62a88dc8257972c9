"""认领跟踪: the liaison's page over their communities' claims — overdue, due soon, reported
done and awaiting them, those whose wisher lets the claimer have the phone, and the wishes
nobody took — with confirm, dispute, reinstate and telling the claimer the phone."""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, redirect, request
from sqlalchemy import select

from services.matching.claims import steps
from services.matching.claims.http import load_claim, run_step
from services.matching.errors import MatchingError
from services.matching.models import PUBLISHED, Claim, Wish
from services.matching.reveal import actions as reveal
from services.matching.reveal.http import reveal_as_caller
from services.matching.web.http import community_names
from services.matching.web.pages import render_page
from shared.access import ANYONE, LIAISON, allow, in_communities, in_scope, principal
from shared.clock import today_in_china
from shared.web import as_api_error, uow

bp = Blueprint("tracking", __name__)
DUE_SOON_DAYS = 3


@bp.get("/tracking")
@allow(ANYONE)
def tracking_page(status: int = 200, error: str | None = None):
    """The liaison's claims to follow; anyone else is sent to log in."""
    who = principal()
    if who is None or who.role != LIAISON:
        return redirect("/login?next=/tracking", 303)
    today = today_in_china()
    rows = uow().session.execute(in_communities(
        select(Claim, Wish).join(Wish, Wish.id == Claim.wish_id)
        .where(Claim.status.in_(("claimed", "fulfilled", "released"))), who, Wish.community_code)
        .order_by(Claim.due_on, Claim.claimed_at).limit(500)).all()
    escalated = list(uow().session.scalars(in_communities(
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
    told = reveal.revealed_to(uow().session, [c.id for c, _w in groups["phone"]])
    names = community_names([*(w for _c, w in rows), *escalated])
    return render_page("tracking.html", status, groups=groups, escalated=escalated,
                       communities=names, error=error,
                       told={c.id for c, _w in groups["phone"] if c.member_id in told.get(c.id, ())})


@bp.post("/tracking/claims/<claim_id>/<any(confirm, dispute, reinstate, reveal):action>")
@allow(LIAISON)
def tracking_form(claim_id: str, action: str):
    """Confirm a reported deed, dispute it (saying why), undo a release made by mistake, or tell
    the claimer the wisher's phone (as they agreed)."""
    load_claim(claim_id, lambda who, _c, wish: in_scope(who, wish.community_code))
    if action == "reveal":
        try:
            reveal_as_caller(claim_id)
        except MatchingError as refused:
            uow().session.rollback()
            said = as_api_error(refused)
            return tracking_page(said.status, said.message)
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
