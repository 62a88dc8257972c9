"""`microwish registry import`: the allowance list's terminal side — arguments, counts, bad rows.

    microwish registry import FILE.csv [--district CODE [--complete]]

Reading, checking and storing the file is registry_import.py's. Exit codes: 0 imported, 1 some
rows skipped, 2 unusable file.
"""
from __future__ import annotations

import sys

import click

from services.verification.models import Base
from services.verification.registry_import import ImportFileProblem, import_csv
from shared.db import Database
from shared.migrate import upgrade
from shared.settings import from_env


@click.group("registry")
def registry() -> None:
    """民政低保、特困、低收入名单。"""


@registry.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--district", metavar="CODE", help="文件中未填“区”的行所属的区编码")
@click.option("--complete", is_flag=True, help="文件是该区的完整名单：名单外仍在册的人记为已退出")
@click.pass_context
def import_list(ctx, file: str, district: str | None, complete: bool) -> None:
    """从 CSV 文件导入民政低保、特困、低收入名单。

    只存身份证号的密钥哈希。有效行按身份证号新增或更新，错误行跳过并按行号、列名报告（不显示内容）。

    退出码：0 全部导入，1 有错误行，2 文件不可用。
    """
    out, err = sys.stdout, sys.stderr
    settings = from_env()
    upgrade(settings, "verification")
    db = Database(settings, "verification", Base.metadata)
    try:
        result = import_csv(db, settings.pii_hash_key, file, district, complete=complete)
    except (OSError, ImportFileProblem) as exc:
        click.echo(f"无法导入：{exc}", file=err)
        ctx.exit(2)
    finally:
        db.dispose()
    for e in result.errors:
        click.echo(f"  第 {e.row} 行 {e.column} [{e.code}] {e.message}", file=err)
    bad = len({e.row for e in result.errors})
    ended = f"，退出 {result.ended} 条" if complete else ""
    click.echo(f"新增 {result.inserted} 条，更新 {result.updated} 条{ended}，错误 {bad} 行", file=out)
    if complete and result.errors:
        click.echo("有错误行，未把名单外的人记为已退出；改正后请重新导入", file=err)
    ctx.exit(1 if result.errors else 0)
