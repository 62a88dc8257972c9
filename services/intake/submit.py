"""Accepting a submission: store it once per (source, reference), announce it, answer the source."""
from __future__ import annotations

from sqlalchemy import select

from services.intake.models import Submission
from shared.envelope import new_id, utcnow
from shared.pii import Sealer, mask_name

# Submissions posted over HTTP; every other source is a system on the intake queue.
WEB = "web"


def find(uow, source: str, source_ref: str) -> Submission | None:
    return uow.session.scalars(
        select(Submission).where(Submission.source == source, Submission.source_ref == source_ref)
    ).one_or_none()


def submit(uow, sealer: Sealer, source: str, source_ref: str, data: dict) -> tuple[Submission, bool]:
    """Store a submission and emit `wish.submitted`; a repeat returns the original, created=False."""
    existing = find(uow, source, source_ref)
    if existing is not None:
        return existing, False
    wisher = data["wisher"]
    sub = Submission(
        id=new_id(), source=source, source_ref=source_ref, status="received",
        community_code=data["community_code"], title=data["title"],
        description=data["description"], kind=data["kind"],
        wisher_display=mask_name(wisher["name"]), wisher_sealed=sealer.seal(wisher),
        created_at=utcnow(), history=[],
    )
    sub.advance("received", sub.created_at)
    uow.session.add(sub)
    uow.emit("wish.submitted", {
        "wish_id": sub.id, "source": source, "source_ref": source_ref,
        "community_code": sub.community_code, "title": sub.title,
        "description": sub.description, "kind": sub.kind,
        "wisher_display": sub.wisher_display, "wisher_sealed": sub.wisher_sealed,
    }, correlation_id=sub.id)
    if source != WEB:
        uow.emit("submission.accepted", {"source": source, "source_ref": source_ref,
                                         "wish_id": sub.id},
                 correlation_id=sub.id, routing_key=f"submission.accepted.{source}")
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
