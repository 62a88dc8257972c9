"""The ops tool's settings: the management API, the replay limit, the dead queues' retention."""
from __future__ import annotations

from dataclasses import dataclass

from shared.dead_letters import copy_days
from shared.settings import env_int, environ


@dataclass(frozen=True)
class Config:
    rabbitmq_api: str = "http://127.0.0.1:15672/api"
    rabbitmq_api_user: str = "guest"
    rabbitmq_api_password: str = "guest"
    replay_limit: int = 3  # replays of one message before ops must look at the code instead
    dead_ttl_days: int = 7  # the broker's copy in <queue>.dead
    dead_max_length: int = 10_000  # per dead queue; the oldest goes first past it
    dead_copy_days: int = 14  # our sealed copy, after its last death
    # Who reads the dead queues and replays (the `ops` broker user); unset: MICROWISH_BROKER_URL.
    broker_url: str = ""


def from_env(env: dict[str, str] | None = None) -> Config:
    """MICROWISH_* variables (the management API's are the ones `systems register` reads)."""
    env, d = environ(env), Config
    return Config(
        rabbitmq_api=env.get("MICROWISH_RABBITMQ_API", d.rabbitmq_api).rstrip("/"),
        rabbitmq_api_user=env.get("MICROWISH_RABBITMQ_API_USER", d.rabbitmq_api_user),
        rabbitmq_api_password=env.get("MICROWISH_RABBITMQ_API_PASSWORD", d.rabbitmq_api_password),
        replay_limit=env_int(env, "MICROWISH_REPLAY_LIMIT", d.replay_limit),
        dead_ttl_days=env_int(env, "MICROWISH_DEAD_TTL_DAYS", d.dead_ttl_days),
        dead_max_length=env_int(env, "MICROWISH_DEAD_MAX_LENGTH", d.dead_max_length),
        dead_copy_days=copy_days(env),
        broker_url=env.get("MICROWISH_OPS_BROKER_URL", d.broker_url))


def broker_url(config: Config, settings) -> str:
    """The broker URL ops work with: their own user's, else the process's."""
    return config.broker_url or settings.broker_url
