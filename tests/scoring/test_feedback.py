"""The half-yearly feedback to units against the real PostgreSQL: halves and years cut in China
time, the scan makes one report per unit and half (and catches up a missed day), the PDF and
the xlsx hold the unit, the members, the points and the period, and a unit admin reads only
their own unit's."""
from __future__ import annotations

import io
import re
from datetime import datetime

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import func, select

from services.scoring.app import create_app
from services.scoring.feedback import actions as feedback
from services.scoring.feedback.models import FeedbackReport
from services.scoring.feedback.rules import Half, half_of, just_ended
from shared.clock import CHINA
from shared.envelope import make_event
from tests.factories import member_profile
from tests.helpers import principal
from tests.scoring.honour_steps import DISTRICT, STREET, as_, confirmed, deliver, setup

WISH = "scoring.wish-confirmed"
UNIT = principal("unit_admin", unit="zhoukou-power")
REPORTS = "/api/v1/reports/feedback"


@pytest.fixture
def client(db, db_settings):
    c = create_app(db_settings, db).test_client()
    setup(db, db_settings, c)
    deliver(db, db_settings, "scoring.members", make_event("member.registered", member_profile(
        member_id="m-2", display_name="李秀梅"), "intake"))
    return c


def china(*args) -> datetime:
    return datetime(*args, tzinfo=CHINA)


def _generate(client, settings, year: int, half: int, who=DISTRICT, **extra):
    return client.post(REPORTS, json={"year": year, "half": half, **extra},
                       headers=as_(settings, who))


def _report(client, settings, year: int, half: int) -> dict:
    [item] = [i for i in client.get(REPORTS, headers=as_(settings, UNIT)).get_json()["items"]
              if (i["year"], i["half"]) == (year, half)]
    return client.get(f"{REPORTS}/{item['id']}", headers=as_(settings, UNIT)).get_json()


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return re.sub(r"[\s\x00]+", "", "".join(page.extract_text() for page in reader.pages))


def test_the_halves_and_the_years_are_cut_in_china_time_whatever_utc_says(
        db, db_settings, client):
    # 23:59 on 30 June in 周口 is 15:59 UTC; 00:01 on 1 July is still 30 June in UTC
    assert half_of(china(2026, 6, 30, 23, 59)) == Half(2026, 1)
    assert half_of(china(2026, 7, 1, 0, 1)) == Half(2026, 2)
    assert half_of(china(2026, 1, 1, 0, 1)) == Half(2026, 1)  # 31 December in UTC
    assert just_ended(china(2026, 7, 3).date()) == Half(2026, 1)
    assert just_ended(china(2026, 1, 1).date()) == Half(2025, 2)
    assert just_ended(china(2026, 6, 30).date()) == Half(2025, 2)
    deliver(db, db_settings, WISH, confirmed("c-1", china(2026, 6, 30, 23, 59)),
            confirmed("c-2", china(2026, 7, 1, 0, 1)),
            confirmed("c-3", china(2025, 12, 31, 23, 59)),
            confirmed("c-4", china(2026, 1, 1, 0, 1)))
    for year, half in ((2025, 2), (2026, 1), (2026, 2)):
        assert _generate(client, db_settings, year, half).status_code == 201
    dates = {key: [d["on"] for m in _report(client, db_settings, *key)["members"]
                   for d in m["deeds"]] for key in ((2025, 2), (2026, 1), (2026, 2))}
    assert dates == {(2025, 2): ["2025-12-31"], (2026, 1): ["2026-01-01", "2026-06-30"],
                     (2026, 2): ["2026-07-01"]}


