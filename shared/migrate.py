"""Alembic migrations per service: `microwish migrate [service ...]` brings each schema up to date.

`python -m shared.migrate` is the same command; docker-compose.yml and the stack use it.
"""
from __future__ import annotations

import click
from alembic import command
from alembic.config import Config
from sqlalchemy.engine import make_url

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


def shown(settings: Settings, service: str) -> str:
    """Where a service's data is, as an operator should see it: the URL with its password masked,
    and the PostgreSQL schema."""
    url = make_url(settings.database_url(service)).render_as_string(hide_password=True)
    if url.startswith("sqlite"):
        return f"{url} (SQLite: the all-in-one's file, not the stack's PostgreSQL)"
    return f"{url} (schema {settings.database_schema(service)})"


def prepared(settings: Settings, service: str) -> None:
    """Before a command writes: say which database it writes to (on stderr, so the secrets a
    command prints stay alone on stdout), then bring the schema up to date."""
    click.echo(f"database: {shown(settings, service)}", err=True)
    upgrade(settings, service)


@click.command("migrate")
@click.argument("services", nargs=-1, type=click.Choice(SERVICES), metavar="[SERVICE]...")
def migrate(services: tuple[str, ...]) -> None:
    """Bring the services' schemas up to date.

    The services named, or all four when none is.
    """
    settings = from_env()
    for service in services or SERVICES:
        click.echo(f"database: {shown(settings, service)}", err=True)
        upgrade(settings, service)
        click.echo(f"migrated {service}")


if __name__ == "__main__":
    migrate(prog_name="python -m shared.migrate")
