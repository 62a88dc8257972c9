"""`microwish communities import`: the community list's terminal side — arguments, messages.

    microwish communities import FILE --as USERNAME [--report REPORT.csv] [--dry-run]

Reading, checking and storing the file is importer.py's. Exit codes: 0 stored, 1 rows refused,
2 unusable file or account.
"""
from __future__ import annotations

import sys

import click

from services.intake.importer.cli import SHOWN, write_csv
from shared.settings import from_env


def unusable(problem, err) -> None:
    click.echo(f"无法导入：{problem}", file=err)


def refused(count: int, errors: list[dict], report: str, err) -> None:
    """Say what is wrong and where; nothing was stored."""
    rows = [[e["row"], e["code_in_file"], e["field"], e.get("column") or "", e["code"],
             e["message"]] for e in errors]
    write_csv(report, ["行号", "社区编码", "字段", "列名", "错误代码", "错误说明"], rows)
    bad = len({e["row"] for e in errors})
    click.echo(f"校验未通过：共 {count} 行社区，{bad} 行有错误（共 {len(errors)} 处），"
               f"没有导入任何社区。", file=err)
    for row, code, field, column, error, message in rows[:SHOWN]:
        click.echo(f"  第 {row} 行 社区编码 {code or '-'} {column or field} [{error}] {message}",
                   file=err)
    if len(rows) > SHOWN:
        click.echo(f"  …… 另有 {len(rows) - SHOWN} 处", file=err)
    click.echo(f"错误报告：{report}", file=err)


def stored(done: list, dry_run: bool, report: str | None, out) -> None:
    """The counts of new, changed and unchanged communities; with `report`, every row's."""
    if report:
        write_csv(report, ["行号", "社区编码", "社区名称", "结果"],
                  [[row.number, row.code, row.data["name"], outcome] for row, outcome in done])
    counts = {outcome: sum(1 for _, o in done if o == outcome) for outcome in ("新增", "更新", "未变")}
    prefix = "试运行，未写入：将" if dry_run else ""
    click.echo(f"{prefix}新增 {counts['新增']} 个社区，更新 {counts['更新']} 个，"
               f"未变 {counts['未变']} 个", file=out)


@click.group("communities")
def communities() -> None:
    """社区（村）名单：组织部门维护的社区编码、名称、街道、区县和例会日。"""


@communities.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--as", "username", required=True, metavar="USERNAME",
              help="导入人（区县管理员）的用户名")
@click.option("--report", type=click.Path(dir_okay=False),
              help="结果报告（CSV）：每行的结果，或校验错误")
@click.option("--dry-run", is_flag=True, help="只校验，不写入")
@click.pass_context
def import_communities(ctx, file: str, username: str, report: str | None, dry_run: bool) -> None:
    """从 CSV 或 Excel（.xlsx）文件导入社区名单。

    列：社区编码、社区名称、街道（镇）、区县编码、区县名称、例会日（如“每月第1个周六”，不填为每月第1个周六）。
    已登记的社区编码按文件更新。全部校验通过才写入；否则一个也不导入，并写出逐行的错误报告。

    退出码：0 已导入，1 有行未通过校验，2 文件或账号不可用。
    """
    # The importer loads the whole service, so it is imported only once the command runs.
    from services.intake.communities.importer import run

    ctx.exit(run(from_env(), file, username, report, dry_run, out=sys.stdout, err=sys.stderr))
