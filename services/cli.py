"""The `microwish` command: one click group; each subcommand is defined where its tool lives."""
from __future__ import annotations

import click

import os

from services.allinone import run
from services.intake.accounts.cli import accounts
from services.intake.accounts.systems import systems
from services.intake.communities.cli import communities
from services.intake.importer.cli import import_wishes
from services.ops.cli import ops
from services.stack import STACK_DEFAULTS, stack
from services.verification.registry_cli import registry
from services.worker import worker
from shared.migrate import migrate


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--stack", "stack_mode", is_flag=True,
              help="the local stack's defaults (PostgreSQL, RabbitMQ, as `microwish stack` uses) "
                   "for MICROWISH_* variables that are not set")
def main(stack_mode: bool) -> None:
    """微心愿 platform: run it, migrate it, import into it. Settings come from MICROWISH_* variables.

    Commands that write say first which database they write to.
    """
    if stack_mode:
        for name, value in STACK_DEFAULTS.items():
            os.environ.setdefault(name, value)


for command in (run, stack, worker, migrate, import_wishes, registry, systems, communities,
                ops, accounts):
    main.add_command(command)


if __name__ == "__main__":
    main(prog_name="microwish")
