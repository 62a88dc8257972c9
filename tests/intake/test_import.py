"""Bulk import from CSV and .xlsx on real PostgreSQL: all or nothing, once per row key, sealed."""
from __future__ import annotations

import csv
import io
import os
import subprocess
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from services.demo import ACCOUNTS
from services.intake.accounts.actions import create_account
from services.intake.accounts.models import Account
from services.intake.importer import actions as importer, rows as import_rows
from services.intake.submissions import actions as submit, personal, rules
from services.intake.submissions.models import Submission
from shared.envelope import utcnow
from shared.pii import Sealer
from shared.settings import ROOT
from tests.factories import IMPORT_HEADERS, import_row
from tests.helpers import PG_URL

T = Submission.__table__
SAMPLE = ROOT / "docs" / "examples" / "import_sample.csv"


def _csv(path: Path, rows: list[dict]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, IMPORT_HEADERS)
        writer.writeheader()
        writer.writerows(rows)
    return path


def _xlsx(path: Path, rows: list[dict]) -> Path:
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(IMPORT_HEADERS)
    for row in rows:
        sheet.append([row[h] if row[h] != "" else None for h in IMPORT_HEADERS])
    book.save(path)
    return path


def _read(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture
def db(make_db):
    """Intake's schema with the demo liaisons and a district admin (no passwords: fast to make)."""
    db = make_db("intake")
    with db.session() as session:
        for username, role, name, scope in ACCOUNTS:
            if username in ("liaison", "liaison-pudong", "district"):
                create_account(session, username, role, name, **scope)
        session.commit()
    return db


@pytest.fixture
def liaison_id(db) -> str:
    with db.session() as session:
        return session.scalar(select(Account.id).where(Account.username == "liaison"))


def _run(db_settings, path, username="liaison", **kw) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = importer.run(db_settings, str(path), username, out=out, err=err, **kw)
    return code, out.getvalue(), err.getvalue()


def _counts(db) -> tuple[int, int]:
    with db.engine.connect() as conn:
        return (conn.scalar(select(func.count()).select_from(T)),
                conn.scalar(select(func.count()).select_from(db.outbox)))


def test_csv_with_chinese_headers_imports_sealed_and_announced(db_settings, db, liaison_id,
                                                               tmp_path):
    """A row becomes one submission: personal data sealed everywhere, one wish.submitted each."""
    rows = [import_row(1),
            import_row(2, **{"所需技能": "电工、家电维修", "类型(物质/精神)": "精神类"}),
            import_row(3, **{"是否紧急": "是"})]
    code, out, err = _run(db_settings, _csv(tmp_path / "w.csv", rows), report=tmp_path / "r.csv")
    assert code == 0, err
    assert "新增 3 条，已存在 0 条" in out
    with db.engine.connect() as conn:
        stored = {r["source_ref"]: dict(r) for r in conn.execute(select(T)).mappings()}
        outbox = conn.execute(select(db.outbox.c.type, db.outbox.c.correlation_id,
                                     db.outbox.c.body)).all()
    assert set(stored) == {f"{liaison_id}:W-{n}" for n in (1, 2, 3)}
    assert all(r["source"] == "import" and r["submitted_by"] == liaison_id for r in stored.values())
    two = stored[f"{liaison_id}:W-2"]
    assert (two["kind"], two["skills"]) == ("spiritual", ["electrician", "appliance_repair"])
    assert stored[f"{liaison_id}:W-3"]["urgent"] is True
    assert sorted(c for t, c, _ in outbox if t == "wish.submitted") == sorted(
        r["id"] for r in stored.values())
    everything = " ".join(str(v) for r in stored.values() for v in r.values())
    everything += " ".join(body for _, _, body in outbox)
    for row in rows:
        for secret in (row["身份证号"], row["许愿人姓名"], row["手机"], row["地址"]):
            assert secret not in everything
    sealer = Sealer(db_settings.pii_keys)
    assert sealer.open(two["id_number_enc"]) == rows[1]["身份证号"]
    assert sealer.open(two["consent_name_enc"]) == "测试亲属"
    report = {r["编号"]: r for r in _read(tmp_path / "r.csv")}
    assert {ref: r["心愿编号"] for ref, r in report.items()} == {
        ref.split(":")[1]: r["id"] for ref, r in stored.items()}
    assert {r["结果"] for r in report.values()} == {"新增"}


def test_reimport_creates_nothing_and_reports_the_original_ids(db_settings, db, tmp_path):
    path = _csv(tmp_path / "w.csv", [import_row(n) for n in range(1, 4)])
    assert _run(db_settings, path, report=tmp_path / "first.csv")[0] == 0
    before = _counts(db)
    code, out, _ = _run(db_settings, path, report=tmp_path / "again.csv")
    assert code == 0 and "新增 0 条，已存在 3 条" in out
    assert _counts(db) == before == (3, 3)
    first, again = _read(tmp_path / "first.csv"), _read(tmp_path / "again.csv")
    assert [r["心愿编号"] for r in again] == [r["心愿编号"] for r in first]
    assert {r["结果"] for r in again} == {"已存在"}


def test_a_key_already_imported_with_other_content_is_refused_not_merged(db_settings, db, tmp_path):
    assert _run(db_settings, _csv(tmp_path / "w.csv", [import_row(1), import_row(2)]))[0] == 0
    changed = _csv(tmp_path / "changed.csv",
                   [import_row(1), import_row(2, **{"标题": "改过的标题"}), import_row(3)])
    code, _, err = _run(db_settings, changed, report=tmp_path / "e.csv")
    assert code == 1 and "没有导入任何心愿" in err
    assert [(r["行号"], r["编号"], r["字段"], r["错误代码"]) for r in _read(tmp_path / "e.csv")] == [
        ("3", "W-2", "ref", "idempotency_key_reused")]
    assert _counts(db) == (2, 2)
    with db.engine.connect() as conn:
        assert "改过的标题" not in set(conn.scalars(select(T.c.title)))


def test_an_import_cut_short_is_finished_by_running_it_again(db_settings, db, liaison_id, tmp_path):
    """Batches already committed are found again by their keys; only the rest is stored."""
    path = _csv(tmp_path / "w.csv", [import_row(n) for n in range(1, 6)])
    checked, errors = importer.validate(import_rows.read(path), {"chuanhui-wenming"}, utcnow(),
                                        io.StringIO())
    assert errors == []
    protection = personal.Protection(Sealer(db_settings.pii_keys), db_settings.pii_hash_key)
    by = submit.Submitter(rules.IMPORT, liaison_id, "liaison")
    importer.store(db, protection, by, checked[:2], io.StringIO())  # then the process died
    code, out, _ = _run(db_settings, path)
    assert code == 0 and "新增 3 条，已存在 2 条" in out
    assert _counts(db) == (5, 5)


def test_bad_rows_import_nothing_and_the_report_names_row_field_and_code(db_settings, db, tmp_path):
    good = import_row(1)["身份证号"]
    rows = [import_row(1),
            import_row(2, **{"身份证号": good[:17] + ("1" if good[17] != "1" else "2")}),
            import_row(3, **{"标题": ""}),
            import_row(4, **{"社区编码": "pudong-gaoqiao"}),
            import_row(5, **{"编号": "W-1"}),
            import_row(6, **{"身份证号": int(import_row(6)["身份证号"])}),  # typed into a number cell
            import_row(7, **{"同意关系": "", "同意方式": "", "同意人姓名": "", "同意时间": ""}),
            import_row(8, **{"所需技能": "电工、唱歌"}),
            import_row(9, **{"标题": "", "同意关系": "", "同意方式": "", "同意人姓名": "",
                             "同意时间": ""})]
    path = _xlsx(tmp_path / "w.xlsx", rows)
    code, out, err = _run(db_settings, path, report=tmp_path / "errors.csv")
    assert code == 1 and out == ""
    assert "没有导入任何心愿" in err and "errors.csv" in err
    assert _counts(db) == (0, 0)
    report = _read(tmp_path / "errors.csv")
    assert {(r["行号"], r["编号"], r["字段"], r["错误代码"]) for r in report} == {
        ("3", "W-2", "wisher.id_number", "invalid_id_number"),
        ("4", "W-3", "title", "required"),
        ("5", "W-4", "community_code", "community_forbidden"),
        ("6", "W-1", "ref", "duplicate_ref"),
        ("7", "W-6", "wisher.id_number", "id_number_as_number"),
        ("8", "W-7", "consent", "consent_required"),
        ("9", "W-8", "skills.1", "invalid_choice"),
        ("10", "W-9", "title", "required"),
        ("10", "W-9", "consent", "consent_required"),
    }
    by_code = {r["错误代码"]: r for r in report}
    assert by_code["id_number_as_number"]["列名"] == "身份证号"
    assert by_code["invalid_choice"]["列名"] == "所需技能"
    assert "文本" in by_code["id_number_as_number"]["错误说明"]
    text = (tmp_path / "errors.csv").read_text(encoding="utf-8-sig") + err
    for row in rows:
        assert row["许愿人姓名"] not in text and str(row["身份证号"]) not in text


def test_unknown_and_missing_columns_are_reported_before_anything_is_stored(db_settings, db,
                                                                            tmp_path):
    path = tmp_path / "w.csv"
    path.write_text("标题,身份证,社区编码\n想要一个书包,411602201609010035,chuanhui-wenming\n",
                    encoding="utf-8")
    code, _, err = _run(db_settings, path, report=tmp_path / "e.csv")
    assert code == 1 and _counts(db) == (0, 0)
    found = {(r["行号"], r["列名"], r["错误代码"]) for r in _read(tmp_path / "e.csv")}
    assert {("1", "身份证", "unknown_column"), ("1", "编号", "missing_column")} <= found
    assert "411602201609010035" not in err + (tmp_path / "e.csv").read_text(encoding="utf-8-sig")


def test_a_csv_saved_by_chinese_excel_gb18030_imports(db_settings, db, tmp_path):
    path = tmp_path / "gbk.csv"
    path.write_bytes(SAMPLE.read_text(encoding="utf-8").encode("gb18030"))
    code, out, err = _run(db_settings, path)
    assert code == 0, err
    assert "新增 3 条" in out and _counts(db) == (3, 3)


def test_xlsx_cells_numbers_and_dates_are_read_as_meant(db_settings, db, tmp_path):
    """Phones typed as numbers stay whole; a consent time without a zone is China time."""
    row = import_row(1, **{"手机": 13800001111, "同意时间": datetime(2026, 1, 5, 9, 30),
                      "编号": 1001})
    code, _, err = _run(db_settings, _xlsx(tmp_path / "w.xlsx", [row]))
    assert code == 0, err
    with db.engine.connect() as conn:
        stored = conn.execute(select(T)).mappings().one()
    assert stored["source_ref"].endswith(":1001")
    assert stored["consent_at"] == datetime(2026, 1, 5, 1, 30, tzinfo=timezone.utc)
    assert Sealer(db_settings.pii_keys).open(stored["phone_enc"]) == "13800001111"


def test_only_a_liaison_may_import_and_a_dry_run_stores_nothing(db_settings, db, tmp_path):
    path = _csv(tmp_path / "w.csv", [import_row(1), import_row(2)])
    assert _run(db_settings, path, username="district")[0] == 2
    assert _run(db_settings, path, username="nobody")[0] == 2
    code, out, _ = _run(db_settings, path, dry_run=True)
    assert code == 0 and "将新增 2 条，已存在 0 条" in out
    assert _counts(db) == (0, 0)


def _cli(db_settings, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "MICROWISH_DATABASE_URL": PG_URL,
           "MICROWISH_INTAKE_DATABASE_SCHEMA": db_settings.database_schema("intake")}
    return subprocess.run([str(ROOT / ".venv" / "bin" / "python"), "-m", "services.intake.importer",
                           *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def test_the_sample_file_imports_from_the_command_line(db_settings, db, tmp_path):
    done = _cli(db_settings, str(SAMPLE), "--as", "liaison", "--report", str(tmp_path / "r.csv"))
    assert done.returncode == 0, done.stderr
    assert "新增 3 条，已存在 0 条" in done.stdout
    assert "校验 [" in done.stderr and "导入 [" in done.stderr and "3/3 100%" in done.stderr
    assert _counts(db) == (3, 3)
    assert [r["编号"] for r in _read(tmp_path / "r.csv")] == ["2026-001", "2026-002", "2026-003"]
    again = _cli(db_settings, str(SAMPLE), "--as", "liaison")
    assert again.returncode == 0 and "新增 0 条，已存在 3 条" in again.stdout


def test_a_5000_row_workbook_shows_progress_and_errors_then_imports(db_settings, db, tmp_path):
    rows = [import_row(n) for n in range(1, 5001)]
    rows[4321]["身份证号"] = int(rows[4321]["身份证号"])
    path = _xlsx(tmp_path / "big.xlsx", rows)
    refused = _cli(db_settings, str(path), "--as", "liaison", "--report", str(tmp_path / "e.csv"))
    assert refused.returncode == 1 and "5000/5000 100%" in refused.stderr
    assert "第 4323 行" in refused.stderr and _counts(db) == (0, 0)
    assert [(r["行号"], r["错误代码"]) for r in _read(tmp_path / "e.csv")] == [
        ("4323", "id_number_as_number")]
    rows[4321]["身份证号"] = import_row(4322)["身份证号"]
    _xlsx(path, rows)
    started = time.monotonic()
    done = _cli(db_settings, str(path), "--as", "liaison")
    took = time.monotonic() - started
    assert done.returncode == 0, done.stderr
    assert "新增 5000 条，已存在 0 条" in done.stdout and "导入 [" in done.stderr
    assert _counts(db) == (5000, 5000)
    print(f"\n5000-row xlsx import took {took:.1f}s (validate + store, in a subprocess)")
