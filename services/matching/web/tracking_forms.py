"""认领跟踪's forms beyond settling a deed: reassigning a claim to another member, replying on
a claim's channel, and assigning (指派) an escalated wish to a member or an organisation."""
from __future__ import annotations

from flask import Blueprint, redirect

from services.matching.channel import rules as channel_rules
from services.matching.claims.http import load_claim
from services.matching.errors import NotFound
from services.matching.escalation import assignment
from services.matching.handover import actions as handover
from services.matching.models import Wish
from services.matching.web.forms import (message_from_form, name_problem, named_member,
                                         refusals_on)
from services.matching.web.tracking import tracking_page
from shared.access import LIAISON, allow, in_scope, principal
from shared.web import uow

bp = Blueprint("tracking_forms", __name__)
refusals_on(bp, tracking_page, "/tracking")


def _theirs(claim_id: str):
    """The claim, if its wish is in one of the liaison's communities; else it looks absent."""
    return load_claim(claim_id, lambda who, _c, wish: in_scope(who, wish.community_code))[0]


@bp.post("/tracking/claims/<claim_id>/reassignment")
@allow(LIAISON)
def reassign_form(claim_id: str):
    """The wish's liaison gives the claim to another member at once; both are told."""
    _theirs(claim_id)
    to = named_member()
    wrong = name_problem(to)
    if wrong:
        return tracking_page(422, wrong)
    handover.reassign(uow(), claim_id, to, principal())
    uow().commit()
    return redirect("/tracking", 303)


@bp.post("/tracking/claims/<claim_id>/messages")
@allow(LIAISON)
def reply_form(claim_id: str):
    """The liaison's reply on a claim's channel; those who serve on it are told."""
    return message_from_form(_theirs(claim_id), channel_rules.LIAISON, tracking_page,
                             "/tracking", "回复")


@bp.post("/tracking/wishes/<wish_id>/assignment")
@allow(LIAISON)
def assign_form(wish_id: str):
    """指派: offer a wish nobody took to a member or an organisation, who is told."""
    wish = uow().session.get(Wish, wish_id)
    if wish is None or not in_scope(principal(), wish.community_code):
        raise NotFound(wish_id)
    to = named_member()
    wrong = name_problem(to)
    if wrong:
        return tracking_page(422, wrong)
    assignment.assign(uow(), wish_id, to, principal())
    uow().commit()
    return redirect("/tracking", 303)
