"""Intake's domain errors, and what each means at the HTTP edge (on the bus, all are poison)."""
from __future__ import annotations

from shared.errors import MESSAGES_ZH, DomainError


class IntakeError(DomainError):
    """A submission or registration rule said no; `fields` says which fields and why."""


class ConsentMissing(IntakeError):
    """Nobody with the right to agree has agreed to the wish being posted."""

    code = "validation_failed"

    def __init__(self, fields: list[dict]):
        super().__init__("consent missing or inadequate", fields)


class Inconsistent(IntakeError):
    """An answer that would leave the wish contradicting itself (a team wish with no team)."""

    code = "validation_failed"

    def __init__(self, fields: list[dict]):
        super().__init__("inconsistent submission", fields)


class KeyReused(IntakeError):
    """The same idempotency key came with a different body: refused, never merged."""

    code = "idempotency_key_reused"

    def __init__(self, original, field: str = "Idempotency-Key"):
        super().__init__("idempotency key reused with a different body", [{
            "field": field, "code": self.code, "message": f"该 {field} 已用于另一份不同的提交"}])
        self.original = original


class RegistrationRefused(IntakeError):
    """A registration (a claimer's, a community's) the data cannot make, naming the field."""

    def __init__(self, field: str):
        super().__init__(self.code, [{"field": field, "code": self.code,
                                      "message": MESSAGES_ZH[self.code]}])


class UsernameTaken(RegistrationRefused):
    code = "username_taken"


class OrgCodeTaken(RegistrationRefused):
    code = "org_code_taken"


class UnknownUnit(RegistrationRefused):
    code = "unknown_unit"


class CommunityCodeTaken(RegistrationRefused):
    code = "community_code_taken"


class UnknownCommunity(RegistrationRefused):
    code = "unknown_community"


class OutsideDistrict(RegistrationRefused):
    """A district admin whose scope names districts manages only those districts' communities."""

    code = "district_forbidden"


class StaffRefused(IntakeError):
    """A staff account whose role and scope do not fit (unknown community, missing scope)."""

    code = "validation_failed"

    def __init__(self, fields: list[dict]):
        super().__init__("staff account refused", fields)


class AccountOutsideDistrict(RegistrationRefused):
    """A district admin of some districts gives or changes only their communities' staff."""

    code = "account_district_forbidden"


class SelfChange(RegistrationRefused):
    """Nobody changes their own role, scope or standing: another admin does."""

    code = "self_change_forbidden"


class AccountNotFound(RegistrationRefused):
    """No staff account (or system) of that id within the caller's reach."""

    code = "not_found"


HTTP_STATUS = {StaffRefused: 422, AccountOutsideDistrict: 403, SelfChange: 403,
               AccountNotFound: 404, ConsentMissing: 422, Inconsistent: 422, KeyReused: 409, UsernameTaken: 409,
               OrgCodeTaken: 409, UnknownUnit: 422, CommunityCodeTaken: 409,
               UnknownCommunity: 404, OutsideDistrict: 403}
