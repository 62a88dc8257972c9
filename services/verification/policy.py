"""Each district's eligibility policy: ages, income thresholds by date, value cap, banned items, deadlines."""
from __future__ import annotations

import functools
import json
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from marshmallow import RAISE, Schema, ValidationError, fields, validate

from shared.vocab import CATEGORIES

DEFAULT_FILE = Path(__file__).with_name("policy.json")
ENV_VAR = "MICROWISH_VERIFICATION_POLICY"


class _Threshold(Schema):
    start = fields.Date(required=True, data_key="from")
    monthly_per_capita = fields.Integer(required=True, validate=validate.Range(min=0))


class _Deadline(Schema):
    days = fields.Integer(required=True, validate=validate.Range(min=1, max=365))
    standard = fields.String(required=True, validate=validate.Length(min=1))


class _Policy(Schema):
    """One district's entry; every key may be left out to keep the default's."""

    class Meta:
        unknown = RAISE

    elderly_min_age = fields.Integer(validate=validate.Range(min=0, max=120))
    child_max_age = fields.Integer(validate=validate.Range(min=1, max=18))
    income_thresholds = fields.List(fields.Nested(_Threshold), validate=validate.Length(min=1))
    income_review_margin = fields.Float(validate=validate.Range(min=0, max=5))
    value_cap = fields.Integer(validate=validate.Range(min=0))
    round = fields.String(validate=validate.OneOf(("month", "quarter", "year")))
    similarity = fields.Float(validate=validate.Range(min=0, max=1))
    banned = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))
    urgent_days = fields.Integer(validate=validate.Range(min=1, max=30))
    deadlines = fields.Dict(keys=fields.String(validate=validate.OneOf(tuple(CATEGORIES))),
                            values=fields.Nested(_Deadline))


@dataclass(frozen=True)
class Policy:
    """What one district decided; the rules read it, never the file."""

    district: str
    elderly_min_age: int
    child_max_age: int
    income_thresholds: tuple[tuple[date, int], ...]  # (from, yuan per person a month), by date
    income_review_margin: float
    value_cap: int
    round: str
    similarity: float
    banned: dict[str, tuple[str, ...]]
    urgent_days: int
    deadlines: dict[str, dict]

    def threshold_on(self, day: date) -> int | None:
        """The per-capita monthly income threshold in force on `day` (None before the first)."""
        current = None
        for start, amount in self.income_thresholds:
            if start <= day:
                current = amount
        return current

    def round_of(self, day: date) -> str:
        """The round a wish decided on `day` belongs to: 2026-11, 2026-Q4 or 2026."""
        if self.round == "month":
            return f"{day.year}-{day.month:02d}"
        if self.round == "quarter":
            return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
        return str(day.year)

    def deadline_for(self, category: str, urgent: bool) -> tuple[int, str]:
        """Days allowed and the service standard for a category; urgent wishes get fewer days."""
        entry = self.deadlines[category]
        days = min(entry["days"], self.urgent_days) if urgent else entry["days"]
        return days, entry["standard"]


class Policies:
    """Every district's policy, looked up by a community code's district prefix."""

    def __init__(self, raw: dict):
        try:
            default = _Policy().load(raw["default"])
            missing = set(CATEGORIES) - set(default.get("deadlines", {}))
            if missing or len(default) != len(_Policy().fields):
                raise ValidationError({"default": ["incomplete"]})
            self.districts = {name: self._build(name, default, _Policy().load(entry))
                              for name, entry in raw.items() if not name.startswith("_")}
        except (KeyError, ValidationError) as exc:
            raise ValueError(f"invalid verification policy: {exc}") from exc

    @staticmethod
    def _build(name: str, default: dict, own: dict) -> Policy:
        # A district may change one category's deadline and keep the others.
        merged = {**default, **own, "deadlines": {**default["deadlines"], **own.get("deadlines", {})}}
        thresholds = tuple(sorted((t["start"], t["monthly_per_capita"])
                                  for t in merged["income_thresholds"]))
        return Policy(district=name, **{**merged, "income_thresholds": thresholds,
                                        "banned": {k: tuple(v) for k, v in merged["banned"].items()}})

    def for_community(self, community_code: str) -> Policy:
        district = community_code.split("-", 1)[0]
        return self.districts.get(district) or self.districts["default"]


@functools.cache
def current() -> Policies:
    """The policies this process runs with, read once."""
    return load()


def load(path: str | os.PathLike | None = None) -> Policies:
    """The policy file named by MICROWISH_VERIFICATION_POLICY, or the one shipped with the service."""
    path = path or os.environ.get(ENV_VAR) or DEFAULT_FILE
    return Policies(json.loads(Path(path).read_text(encoding="utf-8")))
