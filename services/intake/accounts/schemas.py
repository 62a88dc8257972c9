"""The staff administration and password contracts (JSON and forms alike)."""
from __future__ import annotations

from marshmallow import ValidationError, fields, validate, validates_schema

from shared.fields import Flag, Strict, distinct, text

USERNAME = validate.Regexp(r"\A[A-Za-z0-9_.@-]{3,64}\Z", error="invalid_username")
_CODE = validate.Length(1, 32, error="invalid_length")


def _scope_fields() -> dict:
    return {"communities": fields.List(fields.String(validate=_CODE), validate=[
                validate.Length(max=50, error="too_many"), distinct]),
            "unit_code": fields.String(validate=_CODE, allow_none=True),
            "org_code": fields.String(validate=_CODE, allow_none=True)}


class StaffSchema(Strict.from_dict({**_scope_fields()})):
    """A new staff account: who, what role, over what. Its password is made for it."""

    username = fields.String(required=True, validate=USERNAME)
    name = text(1, 50, required=True)
    role = text(1, 20, required=True)  # any role but staff's is refused by rules, with its code


class StaffChangesSchema(Strict.from_dict({**_scope_fields()})):
    """What a district admin changes: any of name, role, scope, standing."""

    name = text(1, 50)
    role = text(1, 20)
    disabled = Flag()

    @validates_schema
    def _something(self, data: dict, **_kw) -> None:
        if not data:
            raise ValidationError("nothing_to_change", "_schema")


class NoBody(Strict):
    """An action that takes nothing: an empty object, or no body at all."""


class PasswordChangeSchema(Strict):
    """The current password (or the token a temporary password's login gave) and the new one."""

    new_password = fields.String(required=True, validate=validate.Length(
        8, 128, error="weak_password"))
    current_password = fields.String(validate=validate.Length(1, 256, error="invalid_length"))
    password_change_token = fields.String(validate=validate.Length(1, 4000,
                                                                    error="invalid_length"))
