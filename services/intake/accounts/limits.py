"""Login throttling: a few failures per account and per client address, then a pause."""
from __future__ import annotations

import hashlib

from flask import request

from services.intake import config
from services.intake.models import RATE_LIMITS
from shared.errors import ApiError
from shared.ratelimit import RateLimit
from shared.web import database

# One address may fail for several accounts (a family, an office behind one NAT) before it waits.
_PER_ADDRESS_FACTOR = 4


def _limits() -> tuple[RateLimit, RateLimit]:
    s, engine = config.current(), database().engine
    return (RateLimit(engine, RATE_LIMITS, s.login_failures_allowed, s.login_window_seconds),
            RateLimit(engine, RATE_LIMITS, s.login_failures_allowed * _PER_ADDRESS_FACTOR,
                      s.login_window_seconds))


def _keys(username: str) -> tuple[str, str]:
    # Usernames may be phone numbers: only a hash of them is kept.
    user = hashlib.sha256(username.strip().lower().encode()).hexdigest()[:32]
    return f"login:user:{user}", f"login:addr:{request.remote_addr}"


def refuse_if_throttled(username: str) -> None:
    (per_user, per_addr), (user_key, addr_key) = _limits(), _keys(username)
    for limit, key in ((per_user, user_key), (per_addr, addr_key)):
        if limit.exceeded(key):
            raise ApiError(429, "too_many_requests", retry_after=limit.retry_after())


def count_failure(username: str) -> None:
    (per_user, per_addr), (user_key, addr_key) = _limits(), _keys(username)
    per_user.hit(user_key)
    per_addr.hit(addr_key)
