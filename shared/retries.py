"""Where a message that was not applied goes next: a retry tier that hands it back later, or, for
poison and past the last tier, its dead queue with the reason."""
from __future__ import annotations

from shared import envelope
from shared.publisher import Outgoing
from shared.topology import DEAD, RETRY_TIERS, retry_exchange

ATTEMPTS = "x-retry-count"  # how many times we have sent it round a retry tier
SENDER = "x-original-user-id"  # the user_id it arrived with (a copy must carry ours)
# The broker users ops replay dead letters as (services/ops/definitions.py): a replay reads as its
# sender's too. No system can publish as them: the broker checks user_id.
OPS_USERS = ("microwish", "ops")


def attempts(message) -> int:
    return int((message.headers or {}).get(ATTEMPTS, 0))


def backoff(base: float, tier: int) -> float:
    """Seconds a message waits in `tier`: growing threefold per attempt."""
    return base * 3 ** (tier - 1)


def next_copy(queue_name: str, outcome, base: float, own_user: str | None) -> Outgoing:
    """The copy to publish for a failed message: to its dead queue, or to the next retry tier."""
    message = outcome.message
    if outcome.poison is not None:
        return dead_copy(queue_name, message, outcome.poison.reason)
    tier = attempts(message) + 1
    if tier > RETRY_TIERS:
        return dead_copy(queue_name, message, f"gave up after {tier - 1} retries: {outcome.error}")
    props = message.properties
    headers = {**(message.headers or {}), ATTEMPTS: tier, "x-last-error": outcome.error[:1000]}
    if props.get("user_id") and SENDER not in headers:
        headers[SENDER] = props["user_id"]
    return _copy(message, retry_exchange(tier), queue_name, headers, user_id=own_user,
                 expiration=backoff(base, tier))


def dead_copy(queue_name: str, message, reason: str) -> Outgoing:
    """The message as it arrived, kept in `<queue>.dead` with why in its headers."""
    headers = {**(message.headers or {}), "x-reason": reason[:1000], "x-first-queue": queue_name}
    return _copy(message, DEAD, queue_name, headers)


def restore_sender(message, own_user: str | None) -> None:
    """A copy back from a retry tier reads as its sender published it (only ours can say so)."""
    headers = message.headers or {}
    props = message.properties
    if ATTEMPTS in headers and own_user and props.get("user_id") in (own_user, *OPS_USERS):
        props["user_id"] = headers.get(SENDER)


def _copy(message, exchange, routing_key: str, headers: dict, **extra) -> Outgoing:
    props = message.properties
    return Outgoing(
        message_id=props.get("message_id") or envelope.new_id(), exchange=exchange,
        routing_key=routing_key, body=message.body, type=props.get("type") or "",
        correlation_id=props.get("correlation_id"), headers=headers,
        app_id=props.get("app_id") or "unknown",
        # The original bytes, described as they arrived, so the copy is exact.
        content_type=message.content_type or "application/octet-stream",
        content_encoding=message.content_encoding or "binary", **extra)
