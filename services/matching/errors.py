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


HTTP_STATUS = {NotFound: 404, AlreadyClaimed: 409, InvalidState: 409}
