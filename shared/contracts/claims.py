"""Claims and their deeds: who claimed, who shares the credit, the points it earned."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from shared.contracts.common import Reason


class Share(Schema):
    """One member's part of a deed's credit; a claim's shares sum to exactly 1."""

    member_id = fields.String(required=True)
    unit_code = fields.String(allow_none=True, load_default=None)
    share = fields.Decimal(required=True, as_string=True, places=4,
                           validate=validate.Range(min=0, max=1))


class ClaimEvent(Schema):
    wish_id = fields.String(required=True)
    claim_id = fields.String(required=True)
    member_id = fields.String(required=True)
    community_code = fields.String(allow_none=True)
    # The claimer's employer unit, so their unit admin can see their points.
    unit_code = fields.String(allow_none=True)
    # An organisation's claim: the registered members it named to serve (their account ids).
    members = fields.List(fields.String(), load_default=list)
    # Who shares the deed's credit: a group's members, an organisation's named members, or the
    # claimer alone (scoring splits the deed's points by these; none before group claims).
    shares = fields.List(fields.Nested(Share), load_default=list)
    due_on = fields.String(allow_none=True, load_default=None)  # ISO date: when it must be done
    # What the deed was, for scoring's per-community points rules and the points card (the
    # wish's public facts only: its title is on the wall).
    title = fields.String(allow_none=True, load_default=None)
    kind = fields.String(allow_none=True, load_default=None)  # material / spiritual
    wish_type = fields.String(allow_none=True, load_default=None)  # individual / team
    category = fields.String(allow_none=True, load_default=None)
    urgent = fields.Boolean(allow_none=True, load_default=None)
    # wish.released: why (the reason's code and its Chinese words; a claimer's own note stays
    # with matching, where only the wish's liaison reads it)
    reasons = fields.List(fields.Nested(Reason), load_default=list)


class PointsAwarded(Schema):
    member_id = fields.String(required=True)
    claim_id = fields.String(required=True)
    wish_id = fields.String(required=True)
    # In hundredths: a member's share of a deed done by several ("0.34").
    points = fields.Decimal(required=True, as_string=True, places=2)
    total = fields.Decimal(required=True, as_string=True, places=2)
    community_code = fields.String(allow_none=True)
    unit_code = fields.String(allow_none=True)
    # wish.confirmed for an award; correction for an award reversed (its points negative)
    reason = fields.String(load_default="wish.confirmed")
