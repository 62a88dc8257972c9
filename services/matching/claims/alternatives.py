"""What the loser of a race is offered instead: up to three similar open wishes (the same category
or community) that they may claim now."""
from __future__ import annotations

import functools
import time
from datetime import datetime

from sqlalchemy import bindparam, or_

from services.matching.models import Wish, open_to
from services.matching.web.views import wish_view
from services.matching.web.wall import SHOWN, Shown, filtered, names_of


class Alternatives:
    """The offers, each remembered for `seconds` per (wish, claimer's community): in a race every
    loser of one wish is offered the same few, so a worker asks the database about once a second,
    not once per loser. An offer gone in the meantime loses its own race and offers others."""

    def __init__(self, seconds: float = 1.0, size: int = 1024):
        self.seconds, self.size = seconds, size
        self._kept: dict[tuple, tuple[float, list[dict]]] = {}

    def offered(self, conn, wish_id: str, community_code: str, category: str | None,
                claimer_community: str | None, now: datetime) -> list[dict]:
        """The wishes' views (as the wall shows them), the freshest `seconds` old at most."""
        key, clock = (wish_id, claimer_community), time.monotonic()
        kept = self._kept.get(key)
        if kept is not None and kept[0] > clock:
            return kept[1]
        rows = [Shown(*row, None) for row in conn.execute(_similar(bool(category)), {
            "wish_id": wish_id, "community": community_code, "category": category,
            "claimer_community": claimer_community, "now": now})]
        names = names_of(rows)
        views = [wish_view(w, names) for w in rows]
        if self.seconds > 0:
            if len(self._kept) >= self.size:
                self._kept.clear()  # a round's worth of wishes: dropping it costs a query each
            self._kept[key] = (clock + self.seconds, views)
        return views

    def taken(self, wish_id: str) -> None:
        """A wish this worker saw claimed is offered no more (another worker's claim shows
        within `seconds`)."""
        self._kept = {key: kept for key, kept in self._kept.items()
                      if key[0] != wish_id and all(view["id"] != wish_id for view in kept[1])}


@functools.cache
def _similar(by_category: bool, limit: int = 3):
    """The offers' query (the wall's open wishes and columns), built once for each kind of wish."""
    alike = [Wish.community_code == bindparam("community")]
    if by_category:
        alike.append(Wish.category == bindparam("category"))
    return (filtered(frozenset(), *SHOWN)
            .where(Wish.id != bindparam("wish_id"), or_(*alike),
                   open_to(bindparam("claimer_community"), bindparam("now")))
            .order_by(Wish.urgent.desc(), Wish.published_at.desc(), Wish.id)
            .limit(limit))
