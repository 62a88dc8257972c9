"""The civil-affairs registry: the imported table on real PostgreSQL and a real HTTP registry."""
from __future__ import annotations

import csv
import json
import os
import subprocess
import threading
import time
from datetime import date, datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from services.verification.models import AllowanceRecord
from services.verification import config
from services.verification.registry import (Allowance, HttpRegistry, RegistryUnavailable,
                                            TableRegistry, registry_from)
from services.verification.registry_import import ImportFileProblem, import_csv
from shared.db import Database
from shared.idnumber import check_char
from shared.pii import keyed_hash
from shared.settings import ROOT
from tests.helpers import PG_URL, free_port, wait_for

T = AllowanceRecord.__table__
SAMPLE = ROOT / "docs" / "examples" / "allowance_sample.csv"
DIBAO = "411602194803150020"  # 低保, 在册 since 2023-05-01
TEKUN = "411602195207080040"  # 特困, 在册 since 2021-11-15
ENDED = "411602195811300062"  # 低保, 已退出
ENDS_IN_X = "41160220120901001X"
NO_DISTRICT = "411602197306170059"  # 特困, no 起始日期 and no 区
NOBODY = "41160219900101123" + check_char("41160219900101123")
SAMPLE_IDS = [row["身份证号"] for row in csv.DictReader(SAMPLE.read_text("utf-8").splitlines())]
NOW = datetime(2026, 1, 5, 1, 30, tzinfo=timezone.utc)


def _write(path, header: list[str], rows: list[list], encoding="utf-8"):
    with open(path, "w", newline="", encoding=encoding) as f:
        csv.writer(f).writerows([header, *rows])
    return path


def _rows(db) -> list[dict]:
    with db.engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(T)).mappings()]


def test_sample_import_answers_enrolled_ended_and_unknown(db_settings, db):
    """Enrolled people are found with kind and date; ended and unlisted people are not enrolled."""
    result = import_csv(db, db_settings.pii_hash_key, SAMPLE, district="zhoukou", now=NOW)
    assert (result.inserted, result.updated, result.errors) == (6, 0, [])
    registry = TableRegistry(db, db_settings.pii_hash_key)
    found = registry.lookup(DIBAO)
    assert found == Allowance(True, "dibao", date(2023, 5, 1), "table")
    assert found.label() == "低保在册（2023-05-01起）"
    assert registry.lookup(TEKUN).label() == "特困在册（2021-11-15起）"
    assert registry.lookup(ENDS_IN_X.lower()).enrolled  # typed with a small x: same person
    assert registry.lookup(NO_DISTRICT) == Allowance(True, "tekun", None, "table")
    for not_enrolled in (ENDED, NOBODY):
        answer = registry.lookup(not_enrolled)
        assert answer == Allowance(False, source="table")
        assert answer.label() == "未在低保、特困名单中"
    districts = {r["id_number_hash"]: r["district"] for r in _rows(db)}
    assert districts[keyed_hash(db_settings.pii_hash_key, NO_DISTRICT)] == "zhoukou"
    assert districts[keyed_hash(db_settings.pii_hash_key, DIBAO)] == "chuanhui"


def test_the_table_holds_keyed_hashes_never_the_id_numbers(db_settings, db):
    """No column of any row holds an ID number, or even its first 17 digits."""
    import_csv(db, db_settings.pii_hash_key, SAMPLE, now=NOW)
    rows = _rows(db)
    everything = " ".join(str(value) for row in rows for value in row.values())
    for number in SAMPLE_IDS:
        assert number not in everything and number[:17] not in everything
    assert {r["id_number_hash"] for r in rows} == {
        keyed_hash(db_settings.pii_hash_key, n) for n in SAMPLE_IDS}


def test_reimport_updates_status_kind_and_date(db_settings, db, tmp_path):
    """A later list with English headers overwrites the earlier rows instead of adding rows."""
    import_csv(db, db_settings.pii_hash_key, SAMPLE, now=NOW)
    later = datetime(2026, 3, 1, tzinfo=timezone.utc)
    path = _write(tmp_path / "later.csv", ["id_number", "kind", "status", "since"],
                  [[DIBAO, "dibao", "ended", "2023-05-01"],
                   [ENDED, "tekun", "enrolled", "2026-02-01"]])
    result = import_csv(db, db_settings.pii_hash_key, path, now=later)
    assert (result.inserted, result.updated, result.errors) == (0, 2, [])
    registry = TableRegistry(db, db_settings.pii_hash_key)
    assert not registry.lookup(DIBAO).enrolled
    assert registry.lookup(ENDED) == Allowance(True, "tekun", date(2026, 2, 1), "table")
    rows = {r["id_number_hash"]: r for r in _rows(db)}
    assert len(rows) == 6
    assert rows[keyed_hash(db_settings.pii_hash_key, DIBAO)]["imported_at"] == later
    assert rows[keyed_hash(db_settings.pii_hash_key, TEKUN)]["imported_at"] == NOW


