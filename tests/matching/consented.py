"""Wishes taken in from wish.verified with the wisher's consents, as matching's handler takes
them: for the phone-reveal and story tests."""
from __future__ import annotations

from services.matching.config import Config
from services.matching.publication import actions
from shared.contracts import schema_for
from shared.envelope import payload_type
from shared.pii import Sealer
from tests.factories import COMMUNITY, PHONE

SHARE_PHONE = {"share_phone": True, "publicity": False, "given_by": "self", "minor": False}
PUBLICITY = {"share_phone": False, "publicity": True, "given_by": "self", "minor": False}
NEITHER = {"share_phone": False, "publicity": False, "given_by": "self", "minor": False}


def take_in(db, settings, wish_id: str, consents: dict, title: str = "想要一套棉衣",
            community: str = COMMUNITY) -> None:
    """wish.verified for `wish_id` with `consents` (the phone sealed alone when shared), opened
    on the wall at once, to the whole city (a community matching has not heard of)."""
    sealed = Sealer(settings.pii_keys).seal(PHONE) if consents.get("share_phone") else None
    data = schema_for("wish.verified").load({
        "wish_id": wish_id, "source": "web", "source_ref": wish_id, "community_code": community,
        "title": title, "description": "天冷了", "kind": "material", "wisher_display": "李**",
        "submitted_by": None, "contact_masked": {"phone": "138****1234", "address": None},
        "consents": consents, "phone_sealed": sealed})
    with db.uow() as uow:
        actions.publish(uow, payload_type("wish.verified")(**data), Config(), None, known=False)
        uow.commit()
