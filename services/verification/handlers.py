"""Verify a submitted wish: gather the facts, run the rules, record and announce the decision."""
from __future__ import annotations

from dataclasses import asdict

from sqlalchemy import delete

from services.verification import decision as d
from services.verification import facts
from services.verification.case import Case
from services.verification.categorise import categorise
from services.verification.models import Review, RoundEntry
from services.verification.outcomes import announce, record_consents, record_verdict
from services.verification.policy import Policies
from shared import audit
from shared.clock import today_in_china
from shared.envelope import utcnow
from shared.pii import Sealer

SERVICE_ACTOR = "service:verification"


def make_verify(sealer: Sealer, hash_key: str, policies: Policies, registry_for):
    """The handler of `wish.submitted` and its batch prefetch; `registry_for(db)` gives the
    civil-affairs registry."""
    def about(wish, review: Review | None, today) -> tuple[str, dict, str | None]:
        """The wish's round, its wisher opened and the household's key."""
        wisher = sealer.open(wish.wisher_sealed)
        round_ = (review.round if review is not None
                  else policies.for_community(wish.community_code).round_of(today))
        return round_, wisher, facts.household_key(hash_key, wisher.get("address"))

    def verify(uow, event) -> None:
        wish, now = event.payload, utcnow()
        review = facts.review_of(uow, wish.wish_id)
        if review is not None and review.revision >= (wish.revision or 1):
            return  # an older revision arriving late: the newer one was decided already
        today = today_in_china(now)
        policy = policies.for_community(wish.community_code)
        round_, wisher, household = about(wish, review, today)
        same_person, same_household = facts.others(uow, wish.wish_id, round_, wish.id_number_hash,
                                                   household)
        plain = asdict(wish)  # the rules read the wish as plain data
        allowance = facts.allowance(uow, registry_for(uow.db), wisher["id_number"])
        case = Case(plain, wisher, today, policy, allowance, same_person, same_household)
        verdict = d.decide(case, categorise(wish.title, wish.description, wish.kind,
                                            wish.skills or []))
        if review is None:
            review = Review(wish_id=wish.wish_id, received_at=now, round=round_)
            uow.session.add(review)
        review.id_number_hash, review.household_hash = wish.id_number_hash, household
        record_verdict(review, plain, wisher, verdict, now)
        record_consents(review, wish.consents, wisher, sealer)
        facts.keep(uow, review)
        if not facts.hold_place(uow, review):
            # The other wish committed between our look and now; retried, the rules see it.
            raise facts.PlaceTaken(review.wish_id)
        announce(uow, review)
        audit.record(uow, SERVICE_ACTOR, f"verification.{review.decision}", "wish",
                     review.wish_id, review.community_code,
                     {"rules": [r["rule"] for r in review.rules if not r["passed"]]})

    def prefetch(uow, events) -> None:
        today = today_in_china(utcnow())
        wishes = []
        for event in events:
            wish = event.payload
            round_, wisher, household = about(wish, None, today)
            wishes.append({"wish_id": wish.wish_id, "round": round_, "person": wish.id_number_hash,
                           "household": household, "id_number": wisher["id_number"]})
        facts.prefetch(uow, registry_for(uow.db), wishes)

    verify.prefetch = prefetch
    return verify


def erase(uow, event) -> None:
    """Intake erased the wisher's data after retention: drop our copies too."""
    wish_id = event.payload.wish_id
    review = uow.session.get(Review, wish_id)
    if review is not None:
        review.id_number_hash = review.household_hash = review.wisher_sealed = None
        review.contact_masked = review.phone_sealed = None
        review.wisher_display = "*"
        review.description = ""
    uow.session.execute(delete(RoundEntry).where(RoundEntry.wish_id == wish_id))
    uow.forget_sent(wish_id)
