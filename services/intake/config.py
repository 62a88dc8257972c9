"""Intake's own settings: token lifetimes, login limits, retention, the submission body limit,
the broker's management API."""
from __future__ import annotations

from dataclasses import dataclass, replace

from flask import current_app

from shared.settings import env_float, env_int, environ


@dataclass(frozen=True)
class Config:
    access_ttl_seconds: int = 900
    refresh_ttl_seconds: int = 7 * 24 * 3600
    session_ttl_seconds: int = 1800
    # Per account: failures in a row before each try waits, first this long, doubling to the cap.
    login_failures_allowed: int = 5
    login_delay_seconds: int = 1
    login_delay_cap_seconds: int = 900
    login_failures_forgotten_seconds: int = 24 * 3600
    # Per address, far above what a street office behind one NAT fails in normal work.
    login_address_failures_allowed: int = 300
    login_address_window_seconds: int = 600
    retention_days: int = 180
    retention_interval_seconds: float = 3600.0
    # Submissions may carry photos (base64, up to 3 of 2 MiB): their routes allow more.
    max_submission_bytes: int = 9_000_000
    # Where `systems register` makes a system's broker user (RabbitMQ's management API).
    rabbitmq_api: str = "http://127.0.0.1:15672/api"
    rabbitmq_api_user: str = "guest"
    rabbitmq_api_password: str = "guest"

    def with_overrides(self, **changes) -> "Config":
        return replace(self, **changes)


def from_env(env: dict[str, str] | None = None) -> Config:
    """MICROWISH_* variables; unset ones keep the defaults above."""
    env, d = environ(env), Config
    return Config(
        access_ttl_seconds=env_int(env, "MICROWISH_ACCESS_TTL_SECONDS", d.access_ttl_seconds),
        refresh_ttl_seconds=env_int(env, "MICROWISH_REFRESH_TTL_SECONDS", d.refresh_ttl_seconds),
        session_ttl_seconds=env_int(env, "MICROWISH_SESSION_TTL_SECONDS", d.session_ttl_seconds),
        login_failures_allowed=env_int(env, "MICROWISH_LOGIN_FAILURES_ALLOWED",
                                       d.login_failures_allowed),
        login_delay_seconds=env_int(env, "MICROWISH_LOGIN_DELAY_SECONDS", d.login_delay_seconds),
        login_delay_cap_seconds=env_int(env, "MICROWISH_LOGIN_DELAY_CAP_SECONDS",
                                        d.login_delay_cap_seconds),
        login_failures_forgotten_seconds=env_int(env, "MICROWISH_LOGIN_FAILURES_FORGOTTEN_SECONDS",
                                                 d.login_failures_forgotten_seconds),
        login_address_failures_allowed=env_int(env, "MICROWISH_LOGIN_ADDRESS_FAILURES_ALLOWED",
                                               d.login_address_failures_allowed),
        login_address_window_seconds=env_int(env, "MICROWISH_LOGIN_ADDRESS_WINDOW_SECONDS",
                                             d.login_address_window_seconds),
        retention_days=env_int(env, "MICROWISH_RETENTION_DAYS", d.retention_days),
        retention_interval_seconds=env_float(env, "MICROWISH_RETENTION_INTERVAL_SECONDS",
                                             d.retention_interval_seconds),
        max_submission_bytes=env_int(env, "MICROWISH_MAX_SUBMISSION_BYTES", d.max_submission_bytes),
        rabbitmq_api=env.get("MICROWISH_RABBITMQ_API", d.rabbitmq_api),
        rabbitmq_api_user=env.get("MICROWISH_RABBITMQ_API_USER", d.rabbitmq_api_user),
        rabbitmq_api_password=env.get("MICROWISH_RABBITMQ_API_PASSWORD", d.rabbitmq_api_password),
    )


def current() -> Config:
    """The running app's config."""
    return current_app.extensions["microwish.config"]
