"""我的认领's forms against the real PostgreSQL: the deed reported with photos (too many, not
a picture, too big said in Chinese), a claim handed over to a member picked from the list or
named by their number, and assignments (指派) answered; each refusal said on the page."""
from __future__ import annotations

import io
import re
import struct
import zlib

import pytest
from sqlalchemy import select

from services.matching.escalation import assignment
from services.matching.models import Claim, Member, ProofPhoto
from shared.envelope import utcnow
from shared.photos import MAX_BYTES
from tests.factories import published_wish
from tests.helpers import add, csrf_token, principal

GAOQIAO = "pudong-gaoqiao"
LI = principal("member", id="m-li", name="李明")
WANG = principal("member", id="m-wang", name="王芳")


def png(width: int = 2, height: int = 2) -> bytes:
    """A real, tiny PNG: what a phone's camera roll would hand the form, only smaller."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


@pytest.fixture
def db(make_db):
    return make_db("matching")


def person(member_id: str, name: str, community: str = GAOQIAO, kind: str = "person") -> Member:
    return Member(id=member_id, kind=kind, display_name=name, party_member=True, unit_code=None,
                  community_code=community, skills=[], available_times=[], as_of=utcnow())


def claim_of(page, wish_id: str) -> str:
    assert page.form(f"/wishes/{wish_id}/claim", "/").status_code == 303
    html = page.get("/my/claims").text
    return re.search(rf'data-claim-id="([^"]+)" data-wish-id="{wish_id}"', html).group(1)


def report(page, claim_id: str, *files, note: str = "已送到"):
    token = csrf_token(page.get("/my/claims").text)
    return page.post(f"/my/claims/{claim_id}/fulfilment", content_type="multipart/form-data",
                     data={"csrf_token": token, "note": note,
                           "photos": [(io.BytesIO(raw), name, kind) for raw, name, kind in files]})


def test_the_deed_is_reported_with_photos_and_wrong_ones_are_said_in_chinese(db, browser_of):
    add(db, published_wish("coat", community_code=GAOQIAO, title="想要一件棉衣"))
    li = browser_of(LI)
    claim = claim_of(li, "coat")
    page = li.get("/my/claims").text
    assert 'enctype="multipart/form-data"' in page and 'accept="image/*" multiple' in page
    picture = (png(), "coat.png", "image/png")
    too_many = report(li, claim, *[picture] * 4)
    assert too_many.status_code == 422 and "最多上传 3 张照片" in too_many.text
    lying = report(li, claim, picture, (b"not a picture at all", "lie.png", "image/png"))
    assert lying.status_code == 422 and "第 2 张照片：文件内容与声明的类型不符" in lying.text
    big = report(li, claim, (png() + b"\x00" * MAX_BYTES, "big.png", "image/png"))
    assert big.status_code == 422 and "文件过大" in big.text
    with db.uow() as uow:
        assert uow.session.scalars(select(ProofPhoto)).all() == []
        assert uow.session.get(Claim, claim).status == "claimed"
    done = report(li, claim, picture, (png(3, 3), "after.png", "image/png"))
    assert done.status_code == 303 and done.headers["Location"] == "/my/claims"
    with db.uow() as uow:
        assert uow.session.get(Claim, claim).status == "fulfilled"
        assert [p.content_type for p in uow.session.scalars(select(ProofPhoto))] == ["image/png"] * 2
    again = report(li, claim, picture)  # already reported: said on the page, not as JSON
    assert again.status_code == 409 and 'class="error" role="alert"' in again.text


def test_a_claim_is_handed_over_picked_or_by_number_and_answered(db, browser_of):
    add(db, published_wish("lamp", community_code=GAOQIAO, title="想请人修灯"),
        published_wish("chat", community_code=GAOQIAO, title="希望有人陪我聊天"),
        person("m-li", "李明"), person("m-wang", "王芳"), person("m-zhao", "赵磊"),
        person("m-far", "远方", community="chuanhui-wenming"))
    li, wang = browser_of(LI), browser_of(WANG)
    lamp, chat = claim_of(li, "lamp"), claim_of(li, "chat")
    page = li.get("/my/claims").text
    offered = set(re.findall(r'<option value="(m-[a-z]+)">', page))
    assert offered == {"m-wang", "m-zhao"}  # their own community's members, not themselves
    assert "我的编号：<code>m-li</code>" in page
    empty = li.form(f"/my/claims/{lamp}/handover", "/my/claims", to="", to_id=" ")
    assert empty.status_code == 422 and "请从名单中选择" in empty.text
    unknown = li.form(f"/my/claims/{lamp}/handover", "/my/claims", to_id="nobody")
    assert unknown.status_code == 422 and 'role="alert"' in unknown.text
    assert li.form(f"/my/claims/{lamp}/handover", "/my/claims", to="m-wang").status_code == 303
    assert "已请 王芳 接手，等待对方答复" in li.get("/my/claims").text
    assert li.form(f"/my/claims/{chat}/handover", "/my/claims", to_id="m-wang").status_code == 303

    mine = wang.get("/my/claims").text
    assert "转交给我的认领（2）" in mine and "李明 想请您接手" in mine
    offers = dict(re.findall(r'data-handover-id="([^"]+)" data-wish-id="([^"]+)"', mine))
    by_wish = {w: h for h, w in offers.items()}
    assert wang.form(f"/my/handovers/{by_wish['lamp']}/accept", "/my/claims").status_code == 303
    assert wang.form(f"/my/handovers/{by_wish['chat']}/decline", "/my/claims").status_code == 303
    twice = wang.form(f"/my/handovers/{by_wish['chat']}/accept", "/my/claims")
    assert twice.status_code == 409 and 'role="alert"' in twice.text
    with db.uow() as uow:
        holders = {c.wish_id: c.member_id for c in uow.session.scalars(select(Claim))}
    assert holders == {"lamp": "m-wang", "chat": "m-li"}
    assert li.form(f"/my/handovers/{by_wish['lamp']}/accept", "/my/claims").status_code == 404


def test_assignments_to_the_member_are_accepted_or_declined_from_their_page(db, browser_of):
    add(db, published_wish("park", community_code=GAOQIAO, title="想去公园看看", escalated_at=utcnow()),
        published_wish("sweep", community_code=GAOQIAO, title="想请人打扫", escalated_at=utcnow()),
        person("m-li", "李明"))
    with db.uow() as uow:
        liaison = principal("liaison", communities=[GAOQIAO])
        made = {w: assignment.assign(uow, w, "m-li", liaison).id for w in ("park", "sweep")}
        uow.commit()
    li = browser_of(LI)
    page = li.get("/my/claims").text
    assert "指派给我的心愿（2）" in page and "社区联络员指派给您" in page
    assert li.form(f"/my/assignments/{made['park']}/accept", "/my/claims").status_code == 303
    assert li.form(f"/my/assignments/{made['sweep']}/decline", "/my/claims").status_code == 303
    late = li.form(f"/my/assignments/{made['sweep']}/accept", "/my/claims")
    assert late.status_code == 409 and 'role="alert"' in late.text
    with db.uow() as uow:
        assert [(c.wish_id, c.member_id, c.status) for c in uow.session.scalars(select(Claim))] == [
            ("park", "m-li", "claimed")]
    page = li.get("/my/claims").text
    assert "指派给我的心愿" not in page and 'data-wish-id="park"' in page
    other = browser_of(WANG)
    assert other.form(f"/my/assignments/{made['sweep']}/accept", "/my/claims").status_code == 404
