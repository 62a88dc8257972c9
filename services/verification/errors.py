"""Verification's domain errors, and what each means at the HTTP edge."""
from __future__ import annotations

from shared.errors import DomainError


class VerificationError(DomainError):
    """A desk rule said no; `code` is the API's machine code."""


class InvalidState(VerificationError):
    code = "invalid_state"


class NotOverridable(VerificationError):
    """Only an automated decision may be reopened: a person's stands."""

    code = "not_overridable"


HTTP_STATUS = {InvalidState: 409, NotOverridable: 409}
