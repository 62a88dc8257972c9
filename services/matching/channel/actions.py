"""The brokered channel: messages on a claim between those who serve on it and the wish's
liaisons, each side told of the other's."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select

from services.matching.channel import rules
from services.matching.models import Claim, ClaimMessage
from services.matching.notices.actions import tell_liaisons, tell_serving
from shared.envelope import new_id, utcnow
from shared.pii import Sealer


def post(uow, sealer: Sealer, c: Claim, author_id: str, side: str, body: str,
         now: datetime | None = None) -> ClaimMessage:
    """Add a message from `side`; the other side is told (not what it says: notices reach
    phones, the words stay here)."""
    m = ClaimMessage(id=new_id(), claim_id=c.id, author_id=author_id, side=side,
                     body_sealed=sealer.seal(body), created_at=now or utcnow())
    uow.session.add(m)
    if side == rules.CLAIMER:
        tell_liaisons(uow, c, "liaison.message", f"message:{m.id}")
    else:
        tell_serving(uow, c, "claim.message", f"message:{m.id}")
    return m


def read(uow, sealer: Sealer, claim_id: str, reader_side: str) -> list[dict]:
    """The claim's messages, oldest first, as `reader_side` may read them."""
    found = uow.session.scalars(select(ClaimMessage).where(ClaimMessage.claim_id == claim_id)
                                .order_by(ClaimMessage.created_at, ClaimMessage.id))
    return [{"id": m.id, "side": m.side, "author_id": m.author_id,
             "at": m.created_at.isoformat(),
             "body": rules.shown_to(reader_side, sealer.open(m.body_sealed))} for m in found]


def erase(uow, wish_id: str) -> None:
    """Intake erased the wish: its claims' messages go with it."""
    uow.session.execute(delete(ClaimMessage).where(ClaimMessage.claim_id.in_(
        select(Claim.id).where(Claim.wish_id == wish_id))))
