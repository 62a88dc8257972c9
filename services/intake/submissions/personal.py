"""The wisher's personal data on a submission row: sealed per field going in, opened coming out."""
from __future__ import annotations

from dataclasses import dataclass

from services.intake.submissions import attachments
from services.intake.submissions.models import Submission
from shared.pii import Sealer, keyed_hash, mask_name

_HOUSEHOLD = ("target_groups", "household_size", "household_monthly_income")
# The wish's own fields, stored in clear and sent on the bus as they are.
WISH_FIELDS = ("community_code", "title", "description", "kind", "wish_type", "estimated_value",
               "urgent", "skills", "skills_other", "preferred_times", "preferred_times_note")
_DEFAULTS = {"wish_type": "individual", "urgent": False, "skills": [], "preferred_times": []}


@dataclass(frozen=True)
class Protection:
    """How personal data is kept: sealed per field, ID numbers also as a keyed hash."""

    sealer: Sealer
    hash_key: str


def fill(sub: Submission, protection: Protection, data: dict) -> dict:
    """Copy a loaded submission onto the row: the wish in clear, the wisher's data sealed; the
    wisher as `wisher_of` would open it again (so announcing it needs no decrypting)."""
    for name in WISH_FIELDS:
        setattr(sub, name, data.get(name, _DEFAULTS.get(name)))
    team = data.get("team") or {}
    sub.team_name, sub.team_size = team.get("name"), team.get("size")
    seal = protection.sealer.seal_optional
    given = data["wisher"]
    wisher = {"name": given["name"], "id_number": given["id_number"].upper(),
              "phone": given.get("phone"), "address": given.get("address"),
              **{k: given.get(k) for k in _HOUSEHOLD}}
    sub.wisher_display = mask_name(wisher["name"])
    sub.name_enc, sub.phone_enc = seal(wisher["name"]), seal(wisher["phone"])
    sub.id_number_enc = seal(wisher["id_number"])
    sub.id_number_hash = keyed_hash(protection.hash_key, given["id_number"])
    sub.address_enc = seal(wisher["address"])
    sub.household_enc = seal({k: wisher[k] for k in _HOUSEHOLD})
    sub.attachments.extend(attachments.store(sub.id, data.get("attachments") or [],
                                             protection.sealer))
    return wisher


def wisher_of(sub: Submission, sealer: Sealer) -> dict:
    """The wisher's data in clear, as it was submitted (empty fields once erased)."""
    opened = sealer.open_optional
    return {"name": opened(sub.name_enc), "id_number": opened(sub.id_number_enc),
            "phone": opened(sub.phone_enc), "address": opened(sub.address_enc),
            **(opened(sub.household_enc) or {k: None for k in _HOUSEHOLD})}


def wish_of(sub: Submission) -> dict:
    """The wish's own fields as the API and the bus carry them."""
    team = {"name": sub.team_name, "size": sub.team_size} if sub.team_name else None
    return {**{name: getattr(sub, name) for name in WISH_FIELDS}, "team": team}
