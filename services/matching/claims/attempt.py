"""A claim attempt as its first look saw it, and what that alone decides. No I/O.

Most attempts on a popular wish lose its race, so everything a loser's answer needs is read at
once (claims.first_look): the attempt's count, where the claimer registered, the wish, and any
claim the claimer already holds on it. Only an attempt that may win goes on to take the wish.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from services.matching.publication.rules import may_claim


@dataclass(frozen=True)
class Attempt:
    """What one claim attempt found; the wish's fields are None when there is no such wish."""

    hits: int  # this hour's attempts by the claimer, this one included
    registered_in: str | None  # the claimer's community (报到), if intake announced them
    status: str | None
    community_code: str | None
    category: str | None
    citywide_at: datetime | None
    capacity: int | None
    keyed_claim: str | None = None  # the claim the request's Idempotency-Key already made
    keyed_wish: str | None = None  # … and the wish that claim is of
    held: str | None = None  # a live claim of this wish the claimer made or serves in


# What the first look decides, in the order it decides it.
TOO_MANY = "too_many"  # over the hourly allowance: 429 (the count commits)
KEY_REUSED = "key_reused"  # the key made a claim of another wish: 422
MADE = "made"  # the key already made this claim: 200 with it
NOT_FOUND = "not_found"  # no such wish, or its batch has not opened: 404
HELD = "held"  # the claimer holds or serves in a claim of it already: 200 with that claim
LOST = "lost"  # somebody else has it: 409 with similar open wishes
WINDOW = "window"  # still in its community window, and the claimer is from elsewhere: 403
TRY = "try"  # open to the claimer: take it (or join its group), within their quota


def verdict(seen: Attempt, wish_id: str, allowed_per_hour: int, now: datetime) -> str:
    """What the first look alone decides of an attempt on `wish_id`."""
    if seen.hits > allowed_per_hour:
        return TOO_MANY
    if seen.keyed_claim is not None:
        return MADE if seen.keyed_wish == wish_id else KEY_REUSED
    if seen.status is None or seen.status == "scheduled":  # its batch opens on the meeting day
        return NOT_FOUND
    if seen.held is not None:
        return HELD
    if seen.status != "published":
        return LOST
    if not may_claim(seen.registered_in, seen.community_code, now, seen.citywide_at or now):
        return WINDOW
    return TRY
