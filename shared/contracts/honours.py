"""Annual honours: a member's year's points crossed a level's threshold, or a correction took
them back below it. Member ids only: names stay in scoring's copy."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

LEVELS = ("letter", "star", "district")


class HonourGranted(Schema):
    honour_id = fields.Integer(required=True)
    member_id = fields.String(required=True)
    year = fields.Integer(required=True)
    # letter (20 points: 通报表扬函 to the employer unit), star (30: 社区志愿服务之星), district
    level = fields.String(required=True, validate=validate.OneOf(LEVELS))
    points = fields.Decimal(required=True, as_string=True, places=2)  # the year's total then
    community_code = fields.String(allow_none=True)
    unit_code = fields.String(allow_none=True)


class HonourRevoked(HonourGranted):
    notice = fields.String(required=True)  # the revocation notice's number: 〔2026〕撤字第3号
    reason = fields.String(load_default="correction")
