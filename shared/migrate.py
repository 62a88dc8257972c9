"""Alembic migrations per service: `python -m shared.migrate [service ...]` brings each schema up to date."""
from __future__ import annotations

import sys

from alembic import command
from alembic.config import Config

from shared.db import ensure_schema, make_engine
from shared.settings import ROOT, SERVICES, Settings, from_env


def alembic_config(service: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(ROOT / "services" / service / "migrations"))
    return config


def upgrade(settings: Settings, service: str, revision: str = "head") -> None:
    """Create the service's schema if needed and run its migrations on it."""
    engine = make_engine(settings, service)
    try:
        ensure_schema(engine, settings.database_schema(service))
        config = alembic_config(service)
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, revision)
    finally:
        engine.dispose()


def main(argv: list[str] | None = None) -> None:
    settings = from_env()
    for service in (argv if argv else SERVICES):
        upgrade(settings, service)
        print(f"migrated {service}")


if __name__ == "__main__":
    main(sys.argv[1:])