def test_a_complete_district_list_ends_those_left_off_it(db_settings, db, tmp_path):
    """--complete: 川汇区's new list lacks 特困 TEKUN, so TEKUN is no longer enrolled; others stay."""
    import_csv(db, db_settings.pii_hash_key, SAMPLE, now=NOW)
    later = datetime(2026, 3, 1, tzinfo=timezone.utc)
    path = _write(tmp_path / "full.csv", ["身份证号", "类别", "状态"], [[DIBAO, "低保", "在册"]])
    result = import_csv(db, db_settings.pii_hash_key, path, "chuanhui", now=later, complete=True)
    registry = TableRegistry(db, db_settings.pii_hash_key)
    assert result.ended == 3  # 特困, 低收入 and the child; the one already ended stays ended
    assert registry.lookup(DIBAO).enrolled and not registry.lookup(TEKUN).enrolled
    assert registry.lookup(SAMPLE_IDS[-1]).enrolled  # no district given: not 川汇区's to end


def test_a_complete_list_with_a_bad_row_ends_nobody(db_settings, db, tmp_path):
    """A wrong row may be one of the people left off: nobody is ended until the file is right."""
    import_csv(db, db_settings.pii_hash_key, SAMPLE, now=NOW)
    path = _write(tmp_path / "full.csv", ["身份证号", "类别", "状态"],
                  [[DIBAO, "低保", "在册"], [TEKUN[:17] + "1", "特困", "在册"]])
    result = import_csv(db, db_settings.pii_hash_key, path, "chuanhui", now=datetime(2026, 3, 1, tzinfo=timezone.utc),
                        complete=True)
    assert result.ended == 0 and len(result.errors) == 1
    assert TableRegistry(db, db_settings.pii_hash_key).lookup(TEKUN).enrolled
    with pytest.raises(ImportFileProblem):
        import_csv(db, db_settings.pii_hash_key, path, complete=True)  # whose complete list?


def test_bad_rows_are_reported_by_row_field_and_code_without_the_id_number(db_settings, db,
                                                                           tmp_path):
    """Invalid rows are skipped and named by place, never by value; the valid rows still import."""
    wrong_check = DIBAO[:17] + ("1" if DIBAO[17] != "1" else "2")
    rows = [[TEKUN, "低保", "在册", "2023-05-01"],
            [wrong_check, "低保", "在册", "2023-05-01"],
            [ENDED, "五保", "在册", "2023-05-01"],
            [NOBODY, "特困", "暂停", "2023-02-30"],
            ["", "低保", "在册", ""],
            [TEKUN, "特困", "在册", ""]]
    path = _write(tmp_path / "bad.csv", ["身份证号", "类别", "状态", "起始日期"], rows)
    result = import_csv(db, db_settings.pii_hash_key, path, now=NOW)
    assert (result.inserted, result.updated) == (1, 0)
    assert {(e.row, e.field, e.column, e.code) for e in result.errors} == {
        (3, "id_number", "身份证号", "invalid_id_number"),
        (4, "kind", "类别", "invalid_choice"),
        (5, "status", "状态", "invalid_choice"),
        (5, "since", "起始日期", "invalid_date"),
        (6, "id_number", "身份证号", "required"),
        (7, "id_number", "身份证号", "duplicate_id_number"),
    }
    by_row = {(e.row, e.field): e.message for e in result.errors}
    assert by_row[(3, "id_number")] == "身份证号校验位不正确"
    assert "第 2 行" in by_row[(7, "id_number")]
    report = " ".join(str(e) for e in result.errors)
    for number in (wrong_check, ENDED, NOBODY, TEKUN):
        assert number not in report and number[:17] not in report
    assert [r["id_number_hash"] for r in _rows(db)] == [keyed_hash(db_settings.pii_hash_key, TEKUN)]


def test_a_file_missing_a_required_column_imports_nothing(db_settings, db, tmp_path):
    """Without a 状态 column nothing can be known about anyone, so nothing is stored."""
    path = _write(tmp_path / "short.csv", ["身份证号", "类别"], [[DIBAO, "低保"]])
    with pytest.raises(ImportFileProblem, match="状态"):
        import_csv(db, db_settings.pii_hash_key, path, now=NOW)
    assert _rows(db) == []


