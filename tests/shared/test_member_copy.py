"""Each service's copy of the claimers intake registered: applied once, never going back in time."""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from services.matching import members as matching_members
from services.matching.models import Member as MatchingMember
from services.scoring import members as scoring_members
from services.scoring.models import Member as ScoringMember
from shared.envelope import delivered, make_event
from tests.factories import member_profile


@pytest.mark.parametrize("module, model, service", [
    (matching_members, MatchingMember, "matching"), (scoring_members, ScoringMember, "scoring")])
def test_local_copies_apply_events_once_and_never_go_back_in_time(make_db, module, model,
                                                                  service):
    db = make_db(service)
    profile = member_profile()
    registered = make_event("member.registered", profile, "intake")
    updated = replace(make_event("member.updated", {**profile, "unit_code": "chuanhui-hrss"},
                                 "intake"), occurred_at=registered.occurred_at + timedelta(1))
    for event in (updated, registered):  # the newer arrives first
        with db.uow() as uow:
            module.keep(uow, delivered(event))
            uow.commit()
    with db.uow() as uow:
        row = uow.session.get(model, "m-1")
        assert (row.unit_code, row.display_name, row.skills) == (
            "chuanhui-hrss", "张建国", ["electrician"])
