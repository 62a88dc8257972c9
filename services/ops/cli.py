"""`microwish ops`: queue depths and consumers, dead letters (list, show, replay, purge), parked
outbox rows, the dead queues' retention policy. Same MICROWISH_* settings as the stack."""
from __future__ import annotations

import functools
import getpass
import json
import os
import time

import click
from sqlalchemy import exc as sa_exc, select

from services.ops import dead, definitions, outbox, rules
from services.ops.broker import ManagementApi, Unreachable, vhost_of
from services.ops.config import broker_url as ops_broker_url, from_env as ops_config
from shared.envelope import utcnow
from shared.pii import Sealer
from shared.settings import SERVICES, from_env
from shared.tokens import Principal

EXIT_UNREACHABLE = 3


class Ops:
    """What every command needs, opened lazily and closed once."""

    def __init__(self):
        self.settings, self.config = from_env(), ops_config()
        self._dbs = None

    @property
    def dbs(self) -> dict:
        if self._dbs is None:
            from services.worker import service_module
            from shared.db import Database
            self._dbs = {s: Database(self.settings, s, service_module(s).METADATA)
                         for s in SERVICES}
        return self._dbs

    @property
    def api(self) -> ManagementApi:
        return ManagementApi(self.config, vhost_of(self.broker_url))

    @property
    def broker_url(self) -> str:
        return ops_broker_url(self.config, self.settings)

    @property
    def sealer(self) -> Sealer:
        return Sealer(self.settings.pii_keys)

    def close(self) -> None:
        for db in (self._dbs or {}).values():
            db.dispose()


def command(group, name: str, **kw):
    """A subcommand that gets `Ops` and exits 3 with a bilingual line when something is away."""
    def wrap(fn):
        @group.command(name, **kw)
        @functools.wraps(fn)
        def run(*args, **kwargs):
            ops = Ops()
            try:
                return fn(ops, *args, **kwargs)
            except Unreachable as exc:
                _fail(exc.said)
            except sa_exc.OperationalError as exc:
                if "no such table" in str(exc.orig):  # SQLite's word for "not migrated"
                    _fail("数据库结构未迁移 / a service's database is not migrated "
                          "(run `microwish migrate`)")
                _fail(f"无法连接数据库 / cannot reach a service's database "
                      f"({type(exc.orig).__name__ if exc.orig else 'OperationalError'})")
            except sa_exc.ProgrammingError:
                _fail("数据库结构未迁移 / a service's database is not migrated "
                      "(run `microwish migrate`)")
            finally:
                ops.close()
        return run
    return wrap


def _fail(said: str):
    click.echo(f"错误 / error: {said}", err=True)
    raise SystemExit(EXIT_UNREACHABLE)


def actor(ops: Ops, username: str | None) -> Principal:
    """Who did it: `--as` an active ops account of intake's, else the operating-system user."""
    if not username:
        return Principal(id=f"os:{getpass.getuser()}"[:100], role="ops")
    from services.intake.accounts.actions import principal_of
    from services.intake.accounts.models import Account
    with ops.dbs["intake"].session() as session:
        account = session.scalars(select(Account).where(Account.username == username)).first()
    if account is None or account.role != "ops" or account.disabled:
        raise click.BadParameter("不是有效的运维账号 / not an active ops account",
                                 param_hint="--as")
    return principal_of(account)


AS_OPTION = click.option("--as", "as_user", metavar="USERNAME",
                   help="Record as this ops account (default: the OS user).")


@click.group("ops")
def ops() -> None:
    """运维：队列、死信、发件箱。Queues, dead letters, parked outbox rows (docs/ops.md)."""


def stamp(value) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else "-"


def queue_table(ops: Ops) -> str:
    now = utcnow()
    api_queues = ops.api.queues()  # the broker first: when it is away, that is what to say
    kept = dead.copies(ops.dbs)
    oldest = {}
    for c in kept:
        oldest[c["queue"]] = min(oldest.get(c["queue"], c["first_seen"]), c["first_seen"])
    rows = rules.queue_rows(api_queues, now)
    return rules.table(
        ["queue", "service", "ready", "unacked", "consumers", "in/s", "out/s", "oldest",
         "dead", "kept", "oldest kept"],
        [[r.name, r.service, r.ready, r.unacked, r.consumers, f"{r.publish_rate:.1f}",
          f"{r.deliver_rate:.1f}", rules.age(r.oldest_seconds), r.dead,
          sum(1 for c in kept if c["queue"] == r.name),
          rules.age((now - oldest[r.name]).total_seconds()) if r.name in oldest else "-"]
         for r in rows])


