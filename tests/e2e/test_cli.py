"""The `microwish` command: its subcommands, run as people run them (the installed console script)."""
from __future__ import annotations

import io
import os
import re
import subprocess
import sys

import pytest
from sqlalchemy import func, select

from services.demo import ACCOUNTS
from services.intake.accounts.actions import create_account
from services.intake.importer import cli as importer_cli
from services.intake.submissions.models import Submission
from services.worker import runtime
from shared import topology
from shared.settings import ROOT, SERVICES
from tests.helpers import PG_URL

MICROWISH = ROOT / ".venv" / "bin" / "microwish"
SAMPLE = ROOT / "docs" / "examples" / "import_sample.csv"
SUBCOMMANDS = {"run", "stack", "worker", "migrate", "import", "registry", "systems", "communities",
               "ops", "accounts"}
# Each old way in and the arguments its click usage line shows: the same command behind it.
ALIASES = {
    "services.allinone": "",
    "services.stack": "",
    "services.worker": " SERVICE",
    "shared.migrate": " [SERVICE]...",
    "services.intake.importer": " FILE",
    "services.verification.registry_import": " FILE",
    "services.intake.accounts.systems": " COMMAND [ARGS]...",
}


def _microwish(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(MICROWISH), *args], cwd=ROOT, env={**os.environ, **(env or {})},
                          capture_output=True, text=True, timeout=300)


def _commands(help_text: str) -> set[str]:
    """The names listed under "Commands:" in a click group's --help."""
    listed = help_text.split("Commands:", 1)[1]
    return {line.split()[0] for line in listed.splitlines() if line.startswith("  ")}


@pytest.fixture
def db(make_db):
    return make_db("intake")


@pytest.fixture
def intake_env(db_settings) -> dict:
    """What points a command at this test's intake schema, as a deployment's variables would."""
    return {"MICROWISH_INTAKE_DATABASE_URL": PG_URL,
            "MICROWISH_INTAKE_DATABASE_SCHEMA": db_settings.database_schema("intake")}


@pytest.fixture
def liaison(db) -> str:
    username, role, name, scope = next(a for a in ACCOUNTS if a[0] == "liaison")
    with db.session() as session:
        create_account(session, username, role, name, **scope)
        session.commit()
    return username


def test_help_lists_every_subcommand():
    done = _microwish("--help")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Usage: microwish ")
    assert _commands(done.stdout) == SUBCOMMANDS
    assert _commands(_microwish("registry", "--help").stdout) == {"import"}
    assert _commands(_microwish("systems", "--help").stdout) == {"register", "rotate-key", "rotate-broker-password", "revoke"}
    assert "--as USERNAME" in _microwish("import", "--help").stdout
    assert _commands(_microwish("communities", "--help").stdout) == {"import"}
    assert "--as USERNAME" in _microwish("communities", "import", "--help").stdout


def test_the_old_module_paths_run_the_same_commands():
    for module, arguments in ALIASES.items():
        done = subprocess.run([sys.executable, "-m", module, "--help"], cwd=ROOT,
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, (module, done.stderr)
        usage = done.stdout.splitlines()[0]
        assert usage == f"Usage: python -m {module} [OPTIONS]{arguments}", (module, done.stdout)


def test_import_stores_the_sample_and_shows_its_progress(db, liaison, intake_env, tmp_path):
    done = _microwish("import", str(SAMPLE), "--as", liaison, "--report", str(tmp_path / "r.csv"),
                      env=intake_env)
    assert done.returncode == 0, done.stderr
    assert "新增 3 条，已存在 0 条" in done.stdout
    lines = done.stderr.splitlines()  # stderr is a pipe here: whole lines, no redrawing
    assert f"校验 [{'#' * 30}] 3/3 100%" in lines and f"导入 [{'#' * 30}] 3/3 100%" in lines
    with db.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Submission.__table__)
                           .where(Submission.source == "import")) == 3
    assert (tmp_path / "r.csv").read_text(encoding="utf-8-sig").count("新增") == 3
    again = _microwish("import", str(SAMPLE), "--as", liaison, env=intake_env)
    assert again.returncode == 0 and "新增 0 条，已存在 3 条" in again.stdout


