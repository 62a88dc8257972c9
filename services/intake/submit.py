"""Accepting a submission: check consent, encrypt the wisher's data, store it once, announce it."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from services.intake import consent
from services.intake.accounts import WEB_SOURCE
from services.intake.models import Submission
from shared.clock import today_in_china
from shared.envelope import new_id, utcnow
from shared.errors import Poison
from shared.pii import Sealer, keyed_hash, mask_name

# Submissions posted over HTTP by people; a system's submissions carry its app_id as source.
WEB = WEB_SOURCE


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


def find(uow, source: str, source_ref: str) -> Submission | None:
    return uow.session.scalars(
        select(Submission).where(Submission.source == source, Submission.source_ref == source_ref)
    ).one_or_none()


def submit(uow, protection: Protection, by: Submitter, source_ref: str, data: dict,
           now: datetime | None = None) -> tuple[Submission, bool]:
    """Store a submission and emit `wish.submitted`; a repeat returns the original, created=False."""
    existing = find(uow, by.source, source_ref)
    if existing is not None:
        return existing, False
    now = now or utcnow()
    wisher = data["wisher"]
    minor = consent.is_minor(wisher["id_number"], today_in_china(now))
    given = data.get("consent") or (None if by.on_behalf or minor else consent.self_service(now))
    problems = consent.problems(given, minor, by.on_behalf, now)
    if problems:
        raise ConsentMissing(problems)
    seal = protection.sealer.seal_optional
    sub = Submission(
        id=new_id(), source=by.source, source_ref=source_ref, status="received",
        community_code=data["community_code"], title=data["title"],
        description=data["description"], kind=data["kind"],
        wisher_display=mask_name(wisher["name"]), name_enc=seal(wisher["name"]),
        id_number_enc=seal(wisher["id_number"].upper()),
        id_number_hash=keyed_hash(protection.hash_key, wisher["id_number"]),
        phone_enc=seal(wisher.get("phone")), address_enc=seal(wisher.get("address")),
        minor=minor, consent_relation=given["relation"], consent_method=given["method"],
        consent_at=given["at"], consent_name_enc=seal(given.get("name")),
        consent_photo_ref=given.get("photo_ref"), submitted_by=by.account_id,
        created_at=now, history=[],
    )
    sub.advance("received", now)
    uow.session.add(sub)
    uow.emit("wish.submitted", {
        "wish_id": sub.id, "source": by.source, "source_ref": source_ref,
        "community_code": sub.community_code, "title": sub.title,
        "description": sub.description, "kind": sub.kind, "wisher_display": sub.wisher_display,
        "submitted_by": by.account_id if by.role == "resident" else None,
        "wisher_sealed": protection.sealer.seal(wisher), "id_number_hash": sub.id_number_hash,
        "minor": minor,
    }, correlation_id=sub.id)
    if by.source != WEB:
        uow.emit("submission.accepted", {"source": by.source, "source_ref": source_ref,
                                         "wish_id": sub.id},
                 correlation_id=sub.id, routing_key=f"submission.accepted.{by.source}")
    return sub, True


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
    sub.advance(status, envelope.occurred_at, envelope.payload.get("reasons"))
