"""A liaison tells a claimer the wisher's phone (recorded and audited), and the claimer reads it
while their claim is under way: opened from the wish's seal each time, never copied."""
from __future__ import annotations

from sqlalchemy import select

from services.matching.errors import ClaimNotActive, PhoneNotShared
from services.matching.models import Claim, PhoneReveal, Wish
from services.matching.reveal import rules
from shared import audit
from shared.envelope import new_id, utcnow

_REFUSED = {"no_phone_consent": PhoneNotShared, "claim_not_active": ClaimNotActive}


def reveal(uow, who, c: Claim, wish: Wish) -> tuple[PhoneReveal, bool]:
    """Tell the claim's claimer the phone, once per claimer (a second tap returns the first
    record, created False); refused without the wisher's consent or once the claim is no longer under way."""
    uow.session.refresh(c, with_for_update=True)  # a confirmation racing this one: one order
    uow.session.refresh(wish)
    problem = rules.reveal_problem(wish.share_phone, c.status)
    if problem:
        raise _REFUSED[problem](c.id, rules.problem_fields(problem))
    found = uow.session.scalars(select(PhoneReveal).where(
        PhoneReveal.claim_id == c.id, PhoneReveal.member_id == c.member_id)).one_or_none()
    if found is not None:
        return found, False
    made = PhoneReveal(id=new_id(), claim_id=c.id, wish_id=wish.id, member_id=c.member_id,
                       revealed_by=who.id, revealed_at=utcnow())
    uow.session.add(made)
    audit.record(uow, who, "claim.phone_revealed", "claim", c.id, wish.community_code,
                 {"wish_id": wish.id, "member_id": c.member_id})
    return made, True


def revealed_to(session, claim_ids) -> dict[str, set[str]]:
    """claim id → the members it was told to, for a page of claims in one query."""
    ids, found = set(claim_ids), {}
    if ids:
        for claim_id, member in session.execute(select(PhoneReveal.claim_id, PhoneReveal.member_id)
                                                .where(PhoneReveal.claim_id.in_(ids))):
            found.setdefault(claim_id, set()).add(member)
    return found


def phone_for(viewer_id: str, c: Claim, wish: Wish, told: set[str], sealer) -> str | None:
    """The wisher's phone in clear for the claimer it was told to, while the claim is under way."""
    if wish.phone_sealed is None or not rules.shows_phone(viewer_id, c.member_id, c.status, told):
        return None
    return sealer.open(wish.phone_sealed)
