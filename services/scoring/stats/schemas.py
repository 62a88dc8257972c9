"""The statistics' filters at the edge: a period in China time and an area, every one optional."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from marshmallow import ValidationError, fields, validates_schema

from shared.clock import CHINA
from shared.errors import ApiError, field_errors
from shared.fields import Strict, text

# The longest period one answer covers: ten years of a programme, far beyond any report.
LONGEST_DAYS = 3660


class StatsQuery(Strict):
    """GET /api/v1/stats (and the dashboard, and the export): dates are days in China time."""

    from_ = fields.Date(data_key="from")
    to = fields.Date()
    district = text(1, 32)
    street = text(1, 50)
    community = text(1, 32)

    @validates_schema
    def _period(self, data, **_kw):
        start, end = data.get("from_"), data.get("to")
        if start and end and start > end:
            raise ValidationError("period_reversed", "to")
        if start and end and (end - start).days > LONGEST_DAYS:
            raise ValidationError("period_too_long", "to")


QUERY = StatsQuery()
# Our own codes' Chinese words (shared.errors maps marshmallow's own).
MESSAGES = {"period_reversed": "结束日期不能早于开始日期",
            "period_too_long": "统计时段最长十年"}


@dataclass(frozen=True)
class Filters:
    """What one answer counts: wishes collected from `start` (inclusive) to `end` (exclusive),
    in the area the district, street and community narrow to."""

    from_: date | None = None
    to: date | None = None
    district: str | None = None
    street: str | None = None
    community: str | None = None

    @property
    def start(self) -> datetime | None:
        return datetime.combine(self.from_, time(), CHINA) if self.from_ else None

    @property
    def end(self) -> datetime | None:
        return datetime.combine(self.to + timedelta(days=1), time(), CHINA) if self.to else None

    def query(self) -> dict:
        """The filters as the address's query has them (for links and the export)."""
        return {k: v for k, v in (("from", self.from_ and self.from_.isoformat()),
                                  ("to", self.to and self.to.isoformat()),
                                  ("district", self.district), ("street", self.street),
                                  ("community", self.community)) if v}


def filters(args: dict) -> Filters:
    """The request's query validated (empty values count as not given, as forms send them)."""
    try:
        loaded = QUERY.load({k: v for k, v in args.items() if v != ""})
    except ValidationError as exc:
        raise ApiError(422, "validation_failed", _errors(exc.messages)) from exc
    return Filters(**loaded)


def _errors(messages: dict) -> list[dict]:
    """marshmallow's messages as [{field, code, message}], our own codes in our own words."""
    out = []
    for name, said in messages.items():
        for text_ in said if isinstance(said, list) else [said]:
            field = "from" if name == "from_" else name
            if text_ in MESSAGES:
                out.append({"field": field, "code": text_, "message": MESSAGES[text_]})
            else:
                out.extend(field_errors({field: [text_]}))
    return out
