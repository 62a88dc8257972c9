"""Matching's own settings: claim limits and quotas, the meeting-day publication hour, the
community window, the size of a team."""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from flask import current_app

from services.matching.claims.quota import Allowance

from shared.settings import env_float, env_int, environ


@dataclass(frozen=True)
class Config:
    claims_per_hour: int = 20
    publication_hour: int = 9  # a meeting day's batch opens at this hour, China time
    publication_scan_seconds: float = 30.0  # how often the scheduled wishes are looked at
    # Hours a published wish is open only to its own community's members (0: the city at once),
    # by district code, with a default; urgent wishes have a window of their own.
    window_hours: float = 48.0
    window_hours_by_district: dict = field(default_factory=dict)
    urgent_window_hours: float = 0.0
    # Claims a claimer may hold open (claimed, not yet fulfilled) at once, by the wish's district.
    open_claims: int = 3
    open_claims_by_district: dict = field(default_factory=dict)
    # Claims a claimer may make in one round (a meeting-day batch, or a month; 0: no limit).
    claims_per_round: int = 0
    claims_per_round_by_district: dict = field(default_factory=dict)
    team_capacity: int = 5  # how many serve together on a team wish (帮帮团) unless the liaison says
    claim_days: int = 14  # days a claimer has for a wish with no deadline of its own
    reminder_days: tuple = (3, 1, 0)  # the reminder ladder: days before a claim is due
    overdue_grace_days: int = 3  # days past due before an open claim is given up
    # An open wish nobody claims goes to its community party organisation this many days after
    # it opened to the whole city, or this many days before its deadline.
    escalate_after_days: int = 3
    escalate_before_deadline_days: int = 2
    deadline_scan_seconds: float = 300.0  # how often reminders and overdue claims are looked at
    notice_send_seconds: float = 5.0  # how often unsent notices are handed to their channel
    notices_per_hour: int = 10  # to one person; the rest wait (an urgent wish's go at once)
    notice_max_attempts: int = 20  # failed deliveries before a notice is given up
    # The SMS gateway's credential for pushing receipts ("": the receipt route accepts nobody).
    sms_receipt_token: str = field(default="", repr=False)
    # How long a worker keeps the similar wishes it offered a race's losers (0: never keeps them).
    alternatives_seconds: float = 1.0

    def with_overrides(self, **changes) -> "Config":
        return replace(self, **changes)

    def allowance_for(self, community_code: str) -> Allowance:
        """What a claimer may hold of the wishes of `community_code`'s district."""
        district = community_code.split("-", 1)[0]
        return Allowance(int(self.open_claims_by_district.get(district, self.open_claims)),
                         int(self.claims_per_round_by_district.get(district,
                                                                   self.claims_per_round)))

    def window_for(self, community_code: str, urgent: bool) -> float:
        if urgent:
            return self.urgent_window_hours
        district = community_code.split("-", 1)[0]
        return self.window_hours_by_district.get(district, self.window_hours)


def _by_district(text: str) -> dict[str, float]:
    """`pudong=0,chuanhui=48` → {"pudong": 0.0, "chuanhui": 48.0}."""
    pairs = (item.split("=", 1) for item in text.split(",") if item.strip())
    return {name.strip(): float(hours) for name, hours in pairs}


def _days(text: str) -> tuple[int, ...]:
    """`3,1,0` → (3, 1, 0): the reminder ladder, nearest-last as people write it."""
    return tuple(int(item) for item in text.split(",") if item.strip())


def from_env(env: dict[str, str] | None = None) -> Config:
    """MICROWISH_* variables; unset ones keep the defaults above."""
    env = environ(env)
    return Config(
        claims_per_hour=env_int(env, "MICROWISH_CLAIMS_PER_HOUR", Config.claims_per_hour),
        publication_hour=env_int(env, "MICROWISH_PUBLICATION_HOUR", Config.publication_hour),
        publication_scan_seconds=env_float(env, "MICROWISH_PUBLICATION_SCAN_SECONDS",
                                           Config.publication_scan_seconds),
        window_hours=env_float(env, "MICROWISH_COMMUNITY_WINDOW_HOURS", Config.window_hours),
        window_hours_by_district=_by_district(
            env.get("MICROWISH_COMMUNITY_WINDOW_HOURS_BY_DISTRICT", "")),
        urgent_window_hours=env_float(env, "MICROWISH_URGENT_WINDOW_HOURS",
                                      Config.urgent_window_hours),
        open_claims=env_int(env, "MICROWISH_OPEN_CLAIMS", Config.open_claims),
        open_claims_by_district=_by_district(env.get("MICROWISH_OPEN_CLAIMS_BY_DISTRICT", "")),
        claims_per_round=env_int(env, "MICROWISH_CLAIMS_PER_ROUND", Config.claims_per_round),
        claims_per_round_by_district=_by_district(
            env.get("MICROWISH_CLAIMS_PER_ROUND_BY_DISTRICT", "")),
        team_capacity=env_int(env, "MICROWISH_TEAM_CAPACITY", Config.team_capacity),
        claim_days=env_int(env, "MICROWISH_CLAIM_DAYS", Config.claim_days),
        reminder_days=_days(env.get("MICROWISH_REMINDER_DAYS", "3,1,0")),
        overdue_grace_days=env_int(env, "MICROWISH_OVERDUE_GRACE_DAYS",
                                   Config.overdue_grace_days),
        escalate_after_days=env_int(env, "MICROWISH_ESCALATE_AFTER_DAYS",
                                    Config.escalate_after_days),
        escalate_before_deadline_days=env_int(env, "MICROWISH_ESCALATE_BEFORE_DEADLINE_DAYS",
                                              Config.escalate_before_deadline_days),
        deadline_scan_seconds=env_float(env, "MICROWISH_DEADLINE_SCAN_SECONDS",
                                        Config.deadline_scan_seconds),
        notice_send_seconds=env_float(env, "MICROWISH_NOTICE_SEND_SECONDS",
                                      Config.notice_send_seconds),
        notices_per_hour=env_int(env, "MICROWISH_NOTICES_PER_HOUR", Config.notices_per_hour),
        notice_max_attempts=env_int(env, "MICROWISH_NOTICE_MAX_ATTEMPTS",
                                    Config.notice_max_attempts),
        sms_receipt_token=env.get("MICROWISH_SMS_RECEIPT_TOKEN", ""),
        alternatives_seconds=env_float(env, "MICROWISH_ALTERNATIVES_SECONDS",
                                       Config.alternatives_seconds),
    )


def current() -> Config:
    """The running app's config."""
    return current_app.extensions["microwish.config"]
