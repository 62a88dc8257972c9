"""Accepting a submission: check consent, encrypt the wisher's data, store it once, announce it."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from services.intake import attachments, consent
from services.intake.accounts import IMPORT_SOURCE, PEOPLE_SOURCES, WEB_SOURCE
from services.intake.models import Submission
from services.intake.schemas import inconsistencies
from shared.clock import today_in_china
from shared.envelope import new_id, utcnow
from shared.errors import Poison, field_errors
from shared.pii import Sealer, keyed_hash, mask_name

# Submissions posted over HTTP by people, and imported from files; a system's carry its app_id.
WEB = WEB_SOURCE
IMPORT = IMPORT_SOURCE
_HOUSEHOLD = ("target_groups", "household_size", "household_monthly_income")
# The wish's own fields, stored in clear and sent on the bus as they are.
WISH_FIELDS = ("community_code", "title", "description", "kind", "wish_type", "estimated_value",
               "urgent", "skills", "skills_other", "preferred_times", "preferred_times_note")
_DEFAULTS = {"wish_type": "individual", "urgent": False, "skills": [], "preferred_times": []}


@dataclass(frozen=True)
class Submitter:
    """Where a submission comes from and who posted it."""

    source: str
    account_id: str | None = None
    role: str | None = None

    @property
    def on_behalf(self) -> bool:
        """Anyone but a resident posting their own wish needs recorded consent."""
        return self.role != "resident"


@dataclass(frozen=True)
class Protection:
    """How personal data is kept: sealed per field, ID numbers also as a keyed hash."""

    sealer: Sealer
    hash_key: str


class ConsentMissing(Poison):
    """Refused for want of consent; on the queue it is answered and dead-lettered like poison."""

    def __init__(self, fields: list[dict]):
        super().__init__("consent missing or inadequate", fields)


class Inconsistent(Exception):
    """An answer that would leave the wish contradicting itself (a team wish with no team)."""

    def __init__(self, fields: list[dict]):
        super().__init__("inconsistent submission")
        self.fields = fields


class KeyReused(Exception):
    """The same idempotency key came with a different body: refused, never merged."""

    def __init__(self, original: Submission):
        super().__init__("idempotency key reused with a different body")
        self.original = original


def digest(raw) -> str:
    """A fingerprint of a submission as sent, independent of key order and spacing."""
    canonical = json.dumps(raw, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def find(uow, source: str, source_ref: str) -> Submission | None:
    return uow.session.scalars(
        select(Submission).where(Submission.source == source, Submission.source_ref == source_ref)
    ).one_or_none()


def submit(uow, protection: Protection, by: Submitter, source_ref: str, data: dict,
           now: datetime | None = None, sent_digest: str | None = None
           ) -> tuple[Submission, bool]:
    """Store a submission and emit `wish.submitted`; a repeat returns the original, created=False."""
    existing = find(uow, by.source, source_ref)
    if existing is not None:
        check_same(existing, sent_digest)
        return existing, False
    now = now or utcnow()
    wisher = data["wisher"]
    minor = consent.is_minor(wisher["id_number"], today_in_china(now))
    given = data.get("consent") or (None if by.on_behalf or minor else consent.self_service(now))
    problems = consent.problems(given, minor, by.on_behalf, now)
    if problems:
        raise ConsentMissing(problems)
    sub = Submission(id=new_id(), source=by.source, source_ref=source_ref, status="received",
                     submitted_by=by.account_id, created_at=now, history=[], minor=minor, revision=1,
                     request_digest=sent_digest,
                     consent_relation=given["relation"], consent_method=given["method"],
                     consent_at=given["at"], consent_photo_ref=given.get("photo_ref"),
                     consent_name_enc=protection.sealer.seal_optional(given.get("name")))
    _fill(sub, protection, data)
    sub.advance("received", now)
    uow.session.add(sub)
    announce(uow, protection, sub, by.role)
    if by.source not in PEOPLE_SOURCES:
        uow.emit("submission.accepted", {"source": by.source, "source_ref": source_ref,
                                         "wish_id": sub.id, "duplicate": False},
                 correlation_id=sub.id, routing_key=f"submission.accepted.{by.source}")
    return sub, True


def check_same(existing: Submission, sent_digest: str | None) -> None:
    """A repeat must be the same request; a reused key with another body is an error."""
    if sent_digest and existing.request_digest and sent_digest != existing.request_digest:
        raise KeyReused(existing)


def _fill(sub: Submission, protection: Protection, data: dict) -> None:
    """Copy a loaded submission onto the row: the wish in clear, the wisher's data sealed."""
    for name in WISH_FIELDS:
        setattr(sub, name, data.get(name, _DEFAULTS.get(name)))
    team = data.get("team") or {}
    sub.team_name, sub.team_size = team.get("name"), team.get("size")
    seal = protection.sealer.seal_optional
    wisher = data["wisher"]
    sub.wisher_display = mask_name(wisher["name"])
    sub.name_enc, sub.phone_enc = seal(wisher["name"]), seal(wisher.get("phone"))
    sub.id_number_enc = seal(wisher["id_number"].upper())
    sub.id_number_hash = keyed_hash(protection.hash_key, wisher["id_number"])
    sub.address_enc = seal(wisher.get("address"))
    sub.household_enc = seal({k: wisher.get(k) for k in _HOUSEHOLD})
    sub.attachments.extend(attachments.store(sub.id, data.get("attachments") or [],
                                             protection.sealer))


