"""The `microwish` commands in stack mode (PostgreSQL and RabbitMQ settings like the stack's, on a
schema nothing has migrated yet): each says first which database it writes to, migrates it, and
works — the first district admin, staff accounts, a system's registration and its secrets."""
from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
import requests
from click.testing import CliRunner
from sqlalchemy import select

from services.cli import main
from services.intake.accounts.models import Account
from services.intake.app import create_app
from services.intake.communities.actions import register as register_community
from services.worker import service_module
from shared.db import Database
from shared.settings import ROOT
from tests.conftest import MANAGEMENT_URL
from tests.factories import COMMUNITY, community
from tests.helpers import PG_URL

PW = "first-admin-pw-1"


@pytest.fixture
def stack_env(schemas, vhost):
    """MICROWISH_* as the stack sets them, in this test's own schemas and vhost."""
    env = {"MICROWISH_DATABASE_URL": PG_URL, "MICROWISH_BROKER_URL": vhost,
           **{f"MICROWISH_{s.upper()}_DATABASE_SCHEMA": name for s, name in schemas.items()}}
    return env


@pytest.fixture
def cli(stack_env):
    runner = CliRunner()

    def run(*args, input=None, code=0):
        result = runner.invoke(main, list(args), env=stack_env, input=input,
                               catch_exceptions=False)
        assert result.exit_code == code, result.output
        # Said first, before anything else, with the schema it writes to.
        first = result.stderr.splitlines()[0]
        assert first.startswith("database: postgresql://postgres@127.0.0.1:5432/"), first
        assert stack_env["MICROWISH_INTAKE_DATABASE_SCHEMA"] in first
        return result
    return run


@pytest.fixture
def intake_db(db_settings):
    made = []

    def make():
        made.append(Database(db_settings, "intake", service_module("intake").METADATA))
        return made[-1]
    yield make
    for db in made:
        db.dispose()


def test_bootstrap_then_staff_accounts_at_the_terminal(cli, intake_db, db_settings):
    done = cli("accounts", "bootstrap", "admin", "--password-stdin", input=PW + "\n")
    assert "district admin admin created" in done.stdout
    refused = cli("accounts", "bootstrap", "admin2", "--password-stdin", input=PW + "\n", code=1)
    assert "a district admin exists already" in refused.output
    cli("accounts", "bootstrap", "admin2", "--password-stdin", "--force", "--district", "chuanhui",
        input="short\n", code=1)
    cli("accounts", "bootstrap", "admin2", "--password-stdin", "--force", "--district", "chuanhui",
        input=PW + "\n")
    db = intake_db()
    with db.session() as session:
        admins = {a.username: a.communities for a in session.scalars(
            select(Account).where(Account.role == "district_admin"))}
    assert admins == {"admin": [], "admin2": ["chuanhui"]}
    client = create_app(db_settings, db).test_client()
    login = client.post("/api/v1/auth/login", json={"username": "admin", "password": PW})
    assert login.get_json()["status"] == "logged_in"

    unknown = cli("accounts", "create", "lia", "--role", "liaison", "--name", "联络员",
                  "--community", COMMUNITY, code=1)
    assert "unknown_community" in unknown.output and "未找到社区" in unknown.output
    with db.uow() as uow:
        register_community(uow, community())
        uow.commit()
    made = cli("accounts", "create", "lia", "--role", "liaison", "--name", "联络员",
               "--community", COMMUNITY)
    temporary = made.stdout.rsplit(": ", 1)[1].strip()
    first = client.post("/api/v1/auth/login", json={"username": "lia", "password": temporary})
    assert first.get_json()["status"] == "password_change_required"
    assert "lia\tliaison\tchuanhui-wenming\tmust-change-password" in cli("accounts", "list").stdout
    cli("accounts", "disable", "lia")
    assert client.post("/api/v1/auth/login", json={
        "username": "lia", "password": temporary}).status_code == 401
    cli("accounts", "enable", "lia")
    reset = cli("accounts", "reset-password", "lia").stdout.rsplit(": ", 1)[1].strip()
    assert client.post("/api/v1/auth/login", json={
        "username": "lia", "password": temporary}).status_code == 401
    assert client.post("/api/v1/auth/login", json={"username": "lia", "password": reset}
                       ).get_json()["status"] == "password_change_required"
    cli("accounts", "disable", "nobody", code=1)


def test_systems_register_in_stack_mode_on_a_fresh_database(cli, intake_db, db_settings):
    app_id = "gov-cli-test"
    try:
        done = cli("systems", "register", app_id, "测试系统")
        key = re.search(r"API key for \S+ \(shown once\): (\S+)", done.stdout).group(1)
        assert "broker user gov-cli-test in vhost" in done.stdout
        client = create_app(db_settings, intake_db()).test_client()
        assert client.get("/api/v1/auth/me", headers={"X-Api-Key": key}).status_code == 200
        cli("systems", "register", app_id, code=1)  # its key is kept
        rotated = cli("systems", "rotate-key", app_id).stdout.rsplit(": ", 1)[1].strip()
        assert client.get("/api/v1/auth/me", headers={"X-Api-Key": key}).status_code == 401
        assert client.get("/api/v1/auth/me", headers={"X-Api-Key": rotated}).status_code == 200
        assert "password shown once" in cli("systems", "rotate-broker-password", app_id).stdout
        assert "broker user gov-cli-test deleted" in cli("systems", "revoke", app_id).stdout
        assert client.get("/api/v1/auth/me", headers={"X-Api-Key": rotated}).status_code == 401
        cli("systems", "rotate-key", "gov-nobody", code=1)
    finally:
        requests.delete(f"{MANAGEMENT_URL}/users/{app_id}", auth=("guest", "guest"), timeout=30)


def test_the_stack_flag_gives_the_stacks_database_to_a_command_run_alone(stack_env, schemas):
    """Without MICROWISH_DATABASE_URL a command would use the all-in-one's SQLite; --stack gives
    it the stack's PostgreSQL, and either way it says which before writing."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MICROWISH_")}
    env["MICROWISH_INTAKE_DATABASE_SCHEMA"] = schemas["intake"]
    run = [sys.executable, "-m", "services.cli", "--stack", "accounts", "list"]
    done = subprocess.run(run, env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines()[0] == (
        f"database: postgresql://postgres@127.0.0.1:5432/test (schema {schemas['intake']})")
