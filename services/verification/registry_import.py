"""Import the civil-affairs allowance list (低保/特困/低收入) from a CSV file into the registry table.

    microwish registry import FILE.csv [--district CODE [--complete]]

(`python -m services.verification.registry_import` is the same command; registry_cli.py is its
terminal side.)

Columns (Chinese or English headers, any order; other columns such as names are ignored):
身份证号/id_number, 类别/kind (低保/特困/低收入), 状态/status (在册/已退出), 起始日期/since
(YYYY-MM-DD, may be blank) and optionally 区/district; --district fills rows that name none.
Valid rows are upserted by the ID number's keyed hash (the number itself is never stored);
invalid rows are skipped and reported by row and column, never by their values. With
--complete the file is the district's whole list: anyone of that district still enrolled but not
in it is marked ended (已退出) — unless a row was wrong, since a bad row may be one of them.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import select, update

from services.verification.models import AllowanceRecord
from services.verification.registry import ENDED, ENROLLED, KIND_LABELS, KINDS
from shared import idnumber
from shared.clock import today_in_china
from shared.envelope import utcnow
from shared.pii import keyed_hash
from shared.sql import insert_for

T = AllowanceRecord.__table__
# field → (its Chinese name, every header accepted for it)
COLUMNS = {
    "id_number": ("身份证号", ("身份证号", "身份证号码", "id_number")),
    "kind": ("类别", ("类别", "救助类别", "kind")),
    "status": ("状态", ("状态", "status")),
    "since": ("起始日期", ("起始日期", "开始日期", "since")),
    "district": ("区", ("区", "区县", "district")),
}
REQUIRED = ("id_number", "kind", "status")
KIND_NAMES = {k: k for k in KINDS} | {v: k for k, v in KIND_LABELS.items()} | {
    "低保户": "dibao", "特困供养": "tekun", "特困人员": "tekun", "低收入家庭": "low_income"}
STATUS_NAMES = {ENROLLED: ENROLLED, ENDED: ENDED, "在册": ENROLLED, "在保": ENROLLED,
                "已退出": ENDED, "退出": ENDED, "停保": ENDED}
ID_PROBLEMS = {"format": "身份证号应为18位数字（末位可以是X）",
               "check_digit": "身份证号校验位不正确",
               "birth_date": "身份证号中的出生日期不正确",
               "birth_date_future": "身份证号中的出生日期晚于今天"}
_DATE = re.compile(r"\A(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\Z")  # Excel in Chinese writes 2023/5/1
_BATCH = 500


class ImportFileProblem(Exception):
    """The file cannot be imported at all (unreadable, a required column missing)."""


@dataclass(frozen=True)
class RowError:
    row: int  # the header is row 1
    field: str
    column: str
    code: str
    message: str


@dataclass
class ImportResult:
    inserted: int = 0
    updated: int = 0
    ended: int = 0
    errors: list[RowError] = field(default_factory=list)


def read_rows(path) -> tuple[dict[str, str], list[tuple[int, dict[str, str]]]]:
    """The headers found (field → header) and each non-blank row as field → cell text."""
    data = Path(path).read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("gb18030")  # what Excel in Chinese saves "CSV" as
    lines = list(csv.reader(io.StringIO(text, newline="")))
    if not lines:
        raise ImportFileProblem("文件是空的")
    columns, where = {}, {}
    for index, header in enumerate(lines[0]):
        name = header.strip()
        for key, (_, accepted) in COLUMNS.items():
            if name in accepted or name.lower() in accepted:
                if key in columns:
                    raise ImportFileProblem(f"“{COLUMNS[key][0]}”出现在多列中")
                columns[key], where[key] = name, index
    missing = [COLUMNS[key][0] for key in REQUIRED if key not in columns]
    if missing:
        raise ImportFileProblem("缺少列：" + "、".join(missing))
    rows = []
    for number, cells in enumerate(lines[1:], start=2):
        values = {key: cells[i].strip() if i < len(cells) else "" for key, i in where.items()}
        if any(cell.strip() for cell in cells):
            rows.append((number, values))
    return columns, rows


def check(number: int, cells: dict, columns: dict, district: str | None,
          today: date) -> tuple[dict | None, list[RowError]]:
    """One row as a record (the ID number still plain) or what is wrong with it."""
    errors = []

    def wrong(key, code, message):
        errors.append(RowError(number, key, columns.get(key, COLUMNS[key][0]), code, message))

    id_number = cells["id_number"].upper()
    if not id_number:
        wrong("id_number", "required", "缺少身份证号")
    elif found := idnumber.problems(id_number, today):
        wrong("id_number", "invalid_id_number", ID_PROBLEMS.get(found[0], "身份证号无效"))
    kind = KIND_NAMES.get(cells["kind"].lower())
    if kind is None:
        wrong("kind", "required" if not cells["kind"] else "invalid_choice",
              "类别应为 低保、特困 或 低收入")
    status = STATUS_NAMES.get(cells["status"].lower())
    if status is None:
        wrong("status", "required" if not cells["status"] else "invalid_choice",
              "状态应为 在册 或 已退出")
    since = None
    if cells.get("since"):
        shape = _DATE.match(cells["since"])
        try:
            since = date(*(int(part) for part in shape.groups())) if shape else None
        except ValueError:
            pass
        if since is None:
            wrong("since", "invalid_date", "起始日期应为 YYYY-MM-DD 格式的真实日期")
    district = cells.get("district") or district or None
    if district and len(district) > T.c.district.type.length:
        wrong("district", "too_long", f"区编码不能超过 {T.c.district.type.length} 个字符")
    if errors:
        return None, errors
    return {"id_number": id_number, "status": status, "kind": kind, "since": since,
            "district": district}, []


def import_csv(db, hash_key: str, path, district: str | None = None, now=None,
               complete: bool = False) -> ImportResult:
    """Upsert the file's valid rows; report the others. Raises ImportFileProblem."""
    if complete and not district:
        raise ImportFileProblem("完整名单须用 --district 指明是哪个区的名单")
    now = now or utcnow()
    columns, rows = read_rows(path)
    result, records, seen, today = ImportResult(), [], {}, today_in_china(now)
    for number, cells in rows:
        record, errors = check(number, cells, columns, district, today)
        if record is not None:
            key = keyed_hash(hash_key, record.pop("id_number"))
            if key in seen:  # which of the two is right is for a person to say
                errors = [RowError(number, "id_number", columns["id_number"], "duplicate_id_number",
                                   f"身份证号与第 {seen[key]} 行重复，本行未导入")]
            else:
                seen[key] = number
                records.append({"id_number_hash": key, **record, "imported_at": now})
        result.errors.extend(errors)
    with db.session() as session:
        for start in range(0, len(records), _BATCH):
            batch = records[start:start + _BATCH]
            keys = [r["id_number_hash"] for r in batch]
            existing = set(session.scalars(select(T.c.id_number_hash)
                                           .where(T.c.id_number_hash.in_(keys))))
            session.execute(_upsert(db, batch))
            result.updated += len(existing)
            result.inserted += len(batch) - len(existing)
        if complete and not result.errors:
            # Every row in the file was stamped `now`: the district's older enrolled rows are gone.
            result.ended = session.execute(update(T).where(
                T.c.district == district, T.c.status == ENROLLED, T.c.imported_at < now,
            ).values(status=ENDED, imported_at=now)).rowcount
        session.commit()
    return result


def _upsert(db, batch: list[dict]):
    statement = insert_for(db.engine.dialect.name)(T).values(batch)
    changed = ("status", "kind", "since", "district", "imported_at")
    return statement.on_conflict_do_update(
        index_elements=[T.c.id_number_hash],
        set_={name: statement.excluded[name] for name in changed})


if __name__ == "__main__":
    from services.verification.registry_cli import import_list

    import_list(prog_name="python -m services.verification.registry_import")
