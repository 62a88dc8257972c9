"""How each wish event changes a wish's facts, whatever order the events arrive in. No I/O."""
from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime

from shared.timestamps import as_utc

# The steps of a claim each event reports; released sends the wish back to unclaimed.
CLAIM_STATES = {"wish.claimed": "claimed", "wish.reinstated": "claimed",
                "wish.disputed": "claimed", "wish.fulfilled": "fulfilled",
                "wish.confirmed": "confirmed", "wish.released": "released"}
# The events whose payload describes the wish itself (verification's is the later word).
DETAILS = ("wish.submitted", "wish.verified")
STEPS = {"wish.submitted": "submitted_at", "wish.verified": "verified_at",
         "wish.rejected": "rejected_at", "wish.published": "published_at",
         "wish.erased": "erased_at"}
EVENTS = (*STEPS, *CLAIM_STATES)


@dataclass
class Fact:
    """What the figures know of one wish (services.scoring.stats.models.WishFact's columns)."""

    wish_id: str
    community_code: str | None = None
    kind: str | None = None
    wish_type: str | None = None
    category: str | None = None
    urgent: bool | None = None
    details_as_of: datetime | None = None
    collected_at: datetime | None = None
    submitted_at: datetime | None = None
    verified_at: datetime | None = None
    rejected_at: datetime | None = None
    published_at: datetime | None = None
    erased_at: datetime | None = None
    first_claimed_at: datetime | None = None
    claim_id: str | None = None
    claimer_id: str | None = None
    serving: list | None = None
    claim_state: str | None = None
    claim_as_of: datetime | None = None
    claimed_at: datetime | None = None
    fulfilled_at: datetime | None = None
    confirmed_at: datetime | None = None


FIELDS = tuple(f.name for f in fields(Fact))


def _earliest(a: datetime | None, b: datetime) -> datetime:
    return b if a is None or as_utc(b) < as_utc(a) else a


def _latest(a: datetime | None, b: datetime) -> datetime:
    return b if a is None or as_utc(b) > as_utc(a) else a


def _newer(at: datetime, than: datetime | None) -> bool:
    return than is None or as_utc(at) >= as_utc(than)


def apply(fact: Fact, event_type: str, payload, at: datetime) -> None:
    """Fold one event (its type, its contract's payload, when it happened) into `fact`; the same
    event twice, or an older one after a newer, leaves it as it was."""
    if getattr(payload, "community_code", None) and (
            fact.community_code is None or event_type in DETAILS):
        fact.community_code = payload.community_code
    if event_type in DETAILS and _newer(at, fact.details_as_of):
        fact.kind, fact.wish_type = payload.kind, payload.wish_type or "individual"
        fact.urgent = bool(payload.urgent)
        if event_type == "wish.verified":
            fact.category = payload.category
        fact.details_as_of = at
    elif event_type == "wish.verified" and fact.category is None:
        fact.category = payload.category
    if event_type in STEPS:
        setattr(fact, STEPS[event_type], _earliest(getattr(fact, STEPS[event_type]), at))
    if event_type in CLAIM_STATES:
        _claim_step(fact, event_type, payload, at)
    fact.collected_at = fact.submitted_at or min(
        (t for t in (fact.verified_at, fact.rejected_at, fact.published_at,
                     fact.first_claimed_at, fact.claimed_at, fact.fulfilled_at,
                     fact.confirmed_at, fact.erased_at) if t is not None),
        key=as_utc, default=None)


def _claim_step(fact: Fact, event_type: str, deed, at: datetime) -> None:
    """The wish's current claim is the one its latest claim event is about; an older claim's
    late events change nothing but when the wish was first claimed."""
    if event_type == "wish.claimed":
        fact.first_claimed_at = _earliest(fact.first_claimed_at, at)
    if deed.claim_id != fact.claim_id:
        if not _newer(at, fact.claim_as_of):
            return
        fact.claim_id, fact.claim_state, fact.claim_as_of = deed.claim_id, None, None
        fact.claimed_at = fact.fulfilled_at = fact.confirmed_at = None
    fact.claimer_id = deed.member_id
    fact.serving = serving(deed)
    if event_type == "wish.claimed":
        fact.claimed_at = _earliest(fact.claimed_at, at)
    elif event_type == "wish.fulfilled":
        fact.fulfilled_at = _latest(fact.fulfilled_at, at)  # after a dispute, the report again
    elif event_type == "wish.confirmed":
        fact.confirmed_at = _earliest(fact.confirmed_at, at)
    if _newer(at, fact.claim_as_of):
        fact.claim_state, fact.claim_as_of = CLAIM_STATES[event_type], at


def serving(deed) -> list[str]:
    """Who serves on a claim: its shares' members, the members an organisation named, or the
    claimer; each once, in order."""
    people = [s["member_id"] for s in deed.shares or []] or list(deed.members or [])
    return list(dict.fromkeys(people or [deed.member_id]))
