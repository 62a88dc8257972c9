"""`microwish import`: the bulk importer's terminal side — its arguments, progress, messages, reports.

    microwish import FILE --as USERNAME [--report REPORT.csv] [--dry-run]

The import itself (check, validate, store, run) is in actions.py, which reports through this
module. Exit codes: 0 stored, 1 rows refused, 2 unusable file or account.
"""
from __future__ import annotations

import csv
import sys
import time
from contextlib import contextmanager

import click

from shared.settings import from_env

SHOWN = 20  # errors printed on the terminal; the report has them all
_LINE = "%(label)s [%(bar)s] %(info)s"  # 校验 [#####     ] 3/6 50%


@contextmanager
def progress(label: str, total: int, stream):
    """click's progress bar on `stream`; where that is not a terminal, one line per tenth instead.

    click alone would print only the label there, and a log needs to show how far an import got."""
    tty = stream.isatty()
    bar = click.progressbar(length=total, label=label, file=stream, hidden=not tty, width=30,
                            fill_char="#", empty_char=" ", bar_template=_LINE, info_sep=" ",
                            show_pos=True, show_percent=True, show_eta=False,
                            # a redraw per percent is plenty: 5000 rows need not draw 5000 times
                            update_min_steps=max(1, total // 100) if tty else 1)
    with bar:
        yield bar if tty else _Tenths(bar, stream)


class _Tenths:
    """A hidden bar that writes its line whenever it passes another tenth."""

    def __init__(self, bar, stream):
        self.bar, self.stream, self.tenth = bar, stream, -1

    def update(self, n: int) -> None:
        self.bar.update(n)
        tenth = 10 * self.bar.pos // max(self.bar.length, 1)
        if tenth > self.tenth:
            self.tenth = tenth
            self.stream.write(self.bar.format_progress_line() + "\n")
            self.stream.flush()


def unusable(problem, err) -> None:
    click.echo(f"无法导入：{problem}", file=err)


def refused(sheet, errors: list[dict], report: str, err) -> None:
    """Say what is wrong, where; the cells' values stay out of it (they hold personal data)."""
    rows = [[e["row"], e.get("ref") or "", e["field"],
             e.get("column") or _column(sheet, e["field"]), e["code"], e["message"]]
            for e in errors]
    write_csv(report, ["行号", "编号", "字段", "列名", "错误代码", "错误说明"], rows)
    bad = len({e["row"] for e in errors})
    click.echo(f"校验未通过：共 {len(sheet.rows)} 行心愿，{bad} 行有错误（共 {len(errors)} 处），"
               f"没有导入任何心愿。", file=err)
    for row, ref, field, column, code, message in rows[:SHOWN]:
        click.echo(f"  第 {row} 行 编号 {ref or '-'} {column or field} [{code}] {message}", file=err)
    if len(rows) > SHOWN:
        click.echo(f"  …… 另有 {len(rows) - SHOWN} 处", file=err)
    click.echo(f"错误报告：{report}", file=err)


def stored(outcomes: list, dry_run: bool, report: str | None, out, err, started: float) -> None:
    """The counts on `out`, the time taken on `err`; with `report`, every row's wish and result."""
    new = sum(o.created or (dry_run and o.wish_id is None) for o in outcomes)
    if report:
        write_csv(report, ["行号", "编号", "心愿编号", "结果"],
                  [[o.row, o.ref, o.wish_id or "", _result(o, dry_run)] for o in outcomes])
    prefix = "试运行，未写入：将" if dry_run else ""
    click.echo(f"{prefix}新增 {new} 条，已存在 {len(outcomes) - new} 条", file=out)
    click.echo(f"用时 {time.monotonic() - started:.1f} 秒", file=err)


def _result(o, dry_run: bool) -> str:
    if dry_run:
        return "已存在" if o.wish_id else "将新增"
    return "新增" if o.created else "已存在"


def _column(sheet, field: str) -> str:
    """The header an error's field had in the file (skills.1 → 所需技能)."""
    while field:
        if field in sheet.columns:
            return sheet.columns[field]
        nested = [header for path, header in sheet.columns.items() if path.startswith(field + ".")]
        if nested:
            return nested[0]
        field = field.rpartition(".")[0]
    return ""


def write_csv(path: str, header: list[str], rows: list[list]) -> None:
    # utf-8 with a BOM so Excel shows the Chinese; a leading = + - @ would run as a formula there.
    with open(path, "w", newline="", encoding="utf-8-sig") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows([[f"'{v}" if isinstance(v, str) and v[:1] in "=+-@" and v else v
                           for v in row] for row in rows])


@click.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--as", "username", required=True, metavar="USERNAME",
              help="导入人（社区联络员）的用户名")
@click.option("--report", type=click.Path(dir_okay=False),
              help="结果报告（CSV）：每行的心愿编号，或校验错误")
@click.option("--dry-run", is_flag=True, help="只校验，不写入")
@click.pass_context
def import_wishes(ctx, file: str, username: str, report: str | None, dry_run: bool) -> None:
    """从 CSV 或 Excel（.xlsx）文件批量导入心愿。

    社区联络员代居民导入。全部校验通过才写入；否则一条也不导入，并写出逐行的错误报告。

    退出码：0 已导入，1 有行未通过校验，2 文件或账号不可用。
    """
    # actions reports through this module, so it is imported only once the command runs.
    from services.intake.importer.actions import run

    ctx.exit(run(from_env(), file, username, report, dry_run, out=sys.stdout, err=sys.stderr))