def _cli(db_settings, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "MICROWISH_DATABASE_URL": PG_URL,
           "MICROWISH_VERIFICATION_DATABASE_SCHEMA": db_settings.database_schema("verification"),
           "MICROWISH_PII_HASH_KEY": db_settings.pii_hash_key}
    return subprocess.run([str(ROOT / ".venv" / "bin" / "python"), "-m",
                           "services.verification.registry_import", *args],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_the_command_line_imports_a_chinese_excel_csv_and_prints_counts(db_settings, db, tmp_path):
    """gb18030 as Excel saves it; counts on stdout, bad rows on stderr without their values."""
    bad = DIBAO[:17] + ("1" if DIBAO[17] != "1" else "2")
    path = _write(tmp_path / "list.csv", ["身份证号", "类别", "状态", "起始日期"],
                  [[DIBAO, "低保", "在册", "2023-05-01"], [ENDED, "特困", "已退出", ""],
                   [bad, "低保", "在册", ""]], encoding="gb18030")
    done = _cli(db_settings, str(path), "--district", "chuanhui")
    assert done.returncode == 1, done.stderr
    assert "新增 2 条，更新 0 条，错误 1 行" in done.stdout
    assert "第 4 行 身份证号 [invalid_id_number]" in done.stderr
    assert bad not in done.stdout + done.stderr and DIBAO not in done.stdout + done.stderr
    assert {r["district"] for r in _rows(db)} == {"chuanhui"}
    assert TableRegistry(db, db_settings.pii_hash_key).lookup(DIBAO).enrolled
    again = _cli(db_settings, str(SAMPLE))
    assert again.returncode == 0, again.stderr
    assert "新增 4 条，更新 2 条，错误 0 行" in again.stdout


def test_a_database_that_cannot_answer_is_unavailable_not_not_enrolled(db_settings):
    """A lookup against a database nobody listens for raises instead of saying "not enrolled"."""
    down = db_settings.with_overrides(
        database_urls={"verification": f"postgresql://postgres@127.0.0.1:{free_port()}/test"})
    db = Database(down, "verification", AllowanceRecord.metadata)
    try:
        with pytest.raises(RegistryUnavailable) as caught:
            TableRegistry(db, db_settings.pii_hash_key).lookup(DIBAO)
    finally:
        db.dispose()
    assert DIBAO not in str(caught.value) and caught.value.__cause__ is None


class FakeRegistry:
    """A real HTTP server on a free port: replies as told and remembers every request."""

    def __init__(self):
        self.status, self.body, self.delay, self.headers = 200, b"{}", 0.0, {}
        self.seen: list[dict] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                fake.seen.append({"method": "POST", "path": self.path, "body": body,
                                  "headers": dict(self.headers)})
                time.sleep(fake.delay)
                try:
                    self.send_response(fake.status)
                    for name, value in fake.headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(fake.body)))
                    self.end_headers()
                    self.wfile.write(fake.body)
                except OSError:  # the client gave up waiting, as it should
                    pass

            do_GET = do_POST

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/civil-affairs/"
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    def reply(self, status: int, body, delay: float = 0.0, headers=None) -> None:
        self.status, self.delay, self.headers = status, delay, headers or {}
        self.body = body if isinstance(body, bytes) else json.dumps(body).encode()


@pytest.fixture
def fake():
    server = FakeRegistry()
    yield server
    server.server.shutdown()
    server.server.server_close()


def _unavailable(registry, number=DIBAO) -> RegistryUnavailable:
    with pytest.raises(RegistryUnavailable) as caught:
        registry.lookup(number)
    assert number not in str(caught.value) and number[:17] not in str(caught.value)
    assert caught.value.__cause__ is None and caught.value.__suppress_context__
    return caught.value


def test_http_enrolled_answer_is_read_and_the_number_travels_only_in_the_body(fake):
    """The ID number is in the POST body, never the path; the API key goes along as a header."""
    fake.reply(200, {"enrolled": True, "kind": "dibao", "since": "2023-05-01"})
    answer = HttpRegistry(fake.url, api_key="test-key", timeout=2).lookup(DIBAO)
    assert answer == Allowance(True, "dibao", date(2023, 5, 1), "http")
    assert answer.label() == "低保在册（2023-05-01起）"
    [request] = fake.seen
    assert request["path"] == "/civil-affairs/allowance-lookups"
    assert DIBAO not in request["path"] and DIBAO[:17] not in request["path"]
    assert json.loads(request["body"]) == {"id_number": DIBAO}
    assert request["headers"]["X-Api-Key"] == "test-key"
    assert request["headers"]["Content-Type"] == "application/json"


