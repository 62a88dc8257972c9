"""How a review is shown: masked for everyone, the wisher in clear only when the caller passes it."""
from __future__ import annotations

from services.verification.models import Review
from shared.vocab import CATEGORIES, SKILLS, STATUS_LABELS

# A review's decision is the wish's status once it is made; until then it waits for a person.
DECISION_LABELS = {"pending": "待人工审核",
                   **{code: STATUS_LABELS[code] for code in ("needs_info", "verified", "rejected")}}
OUTCOME_LABELS = {"pass": "通过", "fail": "不通过", "review": "需人工核实"}


def review_view(r: Review, wisher: dict | None = None) -> dict:
    view = {
        "wish_id": r.wish_id, "community_code": r.community_code, "title": r.title,
        "description": r.description, "kind": r.kind, "wish_type": r.wish_type, "team": r.team,
        "estimated_value": r.estimated_value, "urgent": r.urgent,
        "wisher": r.wisher_display, "minor": r.minor, "contact_masked": r.contact_masked,
        "decision": r.decision, "decision_label": DECISION_LABELS.get(r.decision, r.decision),
        "decided_by": r.decided_by, "decided_at": r.decided_at.isoformat(),
        "received_at": r.received_at.isoformat() if r.received_at else None,
        "revision": r.revision, "round": r.round, "rules": r.rules, "reasons": r.reasons or [],
        "category": r.category, "category_label": CATEGORIES.get(r.category or "", ""),
        "skills": r.skills or [], "skill_labels": [SKILLS.get(s, s) for s in r.skills or []],
        "categorisation": r.categorisation, "service_standard": r.service_standard,
        "deadline": r.deadline.isoformat() if r.deadline else None, "details": r.details or {},
    }
    if wisher is not None:
        view["wisher_personal"] = wisher
    return view
