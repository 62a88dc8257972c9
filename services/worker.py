"""A service's worker process: `microwish worker <service>` runs its consumer and relay.

`python -m services.worker <service>` is the same command; docker-compose.yml and the stack use it.
"""
from __future__ import annotations

import importlib
import logging

import click

from shared.db import Database
from shared.runtime import ServiceRuntime
from shared.settings import SERVICES, from_env


def service_module(name: str):
    """The service's `app` module: SERVICE, METADATA, create_app and handlers."""
    if name not in SERVICES:
        raise SystemExit(f"unknown service {name!r}; choose one of {', '.join(SERVICES)}")
    return importlib.import_module(f"services.{name}.app")


def runtime(name: str, settings, db: Database | None = None) -> ServiceRuntime:
    module = service_module(name)
    db = db or Database(settings, name, module.METADATA)
    jobs = module.jobs(settings) if hasattr(module, "jobs") else []
    return ServiceRuntime(db, settings, module.handlers(settings), jobs)


@click.command("worker")
@click.argument("service", type=click.Choice(SERVICES), metavar="SERVICE")
def worker(service: str) -> None:
    """One service's consumer and outbox relay.

    Runs until SIGTERM or Ctrl-C, each finishing the message in hand.
    """
    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s %(message)s")
    runtime(service, from_env()).run_forever()


if __name__ == "__main__":
    worker(prog_name="python -m services.worker")
