"""Verification passes the wisher's consents on to matching, with the phone sealed alone only
when they agreed that the liaison may tell it to the claimer (real PostgreSQL)."""
from __future__ import annotations

from services.verification import handlers
from services.verification.models import Review
from shared.envelope import delivered, make_event
from shared.pii import Sealer
from tests.actors import Liaison
from tests.factories import COMMUNITY, PHONE, wish_submitted
from tests.helpers import emitted, principal, reread

SHARE = {"share_phone": True, "publicity": True, "given_by": "self", "minor": False}
KEEP = {"share_phone": False, "publicity": True, "given_by": "self", "minor": False}


def _run(db, verify, event) -> str:
    with db.uow() as unit:
        verify(unit, event)
        unit.commit()
    return event.payload.wish_id


def test_the_phone_goes_on_sealed_alone_only_with_consent(db, decided, db_settings):
    sealer = Sealer(db_settings.pii_keys)
    shared, kept = decided(1, consents=SHARE), decided(2, consents=KEEP)
    [out] = emitted(db, "wish.verified", shared)
    assert out["consents"] == SHARE and sealer.open(out["phone_sealed"]) == PHONE
    assert PHONE not in str(out) and "李景荣" not in str(out)
    [other] = emitted(db, "wish.verified", kept)
    assert other["consents"] == KEEP and other["phone_sealed"] is None
    assert reread(db, Review, kept).phone_sealed is None


def test_a_wish_from_before_consents_were_asked_shares_nothing(db, verify, db_settings):
    [out] = emitted(db, "wish.verified", _run(db, verify, wish_submitted(db_settings)))
    assert out["consents"] == {} and out["phone_sealed"] is None


def test_a_liaison_s_approval_carries_them_too_and_erasure_drops_the_phone(app, decided, db,
                                                                         db_settings):
    wish = decided.near_threshold(7, consents=SHARE)  # left at the desk
    desk = Liaison.signed(app.test_client(), db_settings,
                          principal("liaison", communities=[COMMUNITY]))
    assert desk.approve(wish, note="已电话核实").status_code == 200
    [out] = emitted(db, "wish.verified", wish)
    assert Sealer(db_settings.pii_keys).open(out["phone_sealed"]) == PHONE
    with db.uow() as unit:
        handlers.erase(unit, delivered(make_event("wish.erased", {"wish_id": wish}, "intake",
                                                  wish)))
        unit.commit()
    assert reread(db, Review, wish).phone_sealed is None
