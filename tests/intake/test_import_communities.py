"""The organisation department's community list imported by a district admin, on real PostgreSQL:
all or nothing, per-row errors, updates announced only when they change something; the demo's."""
from __future__ import annotations

import csv
import io
import os
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import func, select

from services import demo
from services.intake.accounts.actions import create_account
from services.intake.communities import importer
from services.intake.communities.models import Community
from shared.contracts import schema_for
from shared.settings import ROOT
from tests.helpers import PG_URL, emitted

HEADERS = ["社区编码", "社区名称", "街道（镇）", "区县编码", "区县名称", "例会日"]
SAMPLE = ROOT / "docs" / "examples" / "communities_sample.csv"
REGISTERED, UPDATED = "community.registered", "community.updated"


def _row(code="chuanhui-wenming", name="文明社区", street="七一路街道", district="chuanhui",
         district_name="川汇区", meeting_day="每月第1个周六") -> list:
    return [code, name, street, district, district_name, meeting_day]


def _csv(path: Path, rows: list[list], headers=HEADERS, encoding="utf-8") -> Path:
    with open(path, "w", newline="", encoding=encoding) as f:
        writer = csv.writer(f)
        writer.writerow(headers)
        writer.writerows(rows)
    return path


def _read(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture
def db(make_db):
    """Intake's schema with district admins: the demo's (every district) and Pudong's."""
    db = make_db("intake")
    with db.session() as session:
        create_account(session, "district", "district_admin", "川汇区民政局")
        create_account(session, "pudong-admin", "district_admin", "浦东新区民政局",
                       communities=["pudong"])
        create_account(session, "liaison", "liaison", "川汇联络员", communities=demo.CHUANHUI)
        session.commit()
    return db


def _run(db_settings, path, username="district", **kw) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = importer.run(db_settings, str(path), username, out=out, err=err, **kw)
    return code, out.getvalue(), err.getvalue()


def _stored(db) -> dict[str, tuple]:
    with db.session() as s:
        return {c.code: (c.name, c.street, c.district_name, c.meeting_day)
                for c in s.scalars(select(Community))}


def test_the_list_registers_each_community_and_announces_it(db_settings, db, tmp_path):
    path = _csv(tmp_path / "c.csv", [
        _row(), _row("chuanhui-zhongzhou", "中州社区", meeting_day=""),
        _row("pudong-gaoqiao", "高桥镇社区", "高桥镇", "pudong", "浦东新区", "每月第2个周三"),
        _row("pudong-nanmatou", "南码头街道社区", "南码头街道", "pudong", "浦东新区", "不设例会日")])
    code, out, err = _run(db_settings, path, report=str(tmp_path / "r.csv"))
    assert code == 0, err
    assert "新增 4 个社区，更新 0 个，未变 0 个" in out
    assert _stored(db) == {
        "chuanhui-wenming": ("文明社区", "七一路街道", "川汇区", {"nth": 1, "weekday": 6}),
        "chuanhui-zhongzhou": ("中州社区", "七一路街道", "川汇区", {"nth": 1, "weekday": 6}),
        "pudong-gaoqiao": ("高桥镇社区", "高桥镇", "浦东新区", {"nth": 2, "weekday": 3}),
        "pudong-nanmatou": ("南码头街道社区", "南码头街道", "浦东新区", None)}  # at once
    events = emitted(db, REGISTERED)
    assert [e["code"] for e in events] == ["chuanhui-wenming", "chuanhui-zhongzhou",
                                           "pudong-gaoqiao", "pudong-nanmatou"]
    assert all(schema_for(REGISTERED).validate(e) == {} for e in events)
    assert [(r["行号"], r["社区编码"], r["结果"]) for r in _read(tmp_path / "r.csv")] == [
        ("2", "chuanhui-wenming", "新增"), ("3", "chuanhui-zhongzhou", "新增"),
        ("4", "pudong-gaoqiao", "新增"), ("5", "pudong-nanmatou", "新增")]


def test_importing_again_updates_only_what_changed_and_announces_only_that(db_settings, db,
                                                                          tmp_path):
    rows = [_row(), _row("chuanhui-zhongzhou", "中州社区"), _row("chuanhui-chenzhou", "陈州社区")]
    assert _run(db_settings, _csv(tmp_path / "c.csv", rows))[0] == 0
    again = _run(db_settings, tmp_path / "c.csv")
    assert again[0] == 0 and "新增 0 个社区，更新 0 个，未变 3 个" in again[1]
    rows[1] = _row("chuanhui-zhongzhou", "中州路社区", meeting_day="每月第3个周日")
    rows.append(_row("chuanhui-wenchang", "文昌社区"))
    changed = _run(db_settings, _csv(tmp_path / "c.csv", rows))
    assert changed[0] == 0 and "新增 1 个社区，更新 1 个，未变 2 个" in changed[1]
    [update] = emitted(db, UPDATED)
    assert (update["code"], update["name"], update["meeting_day"]) == (
        "chuanhui-zhongzhou", "中州路社区", {"nth": 3, "weekday": 7})
    assert len(emitted(db, REGISTERED)) == 4


def test_a_bad_row_refuses_the_whole_file_naming_its_row_column_and_code(db_settings, db,
                                                                         tmp_path):
    assert _run(db_settings, _csv(tmp_path / "first.csv", [_row()]))[0] == 0
    path = _csv(tmp_path / "c.csv", [
        _row(name="文明路社区"),  # a good change: not stored either, since other rows are bad
        _row("Chuanhui-Zhongzhou", "中州社区"),
        _row("chuanhui-chenzhou", "陈州社区", meeting_day="每月第5个周六"),
        _row("pudong-wenchang", "文昌社区"),
        _row("chuanhui-jianzhong", ""),
        _row("chuanhui-wenming", "又一个文明社区"),
        _row("chuanhui-xinxing", "新兴社区", meeting_day="周六下午")])
    code, out, err = _run(db_settings, path, report=str(tmp_path / "errors.csv"))
    assert code == 1 and out == ""
    assert "没有导入任何社区" in err and "第 4 行" in err and "errors.csv" in err
    report = _read(tmp_path / "errors.csv")
    assert {(r["行号"], r["社区编码"], r["列名"], r["错误代码"]) for r in report} == {
        ("3", "Chuanhui-Zhongzhou", "社区编码", "invalid_community_code"),
        ("4", "chuanhui-chenzhou", "例会日", "invalid_meeting_day"),
        ("5", "pudong-wenchang", "社区编码", "code_outside_district"),
        ("6", "chuanhui-jianzhong", "社区名称", "required"),
        ("7", "chuanhui-wenming", "社区编码", "duplicate_ref"),
        ("8", "chuanhui-xinxing", "例会日", "invalid_meeting_day"),
    }
    assert all(r["错误说明"] for r in report)
    assert "与第 2 行相同" in next(r for r in report if r["行号"] == "7")["错误说明"]
    assert _stored(db)["chuanhui-wenming"][0] == "文明社区" and len(_stored(db)) == 1
    assert emitted(db, UPDATED) == [] and len(emitted(db, REGISTERED)) == 1


def test_unknown_and_missing_columns_are_reported_on_the_header_row(db_settings, db, tmp_path):
    path = _csv(tmp_path / "c.csv", [["chuanhui-wenming", "文明社区", "王书记"]],
                headers=["社区编码", "社区名称", "书记"])
    code, _, _ = _run(db_settings, path, report=str(tmp_path / "e.csv"))
    assert code == 1
    report = _read(tmp_path / "e.csv")
    assert {(r["行号"], r["列名"], r["错误代码"]) for r in report} == {
        ("1", "书记", "unknown_column"), ("1", "街道（镇）", "missing_column"),
        ("1", "区县编码", "missing_column"), ("1", "区县名称", "missing_column")}
    assert _stored(db) == {}


def test_a_list_saved_by_chinese_excel_imports(db_settings, db, tmp_path):
    path = _csv(tmp_path / "c.csv", [_row()], encoding="gb18030")
    assert _run(db_settings, path)[0] == 0
    assert _stored(db)["chuanhui-wenming"][0] == "文明社区"


def test_only_a_district_admin_imports_and_a_scoped_one_only_their_district(db_settings, db,
                                                                           tmp_path):
    path = _csv(tmp_path / "c.csv", [_row(), _row("pudong-gaoqiao", "高桥镇社区", "高桥镇",
                                                  "pudong", "浦东新区")])
    for username in ("liaison", "nobody"):
        code, _, err = _run(db_settings, path, username)
        assert code == 2 and "区县管理员" in err
    code, _, _ = _run(db_settings, path, "pudong-admin", report=str(tmp_path / "e.csv"))
    assert code == 1
    assert [(r["行号"], r["字段"], r["错误代码"]) for r in _read(tmp_path / "e.csv")] == [
        ("2", "district", "district_forbidden")]
    assert _stored(db) == {}


def test_a_dry_run_says_what_it_would_do_and_stores_nothing(db_settings, db, tmp_path):
    assert _run(db_settings, _csv(tmp_path / "first.csv", [_row()]))[0] == 0
    path = _csv(tmp_path / "c.csv", [_row(name="文明路社区"), _row("chuanhui-jianzhong", "建中社区")])
    code, out, _ = _run(db_settings, path, dry_run=True)
    assert code == 0 and "试运行，未写入：将新增 1 个社区，更新 1 个，未变 0 个" in out
    assert _stored(db) == {"chuanhui-wenming": ("文明社区", "七一路街道", "川汇区",
                                                {"nth": 1, "weekday": 6})}
    assert emitted(db, UPDATED) == [] and len(emitted(db, REGISTERED)) == 1


def test_an_unusable_file_is_refused_before_the_database(db_settings, db, tmp_path):
    (tmp_path / "c.txt").write_text("社区编码\n", encoding="utf-8")
    assert _run(db_settings, tmp_path / "c.txt")[0] == 2
    assert _run(db_settings, _csv(tmp_path / "c.csv", []))[0] == 2  # a header, no communities
    assert _run(db_settings, tmp_path / "missing.csv")[0] == 2


def test_the_sample_list_imports_from_the_command_line(db_settings, db, tmp_path):
    env = {**os.environ, "MICROWISH_INTAKE_DATABASE_URL": PG_URL,
           "MICROWISH_INTAKE_DATABASE_SCHEMA": db_settings.database_schema("intake")}
    done = subprocess.run([str(ROOT / ".venv" / "bin" / "microwish"), "communities", "import",
                           str(SAMPLE), "--as", "district"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "新增 8 个社区，更新 0 个，未变 0 个" in done.stdout
    assert {code: name for code, (name, *_rest) in _stored(db).items()} == {
        code: name for code, name, _street in demo.COMMUNITIES}


def test_demo_seeding_registers_the_seed_communities_once(db_settings, make_db):
    db = make_db("intake")  # empty: the demo makes its own accounts
    demo.seed(db, db_settings)
    stored = _stored(db)
    assert set(stored) == set(demo.CHUANHUI + demo.PUDONG)
    # 浦东's online wall has no meeting day; 川汇 meets on the first Saturday
    assert stored["pudong-nanmatou"] == ("南码头街道社区", "南码头街道", "浦东新区", None)
    assert stored["chuanhui-wenming"] == ("文明社区", "七一路街道", "川汇区",
                                          {"nth": 1, "weekday": 6})
    events = emitted(db, REGISTERED)
    assert sorted(e["code"] for e in events) == sorted(demo.CHUANHUI + demo.PUDONG)
    demo.seed(db, db_settings)  # seeding twice registers nothing more
    assert len(emitted(db, REGISTERED)) == len(events)
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Community)) == len(demo.COMMUNITIES)
