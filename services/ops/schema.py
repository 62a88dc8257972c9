"""Whether every service's schema is at its migrations' head. On Kubernetes each pod's init
container waits on it while the migration Job runs: `python -m services.ops.schema --wait 600`."""
from __future__ import annotations

import time

import click
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.exc import DBAPIError

from shared.db import make_engine
from shared.migrate import alembic_config
from shared.settings import SERVICES, Settings, from_env


def behind(settings: Settings, services=SERVICES) -> list[str]:
    """The services whose schema is not (yet) at head, an unreachable database counting as one."""
    late = []
    for service in services:
        heads = set(ScriptDirectory.from_config(alembic_config(service)).get_heads())
        engine = make_engine(settings, service)
        try:
            with engine.connect() as conn:
                current = set(MigrationContext.configure(conn).get_current_heads())
        except DBAPIError:
            current = set()
        finally:
            engine.dispose()
        if current != heads:
            late.append(service)
    return late


@click.command("schema")
@click.option("--wait", "wait", type=click.IntRange(min=0), default=0, metavar="SECONDS",
              help="Wait up to this long for the migrations (0: answer at once).")
def schema(wait: int) -> None:
    """数据库结构是否已迁移。Exit 0 when every service's schema is migrated, else 1."""
    settings, deadline = from_env(), time.monotonic() + wait
    while late := behind(settings):
        if time.monotonic() >= deadline:
            raise click.ClickException(f"not migrated yet: {', '.join(late)} (microwish migrate)")
        time.sleep(2)  # a deployment step, not a test: the Job is migrating meanwhile
    click.echo("every schema is migrated")


if __name__ == "__main__":
    schema(prog_name="python -m services.ops.schema")
