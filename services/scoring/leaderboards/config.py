"""The leaderboards' settings: MICROWISH_LEADERBOARD_SIZE, how many lines a board shows (50)."""
from __future__ import annotations

from shared.settings import environ

DEFAULT_SIZE = 50


def size(env: dict[str, str] | None = None) -> int:
    raw = environ(env).get("MICROWISH_LEADERBOARD_SIZE", "").strip()
    value = int(raw) if raw else DEFAULT_SIZE
    if not 1 <= value <= 1000:
        raise ValueError("MICROWISH_LEADERBOARD_SIZE must be between 1 and 1000")
    return value
