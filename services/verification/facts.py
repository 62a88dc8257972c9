"""What verification reads besides the wish: the person's place in the round, the household's
other wishes, the allowance registry; each read once per batch when the batch is applied whole."""
from __future__ import annotations

from sqlalchemy import delete, select, tuple_

from services.verification import decision as d
from services.verification.models import Review, RoundEntry
from services.verification.registry import RegistryUnavailable
from shared.pii import keyed_hash


def household_key(hash_key: str, address: str | None) -> str | None:
    """The keyed hash of an address with spaces and punctuation taken out: one per household."""
    if not address:
        return None
    return keyed_hash(hash_key, "".join(ch for ch in address if ch.isalnum()))


def review_of(uow, wish_id: str) -> Review | None:
    return uow.lookup("review", wish_id, lambda: uow.session.get(Review, wish_id))


def allowance(uow, registry, id_number: str):
    """What the registry says of the person; None while it cannot answer."""
    def ask():
        try:
            return registry.lookup(id_number)
        except RegistryUnavailable:
            return None
    return uow.lookup("allowance", id_number, ask)


def _place(uow, round_: str, person: str) -> RoundEntry | None:
    return uow.lookup("place", (round_, person),
                      lambda: uow.session.get(RoundEntry, (round_, person)))


def _household(uow, household: str) -> list[Review]:
    """The household's reviews (any round, any decision: the reader filters, as they change)."""
    return uow.lookup("household", household, lambda: list(uow.session.scalars(
        select(Review).where(Review.household_hash == household))))


def others(uow, wish_id: str, round_: str, person: str | None, household: str | None):
    """The same person's other wish this round, and the household's other live wishes this round."""
    place = _place(uow, round_, person) if person else None
    same_person = [place.wish_id] if place is not None and place.wish_id != wish_id else []
    same_household = [] if household is None else [
        {"wish_id": r.wish_id, "title": r.title, "description": r.description}
        for r in _household(uow, household)
        if r.household_hash == household and r.round == round_ and r.wish_id != wish_id
        and r.decision != d.REJECTED]
    return same_person, same_household


def keep(uow, review: Review) -> None:
    """A review this batch added, for the household reads of the messages after it."""
    if review.household_hash and review not in _household(uow, review.household_hash):
        _household(uow, review.household_hash).append(review)


class PlaceTaken(RuntimeError):
    """Another wish of the person took the round's place after the rules looked: decide again."""


def hold_place(uow, review: Review) -> bool:
    """Keep the person's one place in the round for this wish, or give it back when rejected;
    False when another of their wishes holds it."""
    if review.decision == d.REJECTED:
        uow.session.execute(delete(RoundEntry).where(RoundEntry.wish_id == review.wish_id))
        uow.remember("place", (review.round, review.id_number_hash), None)
        return True
    if not review.id_number_hash:
        return True
    entry = _place(uow, review.round, review.id_number_hash)
    if entry is None:
        # Two workers admitting one person at once: the primary key fails one, it is retried.
        entry = RoundEntry(round=review.round, id_number_hash=review.id_number_hash,
                           wish_id=review.wish_id)
        uow.session.add(entry)
        uow.remember("place", (review.round, review.id_number_hash), entry)
        if uow.cache is None:  # a batch applied whole meets the clash at its commit instead
            uow.session.flush()
        return True
    return entry.wish_id == review.wish_id


def prefetch(uow, registry, wishes: list[dict]) -> None:
    """A batch's reviews, round places, households and allowances: a query for each kind.
    `wishes` hold wish_id, round, person (id_number_hash), household and id_number."""
    ids = {w["wish_id"] for w in wishes}
    found = {r.wish_id: r for r in uow.session.scalars(select(Review).where(Review.wish_id.in_(ids)))}
    places = {(w["round"], w["person"]) for w in wishes if w["person"]}
    held = {(e.round, e.id_number_hash): e for e in uow.session.scalars(select(RoundEntry).where(
        tuple_(RoundEntry.round, RoundEntry.id_number_hash).in_(places)))} if places else {}
    households = {w["household"] for w in wishes if w["household"]}
    homes: dict[str, list] = {h: [] for h in households}
    if households:
        for r in uow.session.scalars(select(Review).where(Review.household_hash.in_(households))):
            homes[r.household_hash].append(r)
    uow.preload("review", ids, found)
    uow.preload("place", places, held)
    uow.preload("household", households, homes)
    answers = registry.lookup_many({w["id_number"] for w in wishes})
    uow.preload("allowance", answers, answers)
