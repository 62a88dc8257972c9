"""Consent rules: who must have agreed before a wish may be posted. Pure: no I/O."""
from __future__ import annotations

from datetime import date, datetime

from shared import idnumber
from shared.clock import age_on
from shared.errors import MESSAGES_ZH

CHILD_AGE = 14  # PIPL art. 28/31: under-14s' data needs a guardian's consent


def is_minor(id_number: str, today: date) -> bool:
    born = idnumber.birth_date(id_number.strip().upper())
    return born is not None and age_on(born, today) < CHILD_AGE


def problems(consent: dict | None, minor: bool, on_behalf: bool, now: datetime) -> list[dict]:
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


def self_service(now: datetime) -> dict:
    """A resident posting their own wish consents by doing so."""
    return {"relation": "self", "method": "self_service", "name": None, "at": now,
            "photo_ref": None}


def _err(field: str, code: str) -> dict:
    return {"field": field, "code": code, "message": MESSAGES_ZH.get(code, "缺少必填项")}
