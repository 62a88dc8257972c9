"""Each service's migrations build exactly its models' tables in its own PostgreSQL schema, and undo them."""
from __future__ import annotations

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from services.worker import service_module
from shared.db import make_engine
from shared.migrate import alembic_config, upgrade
from shared.settings import SERVICES, Settings
from tests.helpers import PG_URL


@pytest.mark.parametrize("service", SERVICES)
def test_migrations_match_models_and_downgrade_cleanly(schemas, service):
    settings = Settings(database_urls={s: PG_URL for s in SERVICES}, database_schemas=schemas)
    upgrade(settings, service)
    engine = make_engine(settings, service)
    try:
        with engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn),
                                    service_module(service).METADATA) == []
            tables = set(inspect(conn).get_table_names(schema=schemas[service]))
        assert {"outbox", "inbox", "alembic_version"} <= tables
        config = alembic_config(service)
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.downgrade(config, "base")
        with engine.connect() as conn:
            assert set(inspect(conn).get_table_names(schema=schemas[service])) == {"alembic_version"}
    finally:
        engine.dispose()
