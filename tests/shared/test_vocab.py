"""One vocabulary for the wish's life: statuses, their one label each, the events that report them."""
from __future__ import annotations

import logging

from services.intake.submissions import handlers
from services.intake.submissions.models import Submission
from services.matching.web import pages as wall_pages
from services.verification.desk.views import DECISION_LABELS
from shared import contracts, topology, vocab
from shared.envelope import delivered, make_event, utcnow


def test_every_status_has_one_label_and_every_outcome_names_a_known_status_or_step():
    codes = [s.code for s in vocab.WISH_STATUSES]
    assert len(set(codes)) == len(codes)
    labels = list(vocab.STATUS_LABELS.values())
    assert len(set(labels)) == len(labels), "two statuses share a label"
    for event, status in vocab.OUTCOMES.items():
        assert event in contracts.SCHEMAS, event
        assert status in vocab.STATUS_RANK or status in vocab.STEPS, status
    assert set(vocab.NEXT_STEPS) == set(codes)


def test_the_services_show_the_vocabulary_labels():
    """The desk's decisions and the wall's statuses are the same words intake shows."""
    for code in ("needs_info", "verified", "rejected"):
        assert DECISION_LABELS[code] == vocab.STATUS_LABELS[code]
    assert vocab.label("published") == "已发布" and vocab.label("claimed") == "已认领"
    assert wall_pages.STATUS_LABELS is vocab.STATUS_LABELS


def test_intake_follows_every_outcome_the_vocabulary_names():
    queue = topology.queue("intake.wish-outcomes")
    events = [b.routing_key for b in queue.bindings if b.exchange == topology.EVENTS]
    assert sorted(events) == sorted(vocab.OUTCOMES)


def test_an_outcome_intake_does_not_know_is_kept_in_the_history_not_retried(make_db, caplog):
    """A status nobody ranked yet (say, the next issue's) is recorded and logged, never a crash."""
    db = make_db("intake")
    with db.uow() as uow:
        sub = Submission(id="w-unknown", source="web", source_ref="r", status="published",
                         community_code="chuanhui-wenming", title="t", description="d",
                         kind="material", wisher_display="李*", created_at=utcnow(), history=[],
                         minor=False, revision=1)
        uow.session.add(sub)
        uow.commit()
    event = delivered(make_event("wish.erased", {"wish_id": "w-unknown"}, "intake"))
    with caplog.at_level(logging.WARNING), db.uow() as uow:
        handlers.record_outcome(uow, event)  # "erased" is no status of the wish's life
        uow.commit()
    with db.uow() as uow:
        sub = uow.session.get(Submission, "w-unknown")
        assert sub.status == "published" and [h.status for h in sub.history] == ["erased"]
    assert any("unknown outcome" in r.getMessage() for r in caplog.records)
