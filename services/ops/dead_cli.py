"""`microwish ops dead …`: dead letters listed by queue and reason, one shown with personal
fields masked, replayed to the queue they failed on, purged, and our copies expired."""
from __future__ import annotations

import json

import click

from services.ops import dead, rules
from services.ops.cli import AS_OPTION, Ops, actor, command, ops, stamp
from shared import dead_letters


@ops.group("dead")
def dead_group() -> None:
    """死信：查看、重放、清除。Dead letters: list, show, replay, purge."""


@command(dead_group, "list")
@click.argument("queue", required=False)
@click.option("--each", is_flag=True, help="One line per message (with its ID), not per reason.")
def dead_list(ops: Ops, queue: str | None, each: bool) -> None:
    """按队列和原因分组的死信。Dead letters grouped by queue and reason."""
    kept = dead.copies(ops.dbs, queue)
    if each:
        click.echo(rules.table(["id", "queue", "message_id", "reason", "replays", "last seen"], [
            [c["id"], c["queue"], c["message_id"], c["reason"][:60], c["replays"],
             stamp(c["last_seen"])] for c in kept]))
        return
    click.echo(rules.table(["queue", "reason", "count", "first seen", "last seen"], [
        [g.queue, g.reason[:80], g.count, stamp(g.first_seen), stamp(g.last_seen)]
        for g in rules.group(kept)]))


@command(dead_group, "show")
@click.argument("copy_id", metavar="ID")
def dead_show(ops: Ops, copy_id: str) -> None:
    """一条死信（个人信息已遮盖）。One dead letter, personal fields masked or sealed."""
    try:
        shown = dead.show(ops.dbs, ops.sealer, copy_id)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="ID") from None
    if shown is None:
        raise click.ClickException(f"没有这条死信 / no dead letter {copy_id}")
    click.echo(json.dumps(shown, ensure_ascii=False, indent=2, default=str))


def _owned(queue: str) -> str:
    if rules.owner(queue) is None:
        raise click.BadParameter("不是本平台消费的队列 / none of our services' queues",
                                 param_hint="QUEUE")
    return queue.removesuffix(rules.DEAD_SUFFIX)


@command(dead_group, "replay")
@click.argument("queue")
@click.option("--reason", help="Only the dead letters with exactly this reason.")
@click.option("--limit", type=click.IntRange(min=1), help="At most this many, oldest first.")
@click.option("--dry-run", is_flag=True, help="Say what would be replayed; send nothing.")
@AS_OPTION
def dead_replay(ops: Ops, queue: str, reason, limit, dry_run: bool, as_user) -> None:
    """把死信送回原队列。Send dead letters back to the queue they failed on."""
    queue, who = _owned(queue), actor(ops, as_user)
    results = dead.replay(ops.dbs, ops.sealer, ops.broker_url, queue, who,
                          ops.config.replay_limit, reason, limit, dry_run)
    for r in results:
        click.echo(f"{r.id}  {r.message_id}  {r.outcome}")
    sent = sum(r.outcome == "replayed" for r in results)
    click.echo(f"{'(dry run) ' if dry_run else ''}replayed {sent} of {len(results)}")


@command(dead_group, "purge")
@click.argument("queue")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@AS_OPTION
def dead_purge(ops: Ops, queue: str, yes: bool, as_user) -> None:
    """清空死信队列及我们的副本。Empty the dead queue and drop our copies of it."""
    queue, who = _owned(queue), actor(ops, as_user)
    if not yes:
        click.confirm(f"清除 {queue}.dead 的全部死信？/ purge every dead letter of {queue}?",
                      abort=True)
    gone = dead.purge(ops.dbs, ops.api, queue, who)
    click.echo(f"purged {queue}.dead and {gone} kept copies")


@command(dead_group, "expire")
def dead_expire(ops: Ops) -> None:
    """删除超过保留期的死信副本。Drop copies past MICROWISH_DEAD_COPY_DAYS (workers do it hourly)."""
    gone = sum(dead_letters.expire(db, ops.config.dead_copy_days) for db in ops.dbs.values())
    click.echo(f"expired {gone} copies older than {ops.config.dead_copy_days} days")
