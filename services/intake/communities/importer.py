"""The community list an organisation department keeps (CSV or .xlsx), imported by a district admin.

    microwish communities import FILE --as USERNAME [--report REPORT.csv] [--dry-run]

All or nothing, as the wish importer: every row goes through CommunitySchema, as over HTTP; if any
row is wrong nothing is stored and each error is reported with its row, code, column and a Chinese
message. A code already registered is updated, and announced (community.updated) only when its row
changes something; an empty 例会日 is the default, 每月第1个周六. Exit codes: 0 stored, 1 rows
refused, 2 unusable file or account. What it says on the terminal is cli.py's.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from marshmallow import ValidationError
from sqlalchemy import select

from services.intake.accounts.models import Account
from services.intake.app import METADATA
from services.intake.communities import actions, cli as terminal, rules
from services.intake.communities.models import Community
from services.intake.communities.schemas import CommunitySchema
from services.intake.importer.columns import header_key
from services.intake.importer.rows import FileProblem, blank, err, read_table, text_of
from shared.access import DISTRICT_ADMIN
from shared.db import Database
from shared.errors import field_errors
from shared.migrate import prepared
from shared.settings import Settings

# field → the headers it may have besides its English name (compared as header_key compares).
HEADERS = {"code": "社区编码 社区代码", "name": "社区名称 社区", "street": "街道（镇） 街道 镇 街道/镇",
           "district": "区县编码 区编码", "district_name": "区县名称 区县 区",
           "meeting_day": "例会日 例会时间"}
REQUIRED = ("code", "name", "street", "district", "district_name")
BY_HEADER = {header_key(h): f for f, names in HEADERS.items() for h in (f, *names.split())}
NEW, CHANGED, SAME = "新增", "更新", "未变"


@dataclass
class Row:
    number: int  # in the file, the header being row 1
    code: str
    data: dict | None  # as CommunitySchema loaded it; None when the row is wrong
    errors: list[dict]


def columns(head: list) -> tuple[dict[int, str], dict[str, str], list[dict]]:
    """Which field each column holds, each field's header, and what is wrong with the header row."""
    mapping, headers, errors = {}, {}, []
    for index, cell in enumerate(head):
        if blank(cell):
            continue
        found = BY_HEADER.get(header_key(cell))
        if found is None:
            errors.append({"column": str(cell), **err("", "unknown_column")})
        elif found in headers:
            errors.append({"column": str(cell), **err(found, "duplicate_column")})
        else:
            mapping[index], headers[found] = found, str(cell).strip()
    errors += [{"column": HEADERS[f].split()[0], **err(f, "missing_column")}
               for f in REQUIRED if f not in headers]
    return mapping, headers, errors


def check(number: int, cells: list, mapping: dict, scope, schema) -> Row:
    raw, errors = {}, []
    for index, name in mapping.items():
        cell = cells[index] if index < len(cells) else None
        if not blank(cell):
            raw[name] = text_of(cell)
    if "meeting_day" in raw and rules.no_meeting_day(raw["meeting_day"]):
        raw["meeting_day"] = None
    elif "meeting_day" in raw:  # written as people say it: 每月第1个周六
        rule = rules.meeting_day_of_label(raw["meeting_day"])
        if rule is None:
            errors.append(err("meeting_day", "invalid_meeting_day"))
            del raw["meeting_day"]
        else:
            raw["meeting_day"] = rule
    try:
        data = schema.load(raw)
    except ValidationError as exc:
        data = None
        errors += field_errors(exc.messages)
    if data is not None and not rules.may_manage(scope, data["district"]):
        errors.append(err("district", "district_forbidden"))
    return Row(number, raw.get("code", ""), None if errors else data, errors)


def validate(table: list[tuple[int, list]], scope) -> tuple[list[Row], list[dict]]:
    """Every row checked; the errors (each naming its row, code and column) when any is wrong."""
    (head_number, head), body = table[0], table[1:]
    mapping, headers, problems = columns(head)
    if problems:  # cells read under the wrong columns would only add misleading errors
        return [], [{"row": head_number, "code_in_file": "", **p} for p in problems]
    checked, errors, first = [], [], {}
    schema = CommunitySchema()
    for number, cells in body:
        row = check(number, cells, mapping, scope, schema)
        if row.code and row.code in first:
            row.errors.append(err("code", "duplicate_ref", f"（与第 {first[row.code]} 行相同）"))
            row.data = None
        first.setdefault(row.code, number)
        errors += [{"row": number, "code_in_file": row.code,
                    "column": e.get("column") or headers.get(e["field"], ""), **e}
                   for e in row.errors]
        checked.append(row)
    return ([] if errors else checked), errors


def store(uow, rows: list[Row], dry_run: bool = False) -> list[tuple[Row, str]]:
    """Register the new codes and update the others (only a change is announced); a dry run
    only says which it would be."""
    found = {c.code: c for c in uow.session.scalars(
        select(Community).where(Community.code.in_([row.code for row in rows])))}
    done = []
    for row in rows:
        community = found.get(row.code)
        if dry_run:
            outcome = NEW if community is None else (
                CHANGED if rules.changes(actions.event_of(community), row.data) else SAME)
        elif community is None:
            actions.register(uow, row.data)
            outcome = NEW
        else:
            outcome = CHANGED if actions.update(uow, community, row.data) else SAME
        done.append((row, outcome))
    return done


def run(settings: Settings, path: str, username: str, report: str | None = None,
        dry_run: bool = False, out=sys.stdout, err=sys.stderr) -> int:
    """Import the file as `username`: 0 stored, 1 rows refused, 2 unusable file or account."""
    try:
        table = read_table(path)
    except (OSError, FileProblem) as exc:
        terminal.unusable(exc, err)
        return 2
    if len(table) < 2:
        terminal.unusable("文件中只有表头，没有社区", err)
        return 2
    prepared(settings, "intake")
    db = Database(settings, "intake", METADATA)
    try:
        with db.uow() as uow:
            account = uow.session.scalars(
                select(Account).where(Account.username == username)).first()
            if account is None or account.disabled or account.role != DISTRICT_ADMIN:
                terminal.unusable(f"{username} 不是可用的区县管理员账号（只有区县管理员可以导入社区）",
                                  err)
                return 2
            rows, errors = validate(table, account.communities or ())
            if errors:
                terminal.refused(len(table) - 1, errors,
                                 report or str(Path(path).with_suffix(".errors.csv")), err)
                return 1
            done = store(uow, rows, dry_run)
            if not dry_run:
                uow.commit()
    finally:
        db.dispose()
    terminal.stored(done, dry_run, report, out)
    return 0
