"""What reaches the statistics from the bus: every step of a wish's life, folded into its row."""
from __future__ import annotations

from services.scoring.stats.facts import FIELDS, Fact, apply
from services.scoring.stats.models import WishFact


def on_wish_event(uow, event) -> None:
    """Fold the event into its wish's row (made on the first event heard of, whichever it is)."""
    row = uow.session.get(WishFact, event.payload.wish_id)
    if row is None:
        row = WishFact(wish_id=event.payload.wish_id)
        uow.session.add(row)
    fact = Fact(**{name: getattr(row, name) for name in FIELDS})
    apply(fact, event.type, event.payload, event.occurred_at)
    for name in FIELDS:
        setattr(row, name, getattr(fact, name))
    uow.session.flush()  # a second event of the wish in the same batch finds this row
