"""Notices of members and units who do not take part, against the real PostgreSQL: who is
inactive in the span, which units fall below the rate, one draft per unit and period however
many scans, review and issue by the notice's role only, and the issued PDF for the unit."""
from __future__ import annotations

import io
import re
from datetime import datetime, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from services.scoring.app import create_app, jobs
from services.scoring.notices import actions as notices, config
from services.scoring.notices.models import ParticipationNotice
from services.scoring.notices.rules import below, scan_span
from shared.clock import CHINA, today_in_china
from shared.envelope import make_event, utcnow
from tests.factories import member_profile
from tests.helpers import principal
from tests.scoring.honour_steps import DISTRICT, LIAISON, STREET, as_, confirmed, deliver, setup

WISH = "scoring.wish-confirmed"
UNIT = principal("unit_admin", unit="zhoukou-power")
OTHER_STREET = principal("street_admin", communities=["chuanhui-zhongzhou"])
NOW = datetime(2026, 11, 20, 10, tzinfo=CHINA)


@pytest.fixture
def client(db, db_settings):
    c = create_app(db_settings, db).test_client()
    setup(db, db_settings, c)  # 张建国 (m-1)
    for member_id, name in (("m-2", "李秀梅"), ("m-3", "王志强")):
        deliver(db, db_settings, "scoring.members", make_event("member.registered",
                member_profile(member_id=member_id, display_name=name), "intake"))
    return c


def _notices(db) -> list[tuple]:
    with db.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(
            ParticipationNotice.kind, ParticipationNotice.unit_code, ParticipationNotice.scope,
            ParticipationNotice.period, ParticipationNotice.status)
            .order_by(ParticipationNotice.kind))]


def _id(db, kind: str) -> int:
    with db.engine.connect() as conn:
        return conn.scalar(select(ParticipationNotice.id).where(ParticipationNotice.kind == kind))


def _facts(db, kind: str) -> dict:
    with db.engine.connect() as conn:
        return conn.scalar(select(ParticipationNotice.facts)
                           .where(ParticipationNotice.kind == kind))


def _step(client, settings, who, notice: int, step: str):
    return client.post(f"/api/v1/notices/{notice}/{step}", json={}, headers=as_(settings, who))


def _text(pdf: bytes) -> str:
    return re.sub(r"[\s\x00]+", "", "".join(
        p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))


def test_the_settings_and_the_threshold():
    assert config.inactive_days({}) is None
    assert config.inactive_days({"MICROWISH_INACTIVE_DAYS": "90"}) == 90
    assert config.participation_rate({}) == config.participation_rate(
        {"MICROWISH_UNIT_PARTICIPATION_RATE": "0.5"})
    for bad in ("0", "1.5", "x"):
        with pytest.raises(ValueError):
            config.participation_rate({"MICROWISH_UNIT_PARTICIPATION_RATE": bad})
    with pytest.raises(ValueError):
        config.inactive_days({"MICROWISH_INACTIVE_DAYS": "-3"})
    rate = config.participation_rate({})
    assert below(1, 3, rate) and not below(2, 4, rate) and not below(0, 0, rate)
    span = scan_span(NOW.date(), None)
    assert (span.start.isoformat(), span.end.isoformat(), span.period) == (
        "2026-01-01", "2026-11-20", "2026")
    assert scan_span(NOW.date(), 30).start.isoformat() == "2026-10-22"


def test_inactive_members_and_a_unit_below_the_rate_are_drafted_once_per_unit_and_period(
        db, db_settings, client, monkeypatch):
    deliver(db, db_settings, WISH, confirmed("c-1", datetime(2026, 3, 1, 10, tzinfo=CHINA)),
            # last year's deed counts for nothing this year
            confirmed("c-2", datetime(2025, 12, 31, 23, 30, tzinfo=CHINA), member_id="m-2"))
    assert notices.scan(db, NOW) == 2
    assert notices.scan(db, NOW) == 2  # again: the same two drafts, nothing new
    assert _notices(db) == [
        ("inactive_members", "zhoukou-power", "chuanhui-wenming", "2026", "drafted"),
        ("unit_participation", "zhoukou-power", "chuanhui", "2026", "drafted")]
    assert [m["name"] for m in _facts(db, "inactive_members")["members"]] == ["李秀梅", "王志强"]
    low = _facts(db, "unit_participation")
    assert (low["registered"], low["active"], low["rate"]) == (3, 1, "0.5")
    # a lower rate: the unit is no longer reported, its draft withdrawn
    monkeypatch.setenv("MICROWISH_UNIT_PARTICIPATION_RATE", "0.3")
    notices.scan(db, NOW)
    assert _notices(db)[1][-1] == "withdrawn"
    # a shorter span: 张建国's March deed is out of the last 30 days, so he is listed too
    monkeypatch.setenv("MICROWISH_INACTIVE_DAYS", "30")
    notices.scan(db, NOW)
    assert len(_facts(db, "inactive_members")["members"]) == 3
    # the scan is one of scoring's jobs, as the worker runs them
    assert {j.name for j in jobs(db_settings)} >= {"participation-notices", "half-year-feedback"}


