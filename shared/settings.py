"""What every process needs, read from environment variables with safe development defaults:
the broker, the databases, the keys and the limits common to all. Each service's own settings are
in its config.py."""
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
    # A consumer applies up to batch_size messages in one commit, waiting at most
    # batch_wait_seconds after the first for the rest.
    batch_size: int = 100
    batch_wait_seconds: float = 0.005
    # A transiently failed message comes back after this, three times longer per attempt.
    retry_backoff_seconds: float = 0.5
    max_body_bytes: int = 1_000_000
    pii_hash_key: str = _DEV_HASH_KEY
    token_keys: str = _DEV_TOKEN_KEY
    cookie_secure: bool = False
    # How many reverse proxies in front of us set X-Forwarded-For; 0 trusts no header.
    trusted_proxy_hops: int = 0
    # A worker serves /metrics, /healthz and /readyz on this port (0: none); see shared/probe.py.
    metrics_port: int = 0
    log_format: str = "json"  # json | text (shared/logs.py)
    # TLS to the broker (an amqps:// URL): the CA that signed its certificate (else the system's),
    # and our client certificate and key when the broker asks for one (shared/broker.py).
    broker_ca: str = ""
    broker_cert: str = ""
    broker_key: str = ""

    def database_url(self, service: str) -> str:
        return self.database_urls[service]

    def database_schema(self, service: str) -> str:
        return self.database_schemas.get(service, service)

    def with_overrides(self, **changes) -> "Settings":
        return replace(self, **changes)


def from_env(env: dict[str, str] | None = None) -> Settings:
    """Build settings from MICROWISH_* variables; unset ones keep the all-in-one defaults."""
    env = environ(env)
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
        batch_size=env_int(env, "MICROWISH_BATCH_SIZE", Settings.batch_size),
        batch_wait_seconds=env_float(env, "MICROWISH_BATCH_WAIT_SECONDS",
                                     Settings.batch_wait_seconds),
        retry_backoff_seconds=float(
            env.get("MICROWISH_RETRY_BACKOFF_SECONDS", Settings.retry_backoff_seconds)
        ),
        max_body_bytes=env_int(env, "MICROWISH_MAX_BODY_BYTES", Settings.max_body_bytes),
        pii_hash_key=env.get("MICROWISH_PII_HASH_KEY", _DEV_HASH_KEY),
        token_keys=env.get("MICROWISH_TOKEN_KEYS", _DEV_TOKEN_KEY),
        cookie_secure=env.get("MICROWISH_COOKIE_SECURE", "0").lower() in ("1", "true", "yes"),
        trusted_proxy_hops=env_int(env, "MICROWISH_TRUSTED_PROXY_HOPS", Settings.trusted_proxy_hops),
        metrics_port=env_int(env, "MICROWISH_METRICS_PORT", Settings.metrics_port),
        log_format=env.get("MICROWISH_LOG_FORMAT", Settings.log_format),
        broker_ca=env.get("MICROWISH_BROKER_CA", ""),
        broker_cert=env.get("MICROWISH_BROKER_CERT", ""),
        broker_key=env.get("MICROWISH_BROKER_KEY", ""),
    )


def environ(env: dict[str, str] | None = None) -> dict[str, str]:
    """The variables to read: `env` when given (tests), else the process's environment."""
    return os.environ if env is None else env


def env_int(env, name: str, default: int) -> int:
    return int(env.get(name, default))


def env_float(env, name: str, default: float) -> float:
    return float(env.get(name, default))
