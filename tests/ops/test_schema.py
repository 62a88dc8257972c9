"""The init container's check: every service's schema at its migrations' head, or not yet."""
from __future__ import annotations

from click.testing import CliRunner

from services.ops import schema
from shared.migrate import upgrade
from shared.settings import SERVICES


def test_behind_until_migrated_then_at_head(db_settings, monkeypatch):
    assert set(schema.behind(db_settings, SERVICES)) == set(SERVICES)  # nothing migrated
    upgrade(db_settings, "verification")
    assert "verification" not in schema.behind(db_settings, SERVICES)
    for service in SERVICES:
        upgrade(db_settings, service)
    assert schema.behind(db_settings) == []
    monkeypatch.setattr(schema, "from_env", lambda: db_settings)
    done = CliRunner().invoke(schema.schema, [])
    assert done.exit_code == 0 and "migrated" in done.output


def test_the_command_says_which_are_not_migrated(db_settings, monkeypatch):
    monkeypatch.setattr(schema, "from_env", lambda: db_settings)
    done = CliRunner().invoke(schema.schema, ["--wait", "0"])
    assert done.exit_code == 1 and "not migrated yet: intake" in done.output
