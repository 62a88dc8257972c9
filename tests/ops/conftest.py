"""The ops tests' bench: every service migrated, scoring's consumer bench, the CLI on their env."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from services.ops.cli import ops
from shared.settings import SERVICES
from tests.conftest import MANAGEMENT_URL
from tests.helpers import PG_URL
from tests.shared.conftest import QueueBench


class OpsCli:
    """`microwish ops …` as an engineer runs it, on this test's vhost and schemas."""

    def __init__(self, settings):
        self.env = {"MICROWISH_BROKER_URL": settings.broker_url, "MICROWISH_DATABASE_URL": PG_URL,
                    "MICROWISH_RABBITMQ_API": MANAGEMENT_URL,
                    **{f"MICROWISH_{s.upper()}_DATABASE_SCHEMA": settings.database_schema(s)
                       for s in SERVICES}}
        self.outputs: list[str] = []

    def __call__(self, *args: str, expect: int = 0, input: str | None = None, **env) -> str:
        result = CliRunner().invoke(ops, list(args), env={**self.env, **env}, input=input,
                                    catch_exceptions=False)
        self.outputs.append(result.output)
        assert result.exit_code == expect, result.output
        return result.output


@pytest.fixture
def dbs(settings, make_db):
    return {s: make_db(s) for s in SERVICES}


@pytest.fixture
def cli(settings, dbs):
    return OpsCli(settings)


@pytest.fixture
def bench(settings, make_db, dbs):
    made = QueueBench(settings, make_db)
    made.db = dbs["scoring"]
    yield made
    made.stop()
