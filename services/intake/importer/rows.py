"""Reading an import file (CSV or .xlsx): a row per wish, flat columns onto SubmissionSchema."""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

from services.intake.importer.columns import BY_HEADER, LIST_FIELDS, header_key
from shared.clock import CHINA
from shared.errors import MESSAGES_ZH

_YES, _NO = {"是", "y", "yes", "true", "1", "紧急"}, {"否", "n", "no", "false", "0", "不紧急"}
# Excel turns a long digit string into a float, shown as 4.10102E+17: the digits are gone.
_SCIENTIFIC = re.compile(r"\A\d(\.\d+)?[eE]\+?\d+\Z")
_SEPARATORS = re.compile(r"[,，、;；/\s]+")
_LOOSE_TIME = re.compile(
    r"\A(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{1,2})(?::(\d{1,2}))?)?\Z")


class FileProblem(Exception):
    """The file cannot be read as an import at all (wrong type, empty, no data)."""


@dataclass
class Row:
    number: int  # the row's number in the file, the header being row 1
    ref: str | None
    raw: dict  # the submission as SubmissionSchema loads it
    errors: list[dict] = field(default_factory=list)  # found in the cells themselves


@dataclass
class Sheet:
    columns: dict[str, str]  # field path → the header it had in the file
    rows: list[Row]
    errors: list[dict]  # about the file's columns, each with its row number


def err(field_: str, code: str, note: str = "") -> dict:
    return {"field": field_, "code": code, "message": MESSAGES_ZH.get(code, "缺少必填项") + note}


def read_table(path: str | Path) -> list[tuple[int, list]]:
    """A CSV or .xlsx file's non-blank rows, each with its number in the file (the header's 1)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        table = _csv_table(path)
    elif suffix in (".xlsx", ".xlsm"):
        table = _xlsx_table(path)
    else:
        raise FileProblem("只支持 .csv 或 .xlsx 文件（旧版 .xls 请先另存为 .xlsx）")
    table = [(n, cells) for n, cells in table if not all(blank(c) for c in cells)]
    if not table:
        raise FileProblem(MESSAGES_ZH["empty_file"])
    return table


def read(path: str | Path) -> Sheet:
    """The file's rows as submissions to load, with whatever the cells themselves got wrong."""
    table = read_table(path)
    (head_number, head), body = table[0], table[1:]
    if not body:
        raise FileProblem("文件中只有表头，没有心愿")
    columns, mapping, problems = _columns(head, body)
    errors = [{"row": head_number, **problem} for problem in problems]
    return Sheet(columns, [_row(n, cells, mapping) for n, cells in body], errors)


def _columns(head, body) -> tuple[dict, dict, list[dict]]:
    """Which field each column holds, and what is wrong with the header row."""
    columns, mapping, errors = {}, {}, []
    for index, header in enumerate(head):
        if blank(header):
            if any(index < len(cells) and not blank(cells[index]) for _, cells in body):
                errors.append(err("", "unnamed_column", f"（第 {index + 1} 列）"))
            continue
        path_how = BY_HEADER.get(header_key(header))
        if path_how is None:
            errors.append({"column": str(header), **err("", "unknown_column")})
        elif path_how[0] in columns:
            errors.append({"column": str(header), **err(path_how[0], "duplicate_column")})
        else:
            columns[path_how[0]], mapping[index] = str(header).strip(), path_how
    if "ref" not in columns:
        errors.append({"column": "编号", **err("ref", "missing_column")})
    return columns, mapping, errors


def _row(number: int, cells, mapping: dict) -> Row:
    raw, errors = {}, []
    for index, (path, how) in mapping.items():
        cell = cells[index] if index < len(cells) else None
        if blank(cell):
            continue
        value, code = _convert(cell, how, path in LIST_FIELDS)
        if code:
            errors.append(err(path, code))
            continue
        *parents, leaf = path.split(".")
        target = raw
        for parent in parents:
            target = target.setdefault(parent, {})
        target[leaf] = value
    return Row(number, raw.pop("ref", None), raw, errors)


def _convert(cell, how, is_list: bool):
    """A cell as the schema expects it, or an error code; what cannot be read goes on unchanged
    so the schema names the problem the same way it would over HTTP."""
    if how == "id":
        if isinstance(cell, (int, float)) or _SCIENTIFIC.match(str(cell).strip()):
            return None, "id_number_as_number"
        return text_of(cell), None
    if how == "phone":
        return re.sub(r"[\s-]", "", text_of(cell)), None
    if how == "int":
        return _integer(cell), None
    if how == "bool":
        return _boolean(cell), None
    if how == "datetime":
        return _moment(cell), None
    if isinstance(how, dict):
        if is_list:
            return [how.get(item, item) for item in _SEPARATORS.split(text_of(cell)) if item], None
        return how.get(text_of(cell), how.get(text_of(cell).lower(), text_of(cell))), None
    return text_of(cell), None


def blank(cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def text_of(cell) -> str:
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)  # a phone or a code typed into a number cell
    return str(cell).strip()


def _integer(cell):
    if isinstance(cell, bool):
        return cell
    if isinstance(cell, float) and cell.is_integer():
        return int(cell)
    if isinstance(cell, str):
        digits = re.sub(r"[,，\s]|元\Z|人\Z", "", cell.strip())
        return int(digits) if re.fullmatch(r"-?[0-9]+", digits) else cell
    return cell


def _boolean(cell):
    if isinstance(cell, bool):
        return cell
    text = text_of(cell).lower()
    return True if text in _YES else False if text in _NO else text


def _moment(cell):
    """An ISO date-time string; a time written without a zone is China time."""
    if isinstance(cell, date) and not isinstance(cell, datetime):
        cell = datetime.combine(cell, time())
    if not isinstance(cell, datetime):
        text = re.sub(r"[/年月]", "-", text_of(cell)).replace("日", "")
        try:
            cell = datetime.fromisoformat(text)
        except ValueError:
            loose = _LOOSE_TIME.match(text)
            if loose is None:
                return text_of(cell)  # the schema answers invalid_datetime
            cell = datetime(*(int(part or 0) for part in loose.groups()))
    return (cell if cell.tzinfo else cell.replace(tzinfo=CHINA)).isoformat()


def _csv_table(path: Path) -> list[tuple[int, list]]:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("gb18030")  # what Excel in Chinese saves "CSV" as
    return list(enumerate(csv.reader(io.StringIO(text, newline="")), start=1))


def _xlsx_table(path: Path) -> list[tuple[int, list]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several kinds for a file that is not a workbook
        raise FileProblem("无法读取该 Excel 文件（.xlsx）") from exc
    try:
        return [(n, list(cells)) for n, cells in
                enumerate(book.worksheets[0].iter_rows(values_only=True), start=1)]
    finally:
        book.close()
