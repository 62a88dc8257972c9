"""A service's worker process: `microwish worker <service>` runs a consumer per queue and the relay;
`--queues` picks some of its queues, so ops can scale one queue's consumers alone.

`python -m services.worker <service>` is the same command; docker-compose.yml and the stack use it.
"""
from __future__ import annotations

import importlib

import click

from shared import logs
from shared.db import Database
from shared.runtime import ServiceRuntime
from shared.settings import SERVICES, from_env
from shared.topology import QUEUES


def service_module(name: str):
    """The service's `app` module: SERVICE, METADATA, create_app and handlers."""
    if name not in SERVICES:
        raise SystemExit(f"unknown service {name!r}; choose one of {', '.join(SERVICES)}")
    return importlib.import_module(f"services.{name}.app")


def runtime(name: str, settings, db: Database | None = None, queues: list[str] | None = None,
            **options) -> ServiceRuntime:
    module = service_module(name)
    db = db or Database(settings, name, module.METADATA)
    jobs = module.jobs(settings) if hasattr(module, "jobs") else []
    extra = getattr(module, "declare", None)  # what the service declares beyond the topology
    return ServiceRuntime(db, settings, module.handlers(settings), jobs, queues=queues,
                          on_declare=(lambda conn: extra(conn, db)) if extra else None, **options)


def queue_names(service: str) -> list[str]:
    return [q.name for q in QUEUES[service]]


@click.command("worker")
@click.argument("service", type=click.Choice(SERVICES), metavar="SERVICE")
@click.option("--queues", "queues", default="", metavar="NAME,…",
              help="Consume only these of the service's queues (comma-separated); all by default.")
def worker(service: str, queues: str) -> None:
    """One service's consumers (one per queue) and outbox relay.

    Runs until SIGTERM or Ctrl-C, each consumer finishing the batch in hand.
    """
    chosen = [name.strip() for name in queues.split(",") if name.strip()] or None
    unknown = sorted(set(chosen or []) - set(queue_names(service)))
    if unknown:
        raise click.BadParameter(f"{', '.join(unknown)} (the queues of {service}: "
                                 f"{', '.join(queue_names(service))})", param_hint="--queues")
    settings = from_env()
    logs.configure(service, "worker", settings.log_format)
    runtime(service, settings, queues=chosen).run_forever()


if __name__ == "__main__":
    worker(prog_name="python -m services.worker")
