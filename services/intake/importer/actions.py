"""Bulk import of wishes from a CSV or .xlsx file, by a community liaison on residents' behalf.

    microwish import FILE --as USERNAME [--report REPORT.csv] [--dry-run]

All or nothing: every row goes through the same SubmissionSchema and consent rules as the HTTP API
first; if any row is wrong nothing is stored and a per-row error report (row, ref, field, code,
message; never the cells' values) is written. Exit codes: 0 stored, 1 rows refused, 2 unusable file
or account. What it says and writes on the terminal is in cli.py.

Exactly once per row: each row is stored under source "import" with source_ref
"<account id>:<编号>", so importing the same file again creates nothing and reports the wishes
already made; a key already imported with different content is a row error (idempotency_key_reused),
never an update. Rows are committed in batches of BATCH; a crash half-way leaves whole batches
stored and is recovered by simply running the same import again.
"""
from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from pathlib import Path

from marshmallow import ValidationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from services.intake.accounts.models import Account
from services.intake.app import METADATA
from services.intake.importer import cli as terminal, rows as import_rows
from services.intake.submissions import actions as submit, personal, rules
from services.intake.submissions.models import Submission
from services.intake.submissions.schemas import SubmissionSchema
from shared.access import LIAISON
from shared.clock import today_in_china
from shared.db import Database
from shared.envelope import utcnow
from shared.errors import field_errors
from shared.migrate import prepared
from shared.pii import Sealer
from shared.settings import Settings

BATCH = 250
MAX_REF = 100  # source_ref is "<36-char account id>:<ref>", at most 200 characters


@dataclass(frozen=True)
class Outcome:
    row: int
    ref: str
    wish_id: str | None  # None in a dry run for a row not yet stored
    created: bool


def check(schema, row: import_rows.Row, communities: set, now) -> tuple[dict | None, list[dict]]:
    """The row loaded as a submission, or everything wrong with it."""
    errors = list(row.errors)
    if not row.ref:
        errors.append(import_rows.err("ref", "required"))
    elif len(row.ref) > MAX_REF:
        errors.append(import_rows.err("ref", "invalid_length"))
    try:
        data = schema.load(row.raw)
    except ValidationError as exc:  # a cell already reported is not reported again as missing
        data, seen = None, {e["field"] for e in row.errors}
        errors += [e for e in field_errors(exc.messages) if e["field"] not in seen]
        if "consent" not in row.raw:  # said now, not only once the rest is right
            errors.append(import_rows.err("consent", "consent_required"))
    community = row.raw.get("community_code")
    if community and community not in communities:
        errors.append(import_rows.err("community_code", "community_forbidden"))
    if data is not None and not errors:  # the rules submit() applies to anyone posting on behalf
        minor = rules.is_minor(data["wisher"]["id_number"], today_in_china(now))
        errors += rules.consent_problems(data.get("consent"), minor, True, now)
    return (None if errors else data), errors


def validate(sheet: import_rows.Sheet, communities: set, now, stream,
             stored: dict | None = None) -> tuple[list, list[dict]]:
    """[(row, data)] when every row is right; otherwise the errors, each naming its row.

    `stored` maps the refs this account already imported to (wish id, digest of the row)."""
    if sheet.errors:  # rows read under the wrong columns would only add misleading errors
        return [], sheet.errors
    schema, first_row, checked, errors = SubmissionSchema(), {}, [], []
    with terminal.progress("校验", len(sheet.rows), stream) as progress:
        for row in sheet.rows:
            data, problems = check(schema, row, communities, now)
            if row.ref and row.ref in first_row:
                same = f"（与第 {first_row[row.ref]} 行相同）"
                problems.append(import_rows.err("ref", "duplicate_ref", same))
            first_row.setdefault(row.ref, row.number)
            before = (stored or {}).get(row.ref)
            if before and before[1] and before[1] != rules.digest(row.raw):
                problems.append({"field": "ref", "code": "idempotency_key_reused",
                                 "message": "该编号已导入过不同的内容：已导入的心愿不会被改动，"
                                            "请恢复原内容或改用新编号"})
            errors += [{"row": row.number, "ref": row.ref, **e} for e in problems]
            checked.append((row, data))
            progress.update(1)
    return ([] if errors else checked), errors


def store(db: Database, protection, by: submit.Submitter, checked: list, stream) -> list[Outcome]:
    outcomes = []
    with terminal.progress("导入", len(checked), stream) as progress:
        for start in range(0, len(checked), BATCH):
            batch = checked[start:start + BATCH]
            outcomes += _store_batch(db, protection, by, batch)
            progress.update(len(batch))
    return outcomes


def _store_batch(db, protection, by, batch: list) -> list[Outcome]:
    for attempt in range(2):
        try:
            with db.uow() as uow:
                # Refs are unique in the file, so no look-up needs this batch's rows flushed first:
                # they go in one flush at commit, far faster than a flush per row.
                with uow.session.no_autoflush:
                    done = [_submit(uow, protection, by, row, data) for row, data in batch]
                uow.commit()
                return done
        except IntegrityError:  # the same file imported at the same time: the retry finds its rows
            if attempt:
                raise


def _submit(uow, protection, by, row, data) -> Outcome:
    sub, created = submit.submit(uow, protection, by, f"{by.account_id}:{row.ref}", data,
                                 sent_digest=rules.digest(row.raw))
    return Outcome(row.number, row.ref, sub.id, created)


def existing(db: Database, account_id: str, refs: list) -> dict[str, tuple[str, str | None]]:
    """ref → (wish id, digest of the row as imported) for the refs this account imported before."""
    found, keys = {}, [f"{account_id}:{ref}" for ref in refs if ref]
    with db.session() as session:
        for start in range(0, len(keys), 1000):
            for key, wish_id, sent in session.execute(
                    select(Submission.source_ref, Submission.id, Submission.request_digest).where(
                        Submission.source == rules.IMPORT,
                        Submission.source_ref.in_(keys[start:start + 1000]))):
                found[key.split(":", 1)[1]] = (wish_id, sent)
    return found


def run(settings: Settings, path: str, username: str, report: str | None = None,
        dry_run: bool = False, out=sys.stdout, err=sys.stderr) -> int:
    """Import the file as `username`: 0 stored, 1 rows refused, 2 unusable file or account."""
    started = time.monotonic()
    try:
        sheet = import_rows.read(path)
    except (OSError, import_rows.FileProblem) as exc:
        terminal.unusable(exc, err)
        return 2
    prepared(settings, "intake")
    db = Database(settings, "intake", METADATA)
    try:
        with db.session() as session:
            account = session.scalars(select(Account).where(Account.username == username)).first()
        if account is None or account.disabled or account.role != LIAISON:
            terminal.unusable(f"{username} 不是可用的社区联络员账号（只有联络员可以代居民导入心愿）",
                              err)
            return 2
        stored = existing(db, account.id, [row.ref for row in sheet.rows])
        checked, errors = validate(sheet, set(account.communities or ()), utcnow(), err, stored)
        if errors:
            terminal.refused(sheet, errors, report or str(Path(path).with_suffix(".errors.csv")),
                             err)
            return 1
        if dry_run:
            outcomes = [Outcome(r.number, r.ref, stored.get(r.ref, (None,))[0], False)
                        for r, _ in checked]
        else:
            protection = personal.Protection(Sealer(settings.pii_keys), settings.pii_hash_key)
            by = submit.Submitter(rules.IMPORT, account.id, LIAISON)
            outcomes = store(db, protection, by, checked, err)
    finally:
        db.dispose()
    terminal.stored(outcomes, dry_run, report, out, err, started)
    return 0