@pytest.mark.parametrize("status, body", [(404, {"enrolled": False}), (200, {"enrolled": False})])
def test_http_not_found_or_not_enrolled_is_not_enrolled(fake, status, body):
    """404 and an explicit "enrolled": false both mean not on the list; no key, no key header."""
    fake.reply(status, body)
    answer = HttpRegistry(fake.url, timeout=2).lookup(NOBODY)
    assert answer == Allowance(False, source="http")
    assert answer.label() == "未在低保、特困名单中"
    assert "X-Api-Key" not in fake.seen[0]["headers"]


@pytest.mark.parametrize("status, headers", [
    (500, {}), (503, {}), (401, {}), (302, {"Location": "/elsewhere?id=1"})])
def test_http_error_statuses_and_redirects_are_unavailable(fake, status, headers):
    """A server error, a refused key or a redirect is no answer: the caller must not guess."""
    fake.reply(status, b"oops", headers=headers)
    error = _unavailable(HttpRegistry(fake.url, api_key="test-key", timeout=2))
    assert str(status) in str(error)
    assert len(fake.seen) == 1  # the redirect was not followed


def test_a_404_page_from_a_wrong_url_is_unavailable_not_everyone_unlisted(fake):
    """A misconfigured URL answering a web server's 404 page must not make everyone "not enrolled"."""
    fake.reply(404, b"<html>Not Found</html>")
    assert "格式" in str(_unavailable(HttpRegistry(fake.url, timeout=2)))


@pytest.mark.parametrize("body", [
    b"<html>not json</html>", b"[]", {"enrolled": "yes"}, {"enrolled": True},
    {"enrolled": True, "kind": "wubao"}, {"enrolled": True, "kind": "dibao", "since": "2023-13-01"},
    {"enrolled": True, "kind": "dibao", "since": 20230501}, {"kind": "dibao"}])
def test_http_malformed_replies_are_unavailable(fake, body):
    """A 200 whose body is not the protocol's JSON is no answer either."""
    fake.reply(200, body)
    assert "格式" in str(_unavailable(HttpRegistry(fake.url, timeout=2)))


def test_after_a_failure_the_registry_is_not_asked_again_until_the_pause_is_over(fake):
    """Down once: the next look-ups fail at once without a request (no timeout per wish); then it asks."""
    registry = HttpRegistry(fake.url, timeout=2, pause=0.5)
    fake.reply(503, b"busy")
    _unavailable(registry)
    fake.reply(200, {"enrolled": True, "kind": "dibao", "since": None})
    assert "暂停" in str(_unavailable(registry)) and len(fake.seen) == 1
    wait_for(lambda: _try(registry), timeout=5, interval=0.1, what="the registry asked again")
    assert len(fake.seen) == 2  # one request after the pause, none during it


def test_a_bad_answer_does_not_pause_the_registry(fake):
    """A malformed reply is the service's mistake for this one wish, not an outage."""
    registry = HttpRegistry(fake.url, timeout=2, pause=60)
    fake.reply(200, b"[]")
    _unavailable(registry)
    fake.reply(200, {"enrolled": False})
    assert not registry.lookup(DIBAO).enrolled and len(fake.seen) == 2


def _try(registry) -> bool:
    try:
        registry.lookup(DIBAO)
    except RegistryUnavailable:
        return False
    return True


def test_http_timeout_is_unavailable(fake):
    """A registry slower than the timeout is unavailable, not a hang and not "not enrolled"."""
    fake.reply(200, {"enrolled": True, "kind": "dibao", "since": None}, delay=1.5)
    assert "超时" in str(_unavailable(HttpRegistry(fake.url, timeout=0.3)))


def test_http_connection_refused_is_unavailable():
    """Nothing listening on the port is unavailable."""
    _unavailable(HttpRegistry(f"http://127.0.0.1:{free_port()}", timeout=2))


def test_registry_from_picks_http_when_the_url_is_set(db_settings, db, monkeypatch):
    """The URL setting chooses the web service, with its key and timeout; otherwise the table."""
    env = {"MICROWISH_REGISTRY_URL": "http://registry.example:8080/api",
           "MICROWISH_REGISTRY_API_KEY": "k-123", "MICROWISH_REGISTRY_TIMEOUT_SECONDS": "1.5"}
    chosen = registry_from(config.from_env(env), db_settings.pii_hash_key, db)
    assert isinstance(chosen, HttpRegistry)
    assert (chosen.url, chosen.api_key, chosen.timeout) == (
        "http://registry.example:8080/api/allowance-lookups", "k-123", 1.5)
    chosen = registry_from(config.Config(), db_settings.pii_hash_key, db)
    assert isinstance(chosen, TableRegistry)
    import_csv(db, db_settings.pii_hash_key, SAMPLE, now=NOW)
    assert chosen.lookup(DIBAO) == Allowance(True, "dibao", date(2023, 5, 1), "table")