def wisher_of(sub: Submission, sealer: Sealer) -> dict:
    """The wisher's data in clear, as it was submitted (empty fields once erased)."""
    opened = sealer.open_optional
    return {"name": opened(sub.name_enc), "id_number": opened(sub.id_number_enc),
            "phone": opened(sub.phone_enc), "address": opened(sub.address_enc),
            **(opened(sub.household_enc) or {k: None for k in _HOUSEHOLD})}


def wish_of(sub: Submission) -> dict:
    """The wish's own fields as the API and the bus carry them."""
    team = {"name": sub.team_name, "size": sub.team_size} if sub.team_name else None
    return {**{name: getattr(sub, name) for name in WISH_FIELDS}, "team": team}


def announce(uow, protection: Protection, sub: Submission, role: str | None) -> None:
    """Emit `wish.submitted` for verification: the wish in clear, the wisher sealed."""
    uow.emit("wish.submitted", {
        "wish_id": sub.id, "source": sub.source, "source_ref": sub.source_ref,
        **wish_of(sub), "revision": sub.revision, "wisher_display": sub.wisher_display,
        "submitted_by": sub.submitted_by if role == "resident" else None,
        "wisher_sealed": protection.sealer.seal(wisher_of(sub, protection.sealer)),
        "id_number_hash": sub.id_number_hash, "minor": sub.minor,
        "attachments": attachments.summary(sub.attachments),
    }, correlation_id=sub.id)


def answer(uow, protection: Protection, sub: Submission, changes: dict, note: str | None,
           role: str | None, now: datetime | None = None) -> None:
    """The submitter answered a request for more information: same wish, next revision."""
    now = now or utcnow()
    merged = {**wish_of(sub), **{k: v for k, v in changes.items() if k != "wisher"}}
    merged["wisher"] = {**wisher_of(sub, protection.sealer), **changes.get("wisher", {})}
    merged["attachments"] = changes.get("attachments") or []
    if merged.get("wish_type") != "team":
        merged["team"] = None
    if merged.get("kind") == "spiritual" and "estimated_value" not in changes:
        merged["estimated_value"] = None
    problems = inconsistencies(merged)
    if problems:
        raise Inconsistent(field_errors({"changes": problems}))
    _fill(sub, protection, merged)
    sub.revision += 1
    sub.advance("resubmitted", now, [{"code": "answered", "message": note or "已补充信息"}])
    announce(uow, protection, sub, role)


def reject(uow, source: str, source_ref: str, errors: list[dict]) -> None:
    """Tell a queue source its message was refused, and why."""
    uow.emit("submission.rejected", {"source": source, "source_ref": source_ref,
                                     "errors": errors},
             routing_key=f"submission.rejected.{source}")


def record_outcome(uow, envelope) -> None:
    """Follow a wish's life from the events other services emit about it."""
    sub = uow.session.get(Submission, envelope.payload["wish_id"])
    if sub is None:  # not ours (e.g. a wish created before this intake's data was reset)
        return
    status = envelope.type.split(".", 1)[1]
    reasons = envelope.payload.get("reasons") or []
    fields = envelope.payload.get("fields_needed") or []
    sub.advance(status, envelope.occurred_at, reasons, fields or None)
    if sub.source not in PEOPLE_SOURCES:  # the system that sent it follows it on its receipt key
        uow.emit("submission.status", {
            "source": sub.source, "source_ref": sub.source_ref, "wish_id": sub.id,
            "status": status, "reasons": reasons, "fields_needed": fields,
            "at": envelope.occurred_at.isoformat()},
            correlation_id=sub.id, routing_key=f"submission.status.{sub.source}")
