"""What reaches the ledger from the bus: confirmed deeds."""
from __future__ import annotations

from services.scoring.ledger import actions


def on_confirmed(uow, event) -> None:
    actions.award(uow, event.payload, event.occurred_at)
