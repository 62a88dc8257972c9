"""The claimer registration contract: people, organisations and admins (HTTP and forms)."""
from __future__ import annotations

from marshmallow import ValidationError, fields, validate, validates_schema

from services.intake.claimers.models import KIND_LABELS, ORG_TYPES
from shared.fields import PHONE, Flag, Strict, choice, choices, query_flag, text
from shared.vocab import SKILLS, TIMES

_USERNAME = validate.Regexp(r"\A[A-Za-z0-9_.@-]{3,64}\Z", error="invalid_username")
# Codes travel in URLs and events: lower-case ASCII only.
_CODE = validate.Regexp(r"\A[a-z0-9][a-z0-9-]{1,31}\Z", error="invalid_code")
_PASSWORD = validate.Length(8, 128, error="weak_password")


class _Credentials(Strict):
    username = fields.String(required=True, validate=_USERNAME)
    password = fields.String(required=True, validate=_PASSWORD, load_only=True)

    @validates_schema
    def _not_the_username(self, data: dict, **_kw) -> None:
        if data.get("password") and data.get("password") == data.get("username"):
            raise ValidationError("weak_password", "password")


class _Offer(Strict):
    """What a claimer offers: skills from the controlled list (plus free text) and when."""

    skills = choices(SKILLS, len(SKILLS))
    skills_other = text(1, 100, load_default=None, allow_none=True)
    available_times = choices(TIMES, len(TIMES))
    available_times_note = text(1, 200, load_default=None, allow_none=True)


class ProfileSchema(_Offer):
    """A person's profile: who they are, their party membership, employer and residence."""

    name = text(1, 50, required=True)
    phone = fields.String(required=True, validate=PHONE)
    party_member = Flag(required=True)
    unit_code = fields.String(load_default=None, allow_none=True, validate=_CODE)
    unit_name = text(1, 100, load_default=None, allow_none=True)
    community_code = text(1, 32, required=True)


class MemberRegistrationSchema(ProfileSchema, _Credentials):
    """`POST /api/v1/members`: a person reports (报到) and gets a member account."""


class AdminSchema(_Credentials):
    """An organisation's admin: a person who logs in and claims for the organisation."""

    name = text(1, 50, required=True)
    phone = fields.String(required=True, validate=PHONE)


class AdminUpdateSchema(Strict):
    name = text(1, 50, required=True)
    phone = fields.String(required=True, validate=PHONE)


class OrganisationSchema(_Offer):
    code = fields.String(required=True, validate=_CODE)
    name = text(1, 100, required=True)
    type = choice(ORG_TYPES, required=True)
    community_code = text(1, 32, required=True)
    # The organisation's contact; its first admin when not given.
    contact_name = text(1, 50, load_default=None)
    contact_phone = fields.String(load_default=None, validate=PHONE)


class OrganisationRegistrationSchema(Strict):
    """`POST /api/v1/members/organisations`: an organisation and its first admin."""

    organisation = fields.Nested(OrganisationSchema, required=True)
    admin = fields.Nested(AdminSchema, required=True)


def choices() -> dict:
    """The controlled lists a registration form offers, with their Chinese labels."""
    return {"skills": SKILLS, "available_times": TIMES, "organisation_types": ORG_TYPES,
            "kinds": KIND_LABELS}


def _page(**kw) -> dict:
    return {"offset": fields.Integer(load_default=0, validate=validate.Range(
                0, 1_000_000, error="out_of_range")),
            "limit": fields.Integer(load_default=50, validate=validate.Range(
                1, 200, error="out_of_range")), **kw}


# Query strings of the overseers' lists; an unknown parameter is refused like an unknown field.
MemberListArgs = Strict.from_dict(_page(
    community_code=text(1, 32), unit_code=text(1, 32), kind=choice(KIND_LABELS),
    party_member=query_flag(), skill=choice(SKILLS), available_time=choice(TIMES)),
    name="MemberListArgs")
OrganisationListArgs = Strict.from_dict(_page(
    community_code=text(1, 32), type=choice(ORG_TYPES)), name="OrganisationListArgs")
