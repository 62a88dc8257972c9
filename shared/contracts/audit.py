"""The audit trail's entries, kept by intake from every service."""
from __future__ import annotations

from marshmallow import Schema, fields


class AuditRecorded(Schema):
    actor_id = fields.String(required=True)
    actor_role = fields.String(required=True)
    action = fields.String(required=True)
    object_type = fields.String(required=True)
    object_id = fields.String(required=True)
    community_code = fields.String(allow_none=True)
    service = fields.String(required=True)
    detail = fields.Dict(load_default=dict)
