"""What goes out: a verdict written onto the review, and the event that tells the other services."""
from __future__ import annotations

from datetime import datetime

from services.verification import decision as d
from services.verification.models import Review
from shared.pii import mask_address, mask_phone
from shared.vocab import REVIEW_REASON_DEFAULT, REVIEW_REASONS

# Passed on as sent: shown at the desk, carried to matching with the wish.
_DETAILS = ("skills_other", "preferred_times", "preferred_times_note", "attachments")


def masked_contact(wisher: dict) -> dict:
    """What a claimer of the wish may see of how to reach the wisher."""
    return {"phone": mask_phone(wisher["phone"]) if wisher.get("phone") else None,
            "address": mask_address(wisher["address"]) if wisher.get("address") else None}


def record_consents(review: Review, consents: dict | None, wisher: dict, sealer) -> None:
    """Keep what the wisher agreed to; seal their phone alone for matching only if they agreed
    that the liaison may tell it to the claimer (never in clear on the bus)."""
    review.consents = dict(consents or {})
    phone = wisher.get("phone") if review.consents.get("share_phone") else None
    review.phone_sealed = sealer.seal(phone) if phone else None


def record_verdict(review: Review, wish: dict, wisher: dict, verdict: d.Verdict,
                   now: datetime) -> None:
    """Copy the wish and the rules' verdict onto its review (decided by the service)."""
    for name in ("community_code", "source", "source_ref", "title", "description", "kind",
                 "wisher_display", "submitted_by", "minor", "wish_type", "team", "urgent",
                 "estimated_value", "wisher_sealed"):
        setattr(review, name, wish.get(name))
    review.revision = wish.get("revision", 1)
    review.urgent = bool(wish.get("urgent"))
    review.wish_type = wish.get("wish_type") or "individual"
    review.details = {name: wish.get(name) for name in _DETAILS}
    review.contact_masked = masked_contact(wisher)
    review.decision, review.decided_by, review.decided_at = verdict.status, "service", now
    review.rules = verdict.explain()
    review.reasons = verdict.reasons
    if (review.categorisation or {}).get("overridden_by"):
        return  # a liaison chose the category, skills and deadline: an answer does not undo that
    review.categorisation = verdict.categorised.explain()
    review.category = verdict.categorised.category
    review.skills = list(verdict.categorised.skills)
    review.deadline, review.service_standard = verdict.deadline, verdict.service_standard


def reopened(uow, review: Review, note: str) -> None:
    """Tell intake an automated rejection is undecided again (so it is not closed and erased)."""
    uow.emit("wish.reopened", {"wish_id": review.wish_id, "source": review.source,
                               "source_ref": review.source_ref,
                               "reasons": [{"code": "reopened", "message": note}]},
             correlation_id=review.wish_id)


def announce(uow, review: Review, fields_needed: list[str] | None = None) -> None:
    """Tell the other services what was decided, or that the wish waits for a person (the rules'
    codes only: their own words may quote the wisher's figures)."""
    source = {"wish_id": review.wish_id, "source": review.source, "source_ref": review.source_ref}
    if review.decision == d.VERIFIED:
        details = review.details or {}
        uow.emit("wish.verified", {
            **source, "community_code": review.community_code, "title": review.title,
            "description": review.description, "kind": review.kind,
            "wisher_display": review.wisher_display, "submitted_by": review.submitted_by,
            "contact_masked": review.contact_masked or {}, "wish_type": review.wish_type,
            "team": review.team, "estimated_value": review.estimated_value,
            "urgent": review.urgent, "skills": review.skills or [],
            "skills_other": details.get("skills_other"),
            "preferred_times": details.get("preferred_times") or [],
            "preferred_times_note": details.get("preferred_times_note"),
            "category": review.category, "service_standard": review.service_standard,
            "deadline": review.deadline.isoformat() if review.deadline else None,
            "consents": review.consents or {}, "phone_sealed": review.phone_sealed,
        }, correlation_id=review.wish_id)
    elif review.decision == d.REJECTED:
        uow.emit("wish.rejected", {**source, "reasons": review.reasons or []},
                 correlation_id=review.wish_id)
    elif review.decision == d.PENDING:
        codes = dict.fromkeys(r["code"] for r in review.reasons or []) or {"review": None}
        uow.emit("wish.pending_review", {
            **source, "community_code": review.community_code,
            "reasons": [{"code": c, "message": REVIEW_REASONS.get(c, REVIEW_REASON_DEFAULT)}
                        for c in codes]}, correlation_id=review.wish_id)
    elif review.decision == d.NEEDS_INFO:
        uow.emit("wish.needs_info", {**source, "reasons": review.reasons or [],
                                     "fields_needed": fields_needed or []},
                 correlation_id=review.wish_id)
