"""Matching's own settings: how many wishes one claimer may claim an hour."""
from __future__ import annotations

from dataclasses import dataclass, replace

from flask import current_app

from shared.settings import env_int, environ


@dataclass(frozen=True)
class Config:
    claims_per_hour: int = 20

    def with_overrides(self, **changes) -> "Config":
        return replace(self, **changes)


def from_env(env: dict[str, str] | None = None) -> Config:
    """MICROWISH_* variables; unset ones keep the defaults above."""
    env = environ(env)
    return Config(claims_per_hour=env_int(env, "MICROWISH_CLAIMS_PER_HOUR", Config.claims_per_hour))


def current() -> Config:
    """The running app's config."""
    return current_app.extensions["microwish.config"]
