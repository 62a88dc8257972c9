"""Accepting a submission: check consent, seal the wisher's data, store it once, announce it."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, tuple_

from services.intake.errors import ConsentMissing, Inconsistent, KeyReused
from services.intake.submissions import attachments, rules
from services.intake.submissions.models import Submission
from services.intake.submissions.personal import Protection, fill, wish_of, wisher_of
from services.intake.submissions.rules import PEOPLE_SOURCES
from shared.clock import today_in_china
from shared.envelope import new_id, utcnow
from shared.errors import field_errors


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


def find(uow, source: str, source_ref: str) -> Submission | None:
    return uow.lookup("submission", (source, source_ref), lambda: uow.session.scalars(
        select(Submission).where(Submission.source == source, Submission.source_ref == source_ref)
    ).one_or_none())


def prefetch(uow, refs: set[tuple[str, str]]) -> None:
    """The submissions already stored under a batch's (source, source_ref) pairs, in one query."""
    found = {(s.source, s.source_ref): s for s in uow.session.scalars(
        select(Submission).where(tuple_(Submission.source, Submission.source_ref).in_(refs)))}
    uow.preload("submission", refs, found)


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
    minor = rules.is_minor(wisher["id_number"], today_in_china(now))
    given = data.get("consent") or (None if by.on_behalf or minor else rules.self_service(now))
    problems = rules.consent_problems(given, minor, by.on_behalf, now)
    if problems:
        raise ConsentMissing(problems)
    sub = Submission(id=new_id(), source=by.source, source_ref=source_ref, status="received",
                     submitted_by=by.account_id, created_at=now, history=[], minor=minor, revision=1,
                     request_digest=sent_digest,
                     consent_relation=given["relation"], consent_method=given["method"],
                     consent_at=given["at"], consent_photo_ref=given.get("photo_ref"),
                     consent_name_enc=protection.sealer.seal_optional(given.get("name")),
                     consent_share_phone=bool(given.get("share_phone")),
                     consent_publicity=bool(given.get("publicity")))
    wisher = fill(sub, protection, data)
    sub.advance("received", now)
    uow.session.add(sub)
    uow.remember("submission", (by.source, source_ref), sub)
    announce(uow, protection, sub, by.role, wisher)
    if by.source not in PEOPLE_SOURCES:
        uow.emit("submission.accepted", {"source": by.source, "source_ref": source_ref,
                                         "wish_id": sub.id, "duplicate": False},
                 correlation_id=sub.id, routing_key=f"submission.accepted.{by.source}")
    return sub, True


def check_same(existing: Submission, sent_digest: str | None) -> None:
    """A repeat must be the same request; a reused key with another body is an error."""
    if not rules.same_request(existing.request_digest, sent_digest):
        raise KeyReused(existing)


def announce(uow, protection: Protection, sub: Submission, role: str | None,
             wisher: dict) -> None:
    """Emit `wish.submitted` for verification: the wish in clear, the `wisher` (as `fill` stored
    it) sealed."""
    uow.emit("wish.submitted", {
        "wish_id": sub.id, "source": sub.source, "source_ref": sub.source_ref,
        **wish_of(sub), "revision": sub.revision, "wisher_display": sub.wisher_display,
        "submitted_by": sub.submitted_by if role == "resident" else None,
        "wisher_sealed": protection.sealer.seal(wisher),
        "id_number_hash": sub.id_number_hash, "minor": sub.minor,
        "attachments": attachments.summary(sub.attachments),
        "consents": rules.consents(sub.consent_share_phone, sub.consent_publicity,
                                   sub.consent_relation, sub.minor),
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
    problems = rules.inconsistencies(merged)
    if problems:
        raise Inconsistent(field_errors({"changes": problems}))
    wisher = fill(sub, protection, merged)
    sub.revision += 1
    sub.advance("resubmitted", now, [{"code": "answered", "message": note or "已补充信息"}])
    announce(uow, protection, sub, role, wisher)


def reject(uow, source: str, source_ref: str, errors: list[dict]) -> None:
    """Tell a queue source its message was refused, and why."""
    uow.emit("submission.rejected", {"source": source, "source_ref": source_ref,
                                     "errors": errors},
             routing_key=f"submission.rejected.{source}")
