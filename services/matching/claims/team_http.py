"""Group claims over HTTP: a member leaves their group; a liaison says how many a wish needs."""
from __future__ import annotations

from flask import Blueprint

from services.matching.claims import team
from services.matching.claims.http import EmptySchema, run_step, shown
from services.matching.claims.rules import MAX_CAPACITY
from services.matching.web.http import community_names
from services.matching.web.views import wish_view
from shared import audit
from shared.access import CLAIMERS, LIAISON, allow, in_scope, require_principal
from shared.errors import ApiError
from shared.fields import Strict, count
from shared.web import load_json, uow

bp = Blueprint("team", __name__)


class CapacitySchema(Strict):
    capacity = count(1, MAX_CAPACITY, required=True)


@bp.post("/api/v1/claims/<claim_id>/leave")
@allow(*CLAIMERS)
def leave_team(claim_id: str):
    """The caller leaves the group they joined (退出帮帮团)."""
    load_json(EmptySchema())
    return shown(*run_step(team.leave, claim_id, require_principal().id))


@bp.post("/api/v1/wishes/<wish_id>/capacity")
@allow(LIAISON)
def set_capacity(wish_id: str):
    """The wish's liaison says how many serve together on it (1: one claimer)."""
    body = load_json(CapacitySchema())
    unit, who = uow(), require_principal()
    wish = team.locked(unit, wish_id)
    if wish is None or not in_scope(who, wish.community_code):
        raise ApiError(404, "not_found")
    team.set_capacity(unit, wish_id, body["capacity"])
    audit.record(unit, who, "wish.capacity_set", "wish", wish_id, wish.community_code,
                 {"capacity": body["capacity"]})
    unit.commit()
    return wish_view(wish, community_names([wish]))
