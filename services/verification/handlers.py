"""Verify a submitted wish: open the sealed wisher data, run the rules, record and announce the decision."""
from __future__ import annotations

from services.verification import rules
from services.verification.models import Review
from shared import audit
from shared.clock import today_in_china
from shared.envelope import utcnow
from shared.pii import Sealer, mask_address, mask_phone

SERVICE_ACTOR = "service:verification"


def masked_contact(wisher: dict) -> dict:
    """What a claimer of the wish may see of how to reach the wisher."""
    return {"phone": mask_phone(wisher["phone"]) if wisher.get("phone") else None,
            "address": mask_address(wisher["address"]) if wisher.get("address") else None}


def make_verify(sealer: Sealer):
    def verify(uow, event) -> None:
        wish = event.payload
        now = utcnow()
        wisher = sealer.open(wish["wisher_sealed"])
        decision = rules.decide(wisher, today_in_china(now))
        review = Review(
            wish_id=wish["wish_id"], community_code=wish["community_code"],
            decision="verified" if decision.verified else "rejected",
            rules=decision.explain(), decided_at=now, decided_by="service",
            source=wish["source"], source_ref=wish["source_ref"], title=wish["title"],
            description=wish["description"], kind=wish["kind"],
            wisher_display=wish["wisher_display"], contact_masked=masked_contact(wisher),
            submitted_by=wish.get("submitted_by"), id_number_hash=wish["id_number_hash"],
            minor=wish["minor"])
        # A wish answered after a request for more information comes again: decide afresh.
        review = uow.session.merge(review)
        announce(uow, review, decision.reasons)
        audit.record(uow, SERVICE_ACTOR, f"verification.{review.decision}", "wish",
                     review.wish_id, review.community_code,
                     {"rules": [r["rule"] for r in review.rules]})
    return verify


def announce(uow, review: Review, reasons: list[dict]) -> None:
    """Tell the other services what was decided."""
    source = {"source": review.source, "source_ref": review.source_ref}
    if review.decision == "verified":
        uow.emit("wish.verified", {
            "wish_id": review.wish_id, **source, "community_code": review.community_code,
            "title": review.title, "description": review.description, "kind": review.kind,
            "wisher_display": review.wisher_display, "submitted_by": review.submitted_by,
            "contact_masked": review.contact_masked or {},
        }, correlation_id=review.wish_id)
    else:
        uow.emit("wish.rejected", {"wish_id": review.wish_id, **source, "reasons": reasons},
                 correlation_id=review.wish_id)


def erase(uow, event) -> None:
    """Intake erased the wisher's data after retention: drop our copies too."""
    review = uow.session.get(Review, event.payload["wish_id"])
    if review is not None:
        review.id_number_hash = None
        review.contact_masked = None
        review.wisher_display = "*"
        review.description = ""
    uow.forget_sent(event.payload["wish_id"])
