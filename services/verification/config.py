"""Verification's own settings: the civil-affairs allowance registry (the policy file is policy.py's)."""
from __future__ import annotations

from dataclasses import dataclass, replace

from shared.settings import env_float, environ


@dataclass(frozen=True)
class Config:
    # The registry over HTTP; empty: verification's imported table.
    registry_url: str = ""
    registry_api_key: str = ""
    registry_timeout_seconds: float = 3.0
    registry_pause_seconds: float = 30.0  # after it failed, before asking it again

    def with_overrides(self, **changes) -> "Config":
        return replace(self, **changes)


def from_env(env: dict[str, str] | None = None) -> Config:
    """MICROWISH_* variables; unset ones keep the defaults above."""
    env, d = environ(env), Config
    return Config(
        registry_url=env.get("MICROWISH_REGISTRY_URL", "").strip(),
        registry_api_key=env.get("MICROWISH_REGISTRY_API_KEY", ""),
        registry_timeout_seconds=env_float(env, "MICROWISH_REGISTRY_TIMEOUT_SECONDS",
                                           d.registry_timeout_seconds),
        registry_pause_seconds=env_float(env, "MICROWISH_REGISTRY_PAUSE_SECONDS",
                                         d.registry_pause_seconds),
    )
