"""A service's worker process: `python -m services.worker <service>` runs its consumer and relay."""
from __future__ import annotations

import importlib
import logging
import sys

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


def main(argv: list[str]) -> None:
    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s %(message)s")
    if len(argv) != 1:
        raise SystemExit("usage: python -m services.worker <service>")
    runtime(argv[0], from_env()).run_forever()


if __name__ == "__main__":
    main(sys.argv[1:])
