"""Submission rules: who must have agreed before a wish may be posted, when a wish contradicts
itself, and when a repeat is the same request. No I/O."""
from __future__ import annotations

import hashlib
import json
from datetime import date, datetime

from shared import idnumber
from shared.clock import CHINA, age_on
from shared.errors import MESSAGES_ZH

# Submissions posted over HTTP by people, and imported from files; a system's carry its app_id.
WEB, IMPORT = "web", "import"
# Sources that are not government systems: they get no receipts, and no system may take them.
PEOPLE_SOURCES = (WEB, IMPORT)
CHILD_AGE = 14  # PIPL art. 28/31: under-14s' data needs a guardian's consent


def is_minor(id_number: str, today: date) -> bool:
    born = idnumber.birth_date(id_number.strip().upper())
    return born is not None and age_on(born, today) < CHILD_AGE


def consent_problems(consent: dict | None, minor: bool, on_behalf: bool, now: datetime) -> list[dict]:
    """Field errors (code per field) for missing or inadequate consent; empty when it is enough."""
    if consent is None:
        if minor:
            return [_err("consent", "guardian_consent_required")]
        return [_err("consent", "consent_required")] if on_behalf else []
    found = []
    if minor and consent["relation"] != "guardian":
        found.append(_err("consent.relation", "guardian_consent_required"))
    if consent["relation"] != "self" and not consent.get("name"):
        found.append(_err("consent.name", "required"))
    if consent["method"] == "signed_card_photo" and not consent.get("photo_ref"):
        found.append(_err("consent.photo_ref", "photo_required"))
    if consent["at"] > now:
        found.append(_err("consent.at", "in_future"))
    return found


def self_service(now: datetime, share_phone: bool = False, publicity: bool = False) -> dict:
    """A resident posting their own wish consents by doing so (and to what they ticked)."""
    return {"relation": "self", "method": "self_service", "name": None, "at": now,
            "photo_ref": None, "share_phone": share_phone, "publicity": publicity}


def consents(share_phone: bool, publicity: bool, relation: str | None, minor: bool) -> dict:
    """What the wisher agreed to beyond posting, and who agreed, as the other services read it
    (matching's stories.rules.publicity_counts decides whether a child's publicity counts)."""
    return {"share_phone": bool(share_phone), "publicity": bool(publicity),
            "given_by": relation, "minor": bool(minor)}


def _err(field: str, code: str) -> dict:
    return {"field": field, "code": code, "message": MESSAGES_ZH.get(code, "缺少必填项")}


def inconsistencies(data: dict) -> dict[str, list[str]]:
    """A team wish names its team; only a material wish has a value."""
    errors = {}
    if data.get("wish_type") == "team" and not data.get("team"):
        errors["team"] = ["team_required"]
    if data.get("wish_type") != "team" and data.get("team"):
        errors["team"] = ["team_only"]
    if data.get("kind") == "spiritual" and data.get("estimated_value") is not None:
        errors["estimated_value"] = ["material_only"]
    return errors


def digest(raw) -> str:
    """A fingerprint of a submission as sent, independent of key order and spacing."""
    canonical = json.dumps(raw, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def same_request(stored: str | None, sent: str | None) -> bool:
    """A repeat must be the same request: the same key with another body is refused, not merged."""
    return not (stored and sent and stored != sent)


def opening(opens_at: datetime) -> dict:
    """What the submitter reads about a scheduled wish: the day and hour it opens, China time."""
    at = opens_at.astimezone(CHINA)
    return {"code": "scheduled", "message": f"将于{at.month}月{at.day}日 {at:%H:%M} 在社区例会日发布到心愿墙"}