def test_review_and_issue_by_the_right_role_only_then_the_unit_downloads_the_pdf(
        db, db_settings, client):
    year = today_in_china().year  # on demand: the calendar year to date
    deliver(db, db_settings, WISH, confirmed("c-1", utcnow() - timedelta(minutes=1)))
    drafted = client.post("/api/v1/notices/drafts", json={}, headers=as_(db_settings, STREET))
    assert drafted.status_code == 201
    assert [n["kind"] for n in drafted.get_json()["items"]] == ["inactive_members"]
    inactive = _id(db, "inactive_members")
    assert _step(client, db_settings, STREET, inactive, "issue").status_code == 409
    assert _step(client, db_settings, OTHER_STREET, inactive, "review").status_code == 404
    assert _step(client, db_settings, LIAISON, inactive, "review").status_code == 403
    wrong = _step(client, db_settings, DISTRICT, inactive, "review")
    assert (wrong.status_code, wrong.get_json()["error"]["fields"][0]["code"]) == (
        403, "wrong_role")
    # the unit sees nothing before it is issued
    assert client.get(f"/api/v1/notices/{inactive}", headers=as_(db_settings, UNIT)
                      ).status_code == 404
    body = "经核实，贵单位以下在职党员本年度尚未参加社区活动，请予关注并提醒有关同志积极参与。"
    edited = client.patch(f"/api/v1/notices/{inactive}", json={"body": body},
                          headers=as_(db_settings, STREET))
    assert edited.status_code == 200 and edited.get_json()["edited_by"] == STREET.id
    assert _step(client, db_settings, STREET, inactive, "review").status_code == 200
    issued = _step(client, db_settings, STREET, inactive, "issue").get_json()
    assert (issued["status"], issued["number"]) == ("issued", f"〔{year}〕通字第1号")
    assert client.patch(f"/api/v1/notices/{inactive}", json={"body": body},
                        headers=as_(db_settings, STREET)).status_code == 409
    pdf = client.get(issued["pdf"], headers=as_(db_settings, UNIT))
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = _text(pdf.data)
    for expected in ("周口供电公司党组织", "李秀梅", "王志强", "文明社区", f"〔{year}〕通字第1号",
                     "尚未参加社区活动"):
        assert expected in text, expected
    assert "张建国" not in text  # he took part
    other_unit = principal("unit_admin", unit="other-unit")
    assert client.get(issued["pdf"], headers=as_(db_settings, other_unit)).status_code == 404
    mine = client.get("/api/v1/notices", headers=as_(db_settings, UNIT)).get_json()["items"]
    assert [n["id"] for n in mine] == [inactive]
    # the district's notice of the unit: the district reviews and issues it, no street admin
    client.post("/api/v1/notices/drafts", json={}, headers=as_(db_settings, DISTRICT))
    low = _id(db, "unit_participation")
    assert _step(client, db_settings, STREET, low, "review").status_code == 404
    assert _step(client, db_settings, DISTRICT, low, "review").status_code == 200
    assert _step(client, db_settings, DISTRICT, low, "issue").get_json()["number"] == (
        f"〔{year}〕通字第2号")
    text = _text(client.get(f"/api/v1/notices/{low}/notice.pdf",
                            headers=as_(db_settings, UNIT)).data)
    for expected in ("周口供电公司", "参与率为33.3%", "低于50%", "中共川汇区委员会"):
        assert expected in text, expected
    bad = client.post("/api/v1/notices/drafts", json={"start": "2026-05-01"},
                      headers=as_(db_settings, DISTRICT))
    assert bad.status_code == 422 and bad.get_json()["error"]["fields"][0]["field"] == "end"