def test_import_exit_codes_say_refused_rows_and_unusable_accounts(db, liaison, intake_env,
                                                                  tmp_path):
    bad = tmp_path / "bad.csv"
    rows = SAMPLE.read_text(encoding="utf-8").splitlines()
    bad.write_text("\n".join([rows[0], rows[1].replace("chuanhui-wenming", "pudong-gaoqiao")]),
                   encoding="utf-8")
    refused = _microwish("import", str(bad), "--as", liaison, env=intake_env)
    assert refused.returncode == 1 and "community_forbidden" in refused.stderr
    assert (tmp_path / "bad.errors.csv").is_file()
    nobody = _microwish("import", str(SAMPLE), "--as", "nobody", env=intake_env)
    assert nobody.returncode == 2 and "无法导入：nobody" in nobody.stderr
    missing = _microwish("import", str(SAMPLE), env=intake_env)
    assert missing.returncode == 2 and "--as" in missing.stderr
    with db.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Submission.__table__)) == 0


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_on_a_terminal_the_progress_bar_redraws_one_line():
    screen = _Terminal()
    with importer_cli.progress("导入", 500, screen) as bar:
        for _ in range(5):
            bar.update(100)
    drawn = screen.getvalue()
    assert drawn.count("\n") == 1 and drawn.count("\r") >= 5  # redrawn in place, then one newline
    assert f"导入 [{'#' * 30}] 500/500 100%" in drawn and "100/500  20%" in drawn


def test_systems_register_prints_an_api_key_that_authenticates(db, intake_env, app):
    done = _microwish("systems", "register", "city-hotline", "12345 热线", env=intake_env)
    assert done.returncode == 0, done.stderr
    found = re.search(r"^API key for city-hotline \(shown once\): (\S+)$", done.stdout, re.M)
    assert found, done.stdout
    assert "rabbitmqctl add_user city-hotline " in done.stdout
    assert "rabbitmqctl set_permissions -p / city-hotline" in done.stdout
    me = app.test_client().get("/api/v1/auth/me", headers={"X-Api-Key": found.group(1)})
    assert me.status_code == 200, me.get_json()
    assert (me.get_json()["role"], me.get_json()["app_id"]) == ("system", "city-hotline")
    again = _microwish("systems", "register", "city-hotline", env=intake_env)
    assert again.returncode == 1 and "already registered" in again.stderr
    bad = _microwish("systems", "register", "City Hotline", env=intake_env)
    assert bad.returncode == 2 and "APP_ID" in bad.stderr


def test_worker_refuses_an_unknown_service_naming_the_choices():
    done = _microwish("worker", "nosuch")
    assert done.returncode == 2 and done.stdout == ""
    assert "'nosuch' is not one of" in done.stderr
    assert all(f"'{service}'" in done.stderr for service in SERVICES)


def test_worker_refuses_a_queue_the_service_does_not_consume_naming_its_queues():
    done = _microwish("worker", "intake", "--queues", "intake.submissions,matching.members")
    assert done.returncode == 2 and done.stdout == ""
    assert "matching.members" in done.stderr
    assert all(q.name in done.stderr for q in topology.QUEUES["intake"])


def test_a_worker_for_some_queues_consumes_only_those_each_on_its_own_connection(db_settings):
    both = ["intake.submissions", "intake.audit"]
    worker = runtime("intake", db_settings, queues=both)
    assert [c.handler.queue.name for c in worker.consumers] == both
    assert worker.consumers[0].connection is not worker.consumers[1].connection
    assert len(runtime("intake", db_settings).consumers) == len(topology.QUEUES["intake"])
