"""Matching's domain errors, and what each means at the HTTP edge."""
from __future__ import annotations

from shared.errors import DomainError


class MatchingError(DomainError):
    """A claim or wish rule said no; `code` is the API's machine code."""


class NotFound(MatchingError):
    code = "not_found"


class AlreadyClaimed(MatchingError):
    code = "already_claimed"


class InvalidState(MatchingError):
    code = "invalid_state"


class PhoneNotShared(MatchingError):
    """The wisher did not agree that the liaison may tell the claimer their phone."""

    code = "no_phone_consent"


class ClaimNotActive(MatchingError):
    """The claim is given up or its deed confirmed: there is nobody to tell the phone to."""

    code = "claim_not_active"


class QuotaReached(MatchingError):
    """The claimer holds as many open claims as their quota allows."""

    code = "claim_quota"


class RoundQuotaReached(MatchingError):
    """The claimer made as many claims in the wish's round as their allowance lets them."""

    code = "round_quota"


class KeyReused(MatchingError):
    """An Idempotency-Key already named the claim of another wish."""

    code = "idempotency_key_reused"

    @classmethod
    def of(cls, key: str) -> "KeyReused":
        return cls(key, [{"field": "Idempotency-Key", "code": cls.code,
                          "message": "该 Idempotency-Key 已用于认领另一个心愿"}])


class CommunityWindow(MatchingError):
    """The wish is still open only to its own community's members; `fields` say from when."""

    code = "community_window"


class HandoverRefused(MatchingError):
    """The member named cannot take the claim over; `fields` say why."""

    code = "validation_failed"


HTTP_STATUS = {NotFound: 404, AlreadyClaimed: 409, InvalidState: 409, CommunityWindow: 403,
               PhoneNotShared: 409, ClaimNotActive: 409,
               QuotaReached: 409, RoundQuotaReached: 409,
               KeyReused: 422, HandoverRefused: 422}
