"""Settings read from environment variables, with safe development defaults."""
from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

SERVICES = ("intake", "verification", "matching", "scoring")
ROOT = Path(__file__).resolve().parent.parent

# Development-only keys; every real deployment sets MICROWISH_PII_KEYS, MICROWISH_PII_HASH_KEY
# and MICROWISH_TOKEN_KEYS (compose refuses to start without them).
_DEV_PII_KEY = "dev1:ZGV2LW9ubHktcGlpLWtleS1kby1ub3QtdXNlLTAwMDA="
_DEV_HASH_KEY = "dev-only-pii-hash-key-do-not-use-in-production"
_DEV_TOKEN_KEY = "dev1:dev-only-token-signing-key-do-not-use-in-production"


def _sqlite_url(service: str, var_dir: Path) -> str:
    return f"sqlite:///{var_dir / (service + '.db')}"


@dataclass(frozen=True)
class Settings:
    """Everything a process needs to know about where it runs."""

    broker_url: str = "memory://"
    database_urls: dict[str, str] = field(default_factory=dict)
    database_schemas: dict[str, str] = field(default_factory=dict)
    secret_key: str = "dev-only-secret"
    pii_keys: str = _DEV_PII_KEY
    relay_batch_size: int = 200
    relay_idle_seconds: float = 0.2
    prefetch_count: int = 50
    retry_backoff_seconds: float = 0.5
    max_body_bytes: int = 1_000_000
    # Submissions may carry photos (base64, up to 3 of 2 MiB): their routes allow more.
    max_submission_bytes: int = 9_000_000
    pii_hash_key: str = _DEV_HASH_KEY
    token_keys: str = _DEV_TOKEN_KEY
    access_ttl_seconds: int = 900
    refresh_ttl_seconds: int = 7 * 24 * 3600
    session_ttl_seconds: int = 1800
    cookie_secure: bool = False
    # How many reverse proxies in front of us set X-Forwarded-For; 0 trusts no header.
    trusted_proxy_hops: int = 0
    login_failures_allowed: int = 5
    login_window_seconds: int = 300
    claims_per_hour: int = 20
    retention_days: int = 180
    retention_interval_seconds: float = 3600.0
    # The civil-affairs allowance registry over HTTP; empty: verification's imported table.
    registry_url: str = ""
    registry_api_key: str = ""
    registry_timeout_seconds: float = 3.0
    registry_pause_seconds: float = 30.0  # after it failed, before asking it again

    def database_url(self, service: str) -> str:
        return self.database_urls[service]

    def database_schema(self, service: str) -> str:
        return self.database_schemas.get(service, service)

    def with_overrides(self, **changes) -> "Settings":
        return replace(self, **changes)


def from_env(env: dict[str, str] | None = None) -> Settings:
    """Build settings from MICROWISH_* variables; unset ones keep the all-in-one defaults."""
    env = os.environ if env is None else env
    var_dir = Path(env.get("MICROWISH_VAR_DIR", ROOT / "var"))
    urls = {}
    schemas = {}
    for service in SERVICES:
        key = service.upper()
        urls[service] = env.get(f"MICROWISH_{key}_DATABASE_URL") or env.get(
            "MICROWISH_DATABASE_URL"
        ) or _sqlite_url(service, var_dir)
        schemas[service] = env.get(f"MICROWISH_{key}_DATABASE_SCHEMA", service)
    return Settings(
        broker_url=env.get("MICROWISH_BROKER_URL", "memory://"),
        database_urls=urls,
        database_schemas=schemas,
        secret_key=env.get("MICROWISH_SECRET_KEY", Settings.secret_key),
        pii_keys=env.get("MICROWISH_PII_KEYS", _DEV_PII_KEY),
        relay_batch_size=int(env.get("MICROWISH_RELAY_BATCH_SIZE", Settings.relay_batch_size)),
        prefetch_count=int(env.get("MICROWISH_PREFETCH_COUNT", Settings.prefetch_count)),
        retry_backoff_seconds=float(
            env.get("MICROWISH_RETRY_BACKOFF_SECONDS", Settings.retry_backoff_seconds)
        ),
        max_body_bytes=_int(env, "MICROWISH_MAX_BODY_BYTES", Settings.max_body_bytes),
        max_submission_bytes=_int(env, "MICROWISH_MAX_SUBMISSION_BYTES",
                                  Settings.max_submission_bytes),
        pii_hash_key=env.get("MICROWISH_PII_HASH_KEY", _DEV_HASH_KEY),
        token_keys=env.get("MICROWISH_TOKEN_KEYS", _DEV_TOKEN_KEY),
        access_ttl_seconds=_int(env, "MICROWISH_ACCESS_TTL_SECONDS", Settings.access_ttl_seconds),
        refresh_ttl_seconds=_int(env, "MICROWISH_REFRESH_TTL_SECONDS", Settings.refresh_ttl_seconds),
        session_ttl_seconds=_int(env, "MICROWISH_SESSION_TTL_SECONDS", Settings.session_ttl_seconds),
        cookie_secure=env.get("MICROWISH_COOKIE_SECURE", "0").lower() in ("1", "true", "yes"),
        trusted_proxy_hops=_int(env, "MICROWISH_TRUSTED_PROXY_HOPS", Settings.trusted_proxy_hops),
        login_failures_allowed=_int(env, "MICROWISH_LOGIN_FAILURES_ALLOWED", Settings.login_failures_allowed),
        login_window_seconds=_int(env, "MICROWISH_LOGIN_WINDOW_SECONDS", Settings.login_window_seconds),
        claims_per_hour=_int(env, "MICROWISH_CLAIMS_PER_HOUR", Settings.claims_per_hour),
        retention_days=_int(env, "MICROWISH_RETENTION_DAYS", Settings.retention_days),
        retention_interval_seconds=float(env.get("MICROWISH_RETENTION_INTERVAL_SECONDS",
                                                 Settings.retention_interval_seconds)),
        registry_url=env.get("MICROWISH_REGISTRY_URL", "").strip(),
        registry_api_key=env.get("MICROWISH_REGISTRY_API_KEY", ""),
        registry_timeout_seconds=float(env.get("MICROWISH_REGISTRY_TIMEOUT_SECONDS",
                                               Settings.registry_timeout_seconds)),
        registry_pause_seconds=float(env.get("MICROWISH_REGISTRY_PAUSE_SECONDS",
                                             Settings.registry_pause_seconds)),
    )


def _int(env, name: str, default: int) -> int:
    return int(env.get(name, default))
