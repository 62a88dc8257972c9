"""The review desk's actions: a liaison approves, rejects, asks for more, edits or reopens a wish.

Each is one change to one review, its event and its audit entry, in the caller's unit of work.
"""
from __future__ import annotations

from datetime import timedelta

from services.verification import decision as d, policy
from services.verification.errors import InvalidState, NotOverridable
from services.verification.facts import hold_place
from services.verification.models import Review
from services.verification.outcomes import announce, reopened
from shared import audit
from shared.clock import today_in_china
from shared.envelope import utcnow
from shared.tokens import Principal
from shared.vocab import INFO_FIELDS

# Where the desk may act: a wish waiting for a person, or for the submitter's answer (the
# liaison may have heard it on the phone), can be decided or edited.
_EDITABLE = (d.PENDING, d.NEEDS_INFO)


def _require(review: Review, *states: str) -> None:
    if review.decision not in states:
        raise InvalidState(review.decision, [{"field": "decision", "code": review.decision,
                                              "message": "当前审核状态不允许此操作"}])


def _note(review: Review, who: Principal, code: str, outcome: str, reason: str) -> None:
    """Add the person's step to the review's record of what ran and why (PIPL art. 24)."""
    review.rules = [*review.rules, {"rule": "liaison_review", "outcome": outcome,
                                    "passed": outcome == "pass", "code": code,
                                    "reason": reason, "by": who.id}]
    review.decided_by, review.decided_at = who.id, utcnow()


def edit(unit, who: Principal, review: Review, changes: dict) -> None:
    """Override what the rules chose or the submitter said: kind, type, category, skills, deadline."""
    _require(review, *_EDITABLE)
    for name in ("kind", "wish_type"):
        if name in changes:
            setattr(review, name, changes[name])
    if "category" in changes:
        # Another category has its own service standard and, unless one is given, its own deadline.
        review.category = changes["category"]
        days, review.service_standard = policy.current().for_community(
            review.community_code).deadline_for(review.category, review.urgent)
        review.deadline = today_in_china() + timedelta(days=days)
    if "skills" in changes:
        review.skills = list(dict.fromkeys(changes["skills"]))
    if "deadline" in changes:
        review.deadline = changes["deadline"]
    review.categorisation = {**(review.categorisation or {}), "overridden_by": who.id}
    audit.record(unit, who, "verification.edited", "wish", review.wish_id, review.community_code,
                 {"fields": sorted(changes)})


def approve(unit, who: Principal, review: Review, note: str | None = None) -> None:
    _require(review, *_EDITABLE)
    review.decision, review.reasons = d.VERIFIED, []
    _note(review, who, "approved", "pass", note or "社区联络员审核通过")
    hold_place(unit, review)
    announce(unit, review)
    audit.record(unit, who, "verification.approved", "wish", review.wish_id, review.community_code)


def reject(unit, who: Principal, review: Review, reason: str) -> None:
    _require(review, *_EDITABLE)
    review.decision = d.REJECTED
    review.reasons = [{"code": "liaison_rejected", "message": reason}]
    _note(review, who, "rejected", "fail", reason)
    hold_place(unit, review)  # gives the person's place in the round back
    announce(unit, review)
    audit.record(unit, who, "verification.rejected", "wish", review.wish_id, review.community_code)


def ask(unit, who: Principal, review: Review, message: str, fields_needed: list[str]) -> None:
    """Send the wish back to its submitter with what is missing (`wish.needs_info`)."""
    _require(review, d.PENDING)
    review.decision = d.NEEDS_INFO
    wanted = "、".join(INFO_FIELDS[f] for f in fields_needed)
    review.reasons = [{"code": "info_needed", "message": message + (f"（请补充：{wanted}）" if wanted else "")}]
    _note(review, who, "info_requested", "review", message)
    announce(unit, review, fields_needed)
    audit.record(unit, who, "verification.info_requested", "wish", review.wish_id,
                 review.community_code, {"fields_needed": fields_needed})


def reopen(unit, who: Principal, review: Review, note: str) -> None:
    """Put an automated rejection back on the desk (a person reviews the machine's decision)."""
    _require(review, d.REJECTED)
    if review.decided_by != "service":
        raise NotOverridable(review.decided_by)
    review.decision = d.PENDING
    _note(review, who, "reopened", "review", note)
    hold_place(unit, review)
    reopened(unit, review, note)
    audit.record(unit, who, "verification.reopened", "wish", review.wish_id, review.community_code)

