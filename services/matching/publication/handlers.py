"""What reaches publication from the bus: verified wishes, and erasures after retention."""
from __future__ import annotations

from services.matching import communities
from services.matching.config import Config
from services.matching.publication import actions


def make_on_verified(config: Config):
    """The handler of `wish.verified` (and its batch prefetch) under matching's `config`."""
    def on_verified(uow, event) -> None:
        wish = event.payload
        community = communities.find(uow, wish.community_code)
        actions.publish(uow, wish, config, community.meeting_rule if community else None,
                        known=community is not None)

    def prefetch(uow, events) -> None:
        actions.prefetch(uow, {e.payload.wish_id for e in events})
        communities.prefetch(uow, {e.payload.community_code for e in events})

    on_verified.prefetch = prefetch
    return on_verified


def on_erased(uow, event) -> None:
    actions.erase(uow, event.payload.wish_id)
