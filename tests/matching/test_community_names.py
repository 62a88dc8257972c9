"""The wall and the claims show a community by its Chinese name once intake announced it, and by
its code until then; a list's names come in one query, not one a wish."""
from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import event

from services.matching.app import handlers
from shared.envelope import delivered, make_event
from tests.actors import Claimer
from tests.factories import community_profile, published_wish
from tests.helpers import add, principal

GAOQIAO = {"code": "pudong-gaoqiao", "name": "高桥镇社区", "street": "高桥镇",
           "district": "pudong", "district_name": "浦东新区"}


@pytest.fixture
def db(make_db):
    return make_db("matching")


def announce(db, settings, type_: str = "community.registered", **changes) -> None:
    """Deliver a community event to the handler matching's composition root reads its queue with."""
    keep = next(h.apply for h in handlers(settings) if h.queue.name == "matching.communities")
    with db.uow() as uow:
        keep(uow, delivered(make_event(type_, community_profile(**changes), "intake")))
        uow.commit()


@contextmanager
def statements_on(db):
    """The statements run on `db` (in transactions or by its reader) while the block runs."""
    seen: list[str] = []

    def note(_conn, _cursor, statement, *_args) -> None:
        seen.append(statement)
    for engine in (db.engine, db.reader):
        event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        for engine in (db.engine, db.reader):
            event.remove(engine, "before_cursor_execute", note)


def test_the_wall_json_names_each_community_and_falls_back_to_the_code(app, db, db_settings):
    announce(db, db_settings)
    announce(db, db_settings, **GAOQIAO)
    add(db, published_wish("w-wenming"),
        published_wish("w-gaoqiao", community_code="pudong-gaoqiao"),
        published_wish("w-gaoqiao-2", community_code="pudong-gaoqiao"),
        published_wish("w-unknown", community_code="chuanhui-xinxing"))
    client = app.test_client()
    with statements_on(db) as statements:
        items = client.get("/api/v1/wishes").get_json()["items"]
    assert {w["id"]: (w["community_code"], w["community_name"]) for w in items} == {
        "w-wenming": ("chuanhui-wenming", "文明社区"),
        "w-gaoqiao": ("pudong-gaoqiao", "高桥镇社区"),
        "w-gaoqiao-2": ("pudong-gaoqiao", "高桥镇社区"),
        "w-unknown": ("chuanhui-xinxing", "chuanhui-xinxing")}  # not announced yet: its code
    assert len([s for s in statements if "communities" in s]) == 1  # one query for the list
    one = client.get("/api/v1/wishes/w-gaoqiao").get_json()
    assert one["community_name"] == "高桥镇社区"


def test_a_renamed_community_shows_its_new_name(app, db, db_settings):
    add(db, published_wish("w-1"))
    client = app.test_client()
    assert client.get("/api/v1/wishes/w-1").get_json()["community_name"] == "chuanhui-wenming"
    announce(db, db_settings)
    announce(db, db_settings, "community.updated", name="文明路社区")
    assert client.get("/api/v1/wishes/w-1").get_json()["community_name"] == "文明路社区"


def test_the_wall_page_shows_names_never_codes(browser_of, db, db_settings):
    announce(db, db_settings)
    announce(db, db_settings, **GAOQIAO)
    add(db, published_wish("w-wenming", title="想要一套棉衣棉裤"),
        published_wish("w-gaoqiao", community_code="pudong-gaoqiao", title="想去公园看看"),
        published_wish("w-unknown", community_code="chuanhui-xinxing", title="想要一个新书包"))
    html = browser_of().get("/").text
    assert '<span class="community">文明社区</span>' in html
    assert '<span class="community">高桥镇社区</span>' in html
    assert "chuanhui-wenming" not in html and "pudong-gaoqiao" not in html
    assert '<span class="community">chuanhui-xinxing</span>' in html  # unknown: the code


def test_claims_show_the_name_in_json_and_on_my_claims(app, browser_of, db, db_settings):
    announce(db, db_settings, **GAOQIAO)
    add(db, published_wish("w-gaoqiao", community_code="pudong-gaoqiao"),
        published_wish("w-unknown", community_code="pudong-nowhere"))
    member = principal("member", id="m-1", name="张建国")
    api = Claimer.signed(app.test_client(), db_settings, who=member)
    claimed = api.claim("w-gaoqiao").get_json()
    assert claimed["wish"]["community_name"] == "高桥镇社区"
    api.claim("w-unknown")
    listed = api.get("/api/v1/claims").get_json()["items"]
    assert {c["wish"]["community_name"] for c in listed} == {"高桥镇社区", "pudong-nowhere"}
    assert api.get(f"/api/v1/claims/{claimed['id']}").get_json()["wish"]["community_name"] == (
        "高桥镇社区")
    assert api.release(claimed["id"]).get_json()["wish"]["community_name"] == "高桥镇社区"
    api.claim("w-gaoqiao")
    page = browser_of(member).get("/my/claims").text
    assert '<span class="community">高桥镇社区</span>' in page and "pudong-gaoqiao" not in page
