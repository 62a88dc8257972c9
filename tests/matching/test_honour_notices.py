"""A member hears of their annual honour (honour.granted) and of its revocation (honour.revoked),
once per announcement, in Chinese."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from services.matching.app import handlers
from services.matching.models import Notice
from services.matching.notices.templates import TEMPLATES
from shared.envelope import delivered, make_event


@pytest.fixture
def db(make_db):
    return make_db("matching")


def test_the_member_is_told_of_an_honour_and_of_its_revocation_once(db, db_settings):
    apply = next(h.apply for h in handlers(db_settings) if h.queue.name == "matching.honours")
    facts = {"honour_id": 1, "member_id": "m-1", "year": 2026, "level": "letter",
             "points": "20.00", "community_code": "chuanhui-wenming", "unit_code": None}
    granted = make_event("honour.granted", facts, "scoring")
    revoked = make_event("honour.revoked", {**facts, "points": "10.00",
                                            "notice": "〔2026〕撤字第1号"}, "scoring")
    for event in (granted, granted, revoked):
        with db.uow() as uow:
            apply(uow, delivered(event))
            uow.commit()
    with db.uow() as uow:
        told = [(n.recipient, n.kind, n.params) for n in uow.session.scalars(
            select(Notice).order_by(Notice.created_at))]
    assert told == [("m-1", "honour.granted", {"year": 2026, "title": "通报表扬", "points": "20"}),
                    ("m-1", "honour.revoked", {"year": 2026, "title": "通报表扬", "points": "10",
                                               "notice": "〔2026〕撤字第1号"})]
    assert TEMPLATES["honour.revoked"].format(**told[1][2]).endswith("（〔2026〕撤字第1号）。")
