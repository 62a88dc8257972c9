"""The `microwish` command: one click group; each subcommand is defined where its tool lives."""
from __future__ import annotations

import click

from services.allinone import run
from services.intake.accounts.systems import systems
from services.intake.communities.cli import communities
from services.intake.importer.cli import import_wishes
from services.ops.cli import ops
from services.stack import stack
from services.verification.registry_cli import registry
from services.worker import worker
from shared.migrate import migrate


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """微心愿 platform: run it, migrate it, import into it. Settings come from MICROWISH_* variables."""


for command in (run, stack, worker, migrate, import_wishes, registry, systems, communities,
                ops):
    main.add_command(command)


if __name__ == "__main__":
    main(prog_name="microwish")
