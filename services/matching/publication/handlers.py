"""What reaches publication from the bus: verified wishes, and erasures after retention."""
from __future__ import annotations

from services.matching.publication import actions


def prefetch_verified(uow, events) -> None:
    actions.prefetch(uow, {e.payload.wish_id for e in events})


def on_verified(uow, event) -> None:
    actions.publish(uow, event.payload)


def on_erased(uow, event) -> None:
    actions.erase(uow, event.payload.wish_id)