def test_the_scan_makes_one_report_per_unit_and_half_and_catches_up_a_missed_day(
        db, db_settings, client):
    deliver(db, db_settings, WISH, confirmed("c-1", china(2026, 3, 1, 10)))
    assert feedback.scan(db, now=china(2026, 6, 30, 12)) == 1  # the half before: 2025's second
    # the 1st of July passed unseen; the scan on the 3rd makes the first half's reports, once
    assert feedback.scan(db, now=china(2026, 7, 3, 9)) == 1
    assert feedback.scan(db, now=china(2026, 7, 3, 10)) == 0
    assert feedback.scan(db, now=china(2026, 7, 4, 10)) == 0
    with db.engine.connect() as conn:
        rows = conn.execute(select(FeedbackReport.unit_code, FeedbackReport.year,
                                   FeedbackReport.half, func.count())
                            .group_by(FeedbackReport.unit_code, FeedbackReport.year,
                                      FeedbackReport.half)
                            .order_by(FeedbackReport.year)).all()
    assert [tuple(r) for r in rows] == [("zhoukou-power", 2025, 2, 1),
                                        ("zhoukou-power", 2026, 1, 1)]
    report = _report(client, db_settings, 2026, 1)
    assert report["totals"] == {"members": 2, "active": 1, "deeds": 1, "points": "10.00"}
    # on demand again: made again from today's ledger, still one report for the unit and half
    deliver(db, db_settings, WISH, confirmed("c-2", china(2026, 4, 1, 10), member_id="m-2"))
    again = _generate(client, db_settings, 2026, 1, STREET, unit="zhoukou-power")
    assert again.status_code == 201
    assert "李秀梅" not in again.get_data(as_text=True)  # a street admin's answer names no one
    assert _report(client, db_settings, 2026, 1)["totals"]["active"] == 2


def test_the_pdf_and_the_xlsx_hold_the_unit_the_members_the_points_and_the_period(
        db, db_settings, client):
    deliver(db, db_settings, WISH, confirmed("c-1", china(2026, 3, 1, 10)),
            confirmed("c-2", china(2026, 5, 2, 10)))
    [made] = _generate(client, db_settings, 2026, 1).get_json()["items"]
    pdf = client.get(made["pdf"], headers=as_(db_settings, UNIT))
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = _text(pdf.data)
    for expected in ("周口供电公司", "张建国", "李秀梅", "文明社区", "想要一个血压仪",
                     "2026年上半年（1月1日至6月30日）", "累计积分20分", "2026-03-01"):
        assert expected in text, expected
    sheet = client.get(made["xlsx"], headers=as_(db_settings, UNIT))
    assert sheet.status_code == 200
    rows = list(load_workbook(io.BytesIO(sheet.data)).active.iter_rows(values_only=True))
    assert "周口供电公司" in rows[0][0] and "2026年上半年" in rows[0][0]
    assert rows[1][:3] == ("姓名", "报到社区", "心愿")
    body = [r for r in rows[2:] if r[0] != "合计"]
    assert [(r[0], r[2], r[5]) for r in body] == [("张建国", "想要一个血压仪", 10.0),
                                                  ("张建国", "想要一个血压仪", 10.0),
                                                  ("李秀梅", "（本期未参加）", 0)]
    assert rows[-1][0] == "合计" and rows[-1][5] == 20.0


def test_a_unit_admin_reads_only_their_own_units_reports(db, db_settings, client):
    deliver(db, db_settings, "scoring.members", make_event("member.registered", member_profile(
        member_id="m-9", display_name="王建华", unit_code="other-unit", unit_name="别的单位"),
        "intake"))
    made = _generate(client, db_settings, 2026, 1).get_json()["items"]
    assert {m["unit_code"] for m in made} == {"zhoukou-power", "other-unit"}
    mine = client.get(REPORTS, headers=as_(db_settings, UNIT)).get_json()["items"]
    assert [i["unit_code"] for i in mine] == ["zhoukou-power"]
    other = next(m for m in made if m["unit_code"] == "other-unit")
    for path in (f"{REPORTS}/{other['id']}", other["pdf"], other["xlsx"]):
        assert client.get(path, headers=as_(db_settings, UNIT)).status_code == 404
        assert client.get(path, headers=as_(db_settings, DISTRICT)).status_code == 200
    assert client.get(REPORTS, headers=as_(db_settings, STREET)).status_code == 403
    nobody = principal("unit_admin")  # an admin of no unit
    assert client.get(REPORTS, headers=as_(db_settings, nobody)).get_json()["items"] == []
    page = client.get("/feedback", headers=as_(db_settings, UNIT)).get_data(as_text=True)
    assert "周口供电公司" in page and "别的单位" not in page
    missing = _generate(client, db_settings, 2026, 1, unit="no-such-unit")
    assert missing.status_code == 404
    bad = _generate(client, db_settings, 2026, 3)
    assert bad.status_code == 422 and bad.get_json()["error"]["fields"][0]["field"] == "half"
