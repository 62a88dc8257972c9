"""An honour's documents: the letter's PDF (A4, Chinese, the CJK font embedded) holds the
member's name, a rare one too, the unit, the number and the date; the xlsx list opens and holds
its rows; a machine without a CJK font is told so clearly."""
from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from services.scoring.app import create_app
from services.scoring.honours import fonts
from services.scoring.honours.rules import LETTER, STAR
from shared.clock import today_in_china
from tests.helpers import principal
from tests.scoring.honour_steps import (DISTRICT, LIAISON, RARE, STREET, as_, at, confirmed,
                                        deliver, honour_id, setup, step)

WISH = "scoring.wish-confirmed"


@pytest.fixture
def client(db, db_settings):
    c = create_app(db_settings, db).test_client()
    setup(db, db_settings, c, name=RARE)
    return c


def _text(pdf: bytes) -> str:
    """The PDF's text without the spaces (or NULs) extraction puts between CJK glyphs."""
    reader = PdfReader(io.BytesIO(pdf))
    return re.sub(r"[\s\x00]+", "", "".join(page.extract_text() for page in reader.pages))


def _issued_letter(db, db_settings, client) -> int:
    deliver(db, db_settings, WISH, confirmed("c-1", at(3, 1)), confirmed("c-2", at(3, 2)))
    letter = honour_id(db, LETTER)
    for who, name in ((LIAISON, "review"), (STREET, "issue")):
        assert step(client, db_settings, who, letter, name).status_code == 200
    return letter


def test_the_letter_names_the_member_the_unit_the_number_and_the_date(db, db_settings, client):
    letter = _issued_letter(db, db_settings, client)
    path = f"/api/v1/honours/{letter}/letter.pdf"
    resp = client.get(path, headers=as_(db_settings, principal("member", id="m-1")))
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(resp.data))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4
    text = _text(resp.data)
    on = today_in_china()
    for expected in (RARE, "周口供电公司", "〔2026〕表字第1号", f"{on.year}年{on.month}月{on.day}日",
                     "通报表扬函", "文明社区党支部", "20分", "2026年度"):
        assert expected in text, expected
    fonts_used = {str(f.get_object()["/BaseFont"]) for f in
                  reader.pages[0]["/Resources"]["/Font"].values()}
    assert all(name.count("+") == 1 for name in fonts_used)  # embedded subsets
    assert any("HanaMinB" in name for name in fonts_used)  # 𠈁 drawn from the fallback
    # the unit's admin and the issuing roles may read it; another unit and another member not
    for who in (principal("unit_admin", unit="zhoukou-power"), STREET, LIAISON, DISTRICT):
        assert client.get(path, headers=as_(db_settings, who)).status_code == 200
    for who in (principal("unit_admin", unit="other-unit"), principal("member"),
                principal("liaison", communities=["chuanhui-zhongzhou"])):
        assert client.get(path, headers=as_(db_settings, who)).status_code == 404


def test_a_letter_is_there_only_once_issued_and_the_street_commendation_names_its_issuer(
        db, db_settings, client):
    deliver(db, db_settings, WISH, *[confirmed(f"c-{n}", at(4, n)) for n in (1, 2, 3)])
    star = honour_id(db, STAR)
    path = f"/api/v1/honours/{star}/letter.pdf"
    early = client.get(path, headers=as_(db_settings, DISTRICT))
    assert (early.status_code, early.get_json()["error"]["code"]) == (409, "not_issued")
    assert "尚未发文" in early.get_json()["error"]["message"]
    step(client, db_settings, STREET, star, "review")
    step(client, db_settings, DISTRICT, star, "issue")
    text = _text(client.get(path, headers=as_(db_settings, DISTRICT)).data)
    for expected in ("嘉奖表彰决定", "社区志愿服务之星", "七一路街道办事处党委", RARE,
                     "抄送：周口供电公司", "30分"):
        assert expected in text, expected


def test_the_honour_list_is_an_xlsx_of_the_years_honours(db, db_settings, client):
    _issued_letter(db, db_settings, client)
    resp = client.get("/api/v1/honours/lists.xlsx?year=2026&street=七一路街道",
                      headers=as_(db_settings, STREET))
    assert resp.status_code == 200
    sheet = load_workbook(io.BytesIO(resp.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert "2026年度" in rows[0][0] and rows[1][:3] == ("年度", "姓名", "工作单位")
    assert rows[2][:9] == (2026, RARE, "周口供电公司", "文明社区", "七一路街道", 20, "通报表扬",
                           "已发文", "〔2026〕表字第1号")
    empty = client.get("/api/v1/honours/lists.xlsx?year=2026&street=别的街道",
                       headers=as_(db_settings, DISTRICT))
    assert len(list(load_workbook(io.BytesIO(empty.data)).active.iter_rows())) == 2


def test_no_cjk_font_is_a_clear_error(db, db_settings, client, monkeypatch):
    with pytest.raises(Exception) as missing:
        fonts.find({}, main_candidates=(), fallback_candidates=(), lister=lambda _p: [])
    err = missing.value
    assert (err.status, err.code) == (503, "cjk_font_missing") and "中文字体" in err.message
    letter = _issued_letter(db, db_settings, client)
    monkeypatch.setenv("MICROWISH_CJK_FONT", "/nowhere/NoSuchFont.ttf")
    resp = client.get(f"/api/v1/honours/{letter}/letter.pdf", headers=as_(db_settings, DISTRICT))
    body = resp.get_json()["error"]
    assert (resp.status_code, body["code"]) == (503, "cjk_font_missing")
    assert body["fields"][0]["field"] == "MICROWISH_CJK_FONT" and "/nowhere" in body["fields"][0][
        "message"]
    assert "中文字体" in body["message"]


def test_the_machines_fonts_cover_extension_b():
    found = fonts.find({})
    assert found.main.path.endswith((".ttc", ".ttf", ".otf"))
    assert any("HanaMinB" in f.path or "simsunb" in f.path.lower() for f in found.fallbacks)
