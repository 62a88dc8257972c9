"""How wishes and claims are shown: the wall's masked view, a claim with its wish for whom it concerns."""
from __future__ import annotations

from collections.abc import Mapping

from services.matching.claims.rules import reason_view
from services.matching.models import Claim, Wish
from shared.clock import CHINA
from shared.pii import mask_typed
from shared.vocab import CATEGORIES, SKILLS


# `names`: the communities' Chinese names by code, looked up once for a whole page or list
# (web.http.community_names); people are shown 文明社区, never chuanhui-wenming.
def wish_view(w: Wish, names: Mapping[str, str]) -> dict:
    """What anyone may see of a wish: no personal data beyond the masked name."""
    return {"id": w.id, "community_code": w.community_code,
            "community_name": names.get(w.community_code, w.community_code), "title": w.title,
            "description": w.description, "kind": w.kind, "wisher": w.wisher_display,
            "status": w.status,
            "published_at": w.published_at.isoformat() if w.published_at else None,
            "citywide_at": w.citywide_at.isoformat() if w.citywide_at else None,
            "category": w.category, "category_label": CATEGORIES.get(w.category or "", ""),
            "skills": w.skills or [], "skill_labels": [SKILLS.get(s, s) for s in w.skills or []],
            "service_standard": w.service_standard, "urgent": bool(w.urgent),
            "deadline": w.deadline.isoformat() if w.deadline else None,
            "wish_type": w.wish_type, "capacity": w.capacity,
            "places_left": w.places_left if w.claim_id else w.capacity}


def window_view(w: Wish, now) -> dict:
    """Who may claim now: its community's members during the window (`open_to` community, and
    from when the city may: 12月7日 09:00起全市可认领), anyone after it (`open_to` city)."""
    if w.citywide_at is None or w.citywide_at <= now:
        return {"open_to": "city", "open_to_label": "全市可认领"}
    at = w.citywide_at.astimezone(CHINA)
    return {"open_to": "community",
            "open_to_label": f"本社区报到党员优先认领，{at.month}月{at.day}日 {at:%H:%M}起全市可认领"}


def claim_view(c: Claim, wish: Wish, names: Mapping[str, str],
               team: list[str] | None = None) -> dict:
    """A claim with its wish in full (masked contact included), for those it concerns; a group
    claim (帮帮团) with its members in the order they joined (`team`)."""
    return {"id": c.id, "wish_id": c.wish_id, "member_id": c.member_id, "status": c.status,
            "claimed_at": c.claimed_at.isoformat(), "members": list(c.members or []),
            "due_on": c.due_on.isoformat() if c.due_on else None,
            "release": {"reasons": reason_view(c.release_reason), "note": c.release_note,
                        "by": c.released_by} if c.status == "released" else None,
            "dispute": {"reason": mask_typed(c.dispute_reason),
                        "at": c.disputed_at.isoformat()} if c.disputed_at else None,
            "team": team, "wish": {**wish_view(wish, names), "contact": wish.contact_masked}}
