"""Verify a submitted wish: gather the facts, run the rules, record and announce the decision."""
from __future__ import annotations

from dataclasses import asdict

from sqlalchemy import delete, select

from services.verification import decision as d
from services.verification.case import Case
from services.verification.categorise import categorise
from services.verification.models import Review, RoundEntry
from services.verification.outcomes import announce, record_verdict
from services.verification.policy import Policies
from services.verification.registry import RegistryUnavailable
from shared import audit
from shared.clock import today_in_china
from shared.envelope import utcnow
from shared.pii import Sealer, keyed_hash

SERVICE_ACTOR = "service:verification"


def household_key(hash_key: str, address: str | None) -> str | None:
    """The keyed hash of an address with spaces and punctuation taken out: one per household."""
    if not address:
        return None
    return keyed_hash(hash_key, "".join(ch for ch in address if ch.isalnum()))


def _allowance(registry, id_number: str):
    try:
        return registry.lookup(id_number)
    except RegistryUnavailable:
        return None


def _others(uow, wish_id: str, round_: str, person: str, household: str | None):
    """The same person's other wish this round, and the household's other live wishes this round."""
    same_person = uow.session.scalars(select(RoundEntry.wish_id).where(
        RoundEntry.round == round_, RoundEntry.id_number_hash == person,
        RoundEntry.wish_id != wish_id)).all()
    same_household = [] if household is None else [
        {"wish_id": r.wish_id, "title": r.title, "description": r.description}
        for r in uow.session.scalars(select(Review).where(
            Review.household_hash == household, Review.round == round_,
            Review.wish_id != wish_id, Review.decision != d.REJECTED))]
    return list(same_person), same_household


class PlaceTaken(RuntimeError):
    """Another wish of the person took the round's place after the rules looked: decide again."""


def hold_place(uow, review: Review) -> bool:
    """Keep the person's one place in the round for this wish, or give it back when rejected;
    False when another of their wishes holds it."""
    if review.decision == d.REJECTED:
        uow.session.execute(delete(RoundEntry).where(RoundEntry.wish_id == review.wish_id))
        return True
    key = (review.round, review.id_number_hash)
    if not review.id_number_hash:
        return True
    entry = uow.session.get(RoundEntry, key)
    if entry is None:
        # Two workers admitting one person at once: the primary key fails one, it is retried.
        uow.session.add(RoundEntry(round=key[0], id_number_hash=key[1], wish_id=review.wish_id))
        uow.session.flush()
        return True
    return entry.wish_id == review.wish_id


def make_verify(sealer: Sealer, hash_key: str, policies: Policies, registry_for):
    """The handler of `wish.submitted`; `registry_for(db)` gives the civil-affairs registry."""
    def verify(uow, event) -> None:
        wish, now = event.payload, utcnow()
        review = uow.session.get(Review, wish.wish_id)
        if review is not None and review.revision >= (wish.revision or 1):
            return  # an older revision arriving late: the newer one was decided already
        today = today_in_china(now)
        policy = policies.for_community(wish.community_code)
        wisher = sealer.open(wish.wisher_sealed)
        round_ = review.round if review is not None else policy.round_of(today)
        household = household_key(hash_key, wisher.get("address"))
        same_person, same_household = _others(uow, wish.wish_id, round_, wish.id_number_hash,
                                              household)
        facts = asdict(wish)  # the rules read the wish as plain data
        allowance = _allowance(registry_for(uow.db), wisher["id_number"])
        case = Case(facts, wisher, today, policy, allowance, same_person, same_household)
        verdict = d.decide(case, categorise(wish.title, wish.description, wish.kind,
                                            wish.skills or []))
        if review is None:
            review = Review(wish_id=wish.wish_id, received_at=now, round=round_)
            uow.session.add(review)
        review.id_number_hash, review.household_hash = wish.id_number_hash, household
        record_verdict(review, facts, wisher, verdict, now)
        if not hold_place(uow, review):
            # The other wish committed between our look and now; retried, the rules see it.
            raise PlaceTaken(review.wish_id)
        announce(uow, review)
        audit.record(uow, SERVICE_ACTOR, f"verification.{review.decision}", "wish",
                     review.wish_id, review.community_code,
                     {"rules": [r["rule"] for r in review.rules if not r["passed"]]})
    return verify


def erase(uow, event) -> None:
    """Intake erased the wisher's data after retention: drop our copies too."""
    wish_id = event.payload.wish_id
    review = uow.session.get(Review, wish_id)
    if review is not None:
        review.id_number_hash = review.household_hash = review.wisher_sealed = None
        review.contact_masked = None
        review.wisher_display = "*"
        review.description = ""
    uow.session.execute(delete(RoundEntry).where(RoundEntry.wish_id == wish_id))
    uow.forget_sent(wish_id)