@command(ops, "queues")
@click.option("--watch", type=float, default=None, metavar="SECONDS",
              help="Refresh every SECONDS until Ctrl-C.")
def queues(ops: Ops, watch: float | None) -> None:
    """每个队列的深度、消费者、速率和死信。Every queue's depth, consumers, rates, dead letters."""
    while True:
        text = queue_table(ops)
        if watch:
            click.clear()
            click.echo(f"{stamp(utcnow())} UTC  (Ctrl-C 退出 / to stop)")
        click.echo(text)
        if not watch:
            return
        try:
            time.sleep(watch)
        except KeyboardInterrupt:
            return


@command(ops, "policies")
def policies(ops: Ops) -> None:
    """设置死信队列的保留策略。Apply the dead queues' TTL and length limit (idempotent)."""
    body = ops.api.apply_policy(ops.config.dead_ttl_days, ops.config.dead_max_length)
    click.echo(f"policy {rules.POLICY_NAME}: {json.dumps(body)}")


@ops.group("outbox", invoke_without_command=True)
@click.pass_context
def outbox_group(ctx) -> None:
    """发件箱积压与搁置的消息。Each service's outbox backlog and parked rows."""
    if ctx.invoked_subcommand is None:
        ctx.invoke(outbox_show)


@command(outbox_group, "show")
def outbox_show(ops: Ops) -> None:
    """Backlog per service, then every parked row with its error."""
    now = utcnow()
    click.echo(rules.table(["service", "waiting", "oldest", "parked"], [
        [b.service, b.waiting, rules.age((now - b.oldest).total_seconds()) if b.oldest else "-",
         b.parked] for b in outbox.backlog(ops.dbs)]))
    rows = outbox.parked(ops.dbs)
    if rows:
        click.echo("")
        click.echo(rules.table(["service", "id", "type", "attempts", "parked", "error"], [
            [r["service"], r["id"], r["type"], r["attempts"], stamp(r["parked_at"]),
             (r["last_error"] or "")[:80]] for r in rows]))


@command(outbox_group, "retry")
@click.argument("service", required=False, type=click.Choice(SERVICES))
@click.option("--id", "row_id", type=int, help="Only this outbox row (needs SERVICE).")
@AS_OPTION
def outbox_retry(ops: Ops, service, row_id, as_user) -> None:
    """重发搁置的消息。Send parked rows again (the relay picks them up at once)."""
    if row_id is not None and service is None:
        raise click.UsageError("--id 需要 SERVICE / --id needs SERVICE")
    count = outbox.retry(ops.dbs, actor(ops, as_user), service, row_id)
    click.echo(f"unparked {count} outbox rows")


@ops.command("definitions")
@click.option("--users", "with_users", is_flag=True,
              help="Print the users file instead (password hashes from "
                   "MICROWISH_BROKER_PASSWORD_<USER>): a secret, never committed.")
@click.option("--system", "systems", multiple=True, metavar="APP_ID",
              help="Include a registered government system's user and grants.")
@click.option("--vhost", default=definitions.VHOST, show_default=True)
def definitions_command(with_users: bool, systems: tuple[str, ...], vhost: str) -> None:
    """RabbitMQ 定义文件。The broker's definitions from the topology (deploy/rabbitmq)."""
    if with_users:
        try:
            click.echo(definitions.render(definitions.users_from_env(dict(os.environ), systems)),
                       nl=False)
        except ValueError as exc:
            raise click.UsageError(str(exc)) from None
        return
    click.echo(definitions.render(definitions.definitions(vhost, systems)), nl=False)


# The dead letters' commands live in their own module; importing it adds them to the group.
from services.ops import dead_cli  # noqa: E402,F401
