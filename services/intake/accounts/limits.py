"""Login throttling that is fair to a street office behind one address.

Each account (known or not: the key is a hash of the name typed) waits longer after each
failure past the first few, until a success; an address is limited only far above what a whole
office fails in normal work, so one person's typos or a scan never lock out everyone behind it.
"""
from __future__ import annotations

import hashlib
import math
import time

from flask import current_app, request

from services.intake import config
from services.intake.models import RATE_LIMITS
from shared.errors import ApiError
from shared.ratelimit import Backoff, RateLimit
from shared.web import database

# Tests put a fake clock here (app.extensions["microwish.clock"]) so no test has to sleep.
CLOCK = "microwish.clock"


def throttled(field: str, code: str, who: str, wait: int) -> ApiError:
    """429 too_many_requests with Retry-After; the field says which limit, in Chinese how long."""
    said = f"{wait} 秒" if wait < 120 else f"{math.ceil(wait / 60)} 分钟"
    return ApiError(429, "too_many_requests", retry_after=wait, fields=[
        {"field": field, "code": code, "message": f"{who}登录失败次数过多，请 {said}后再试"}])


def _now() -> float:
    return current_app.extensions.get(CLOCK, time.time)()


def _limits() -> tuple[Backoff, RateLimit]:
    s, engine = config.current(), database().engine
    return (Backoff(engine, RATE_LIMITS, s.login_failures_allowed, s.login_delay_seconds,
                    s.login_delay_cap_seconds, s.login_failures_forgotten_seconds),
            RateLimit(engine, RATE_LIMITS, s.login_address_failures_allowed,
                      s.login_address_window_seconds))


def _keys(username: str) -> tuple[str, str]:
    # Usernames may be phone numbers: only a hash of them is kept.
    user = hashlib.sha256(username.strip().lower().encode()).hexdigest()[:32]
    return f"login:user:{user}", f"login:addr:{request.remote_addr}"


def refuse_if_throttled(username: str) -> None:
    """Refuse before the password is even checked: a waiting try is not counted either."""
    (per_user, per_addr), (user_key, addr_key), now = _limits(), _keys(username), _now()
    wait = per_user.wait(user_key, now)
    if wait:
        raise throttled("username", "login_locked", "该账号", wait)
    if per_addr.exceeded(addr_key, now):
        raise throttled("_address", "address_limited", "此网络地址", per_addr.retry_after(now))


def count_failure(username: str) -> None:
    (per_user, per_addr), (user_key, addr_key), now = _limits(), _keys(username), _now()
    per_user.fail(user_key, now)
    per_addr.hit(addr_key, now)


def count_success(username: str) -> None:
    """The account starts afresh; the address keeps its count (a scan may include hits)."""
    per_user, _ = _limits()
    per_user.clear(_keys(username)[0])
