"""The notices' scheduled scans, each derived from stored state and safe beside another worker:
reminders before a claim is due, giving up overdue claims, and delivering what is unsent."""
from __future__ import annotations

import logging
from collections import Counter
from datetime import datetime, timedelta

from sqlalchemy import func, select

from services.matching.claims import steps
from services.matching.models import Claim, Notice, Wish
from services.matching.notices import rules
from services.matching.notices.actions import notify, tell_liaisons, tell_serving, told
from services.matching.notices.contacts import AddressBook
from services.matching.notices.senders import Sender, Undeliverable
from shared import audit, metrics
from shared.clock import today_in_china
from shared.envelope import utcnow
from shared.pii import mask_typed

log = logging.getLogger("microwish.notices")
SERVICE = "matching"  # who acts when a job gives a claim up


def remind(db, ladder: tuple[int, ...], now: datetime | None = None) -> int:
    """Write the reminder each open claim is owed today (China time) to those who serve on it;
    a notice's key makes each exist once, however many scans or workers; how many written."""
    now = now or utcnow()
    today = today_in_china(now)
    with db.uow() as uow:
        open_ = uow.session.execute(
            select(Claim, Wish.title, Wish.urgent).join(Wish, Wish.id == Claim.wish_id)
            .where(Claim.status == "claimed", Claim.due_on >= today,
                   Claim.due_on <= today + timedelta(days=max(ladder, default=0)))).all()
        written = 0
        for c, title, urgent in open_:
            step = rules.rung(c.due_on, today, ladder)
            if step is None:
                continue
            params = {"title": title, "due_on": c.due_on.isoformat(),
                      "days_left": (c.due_on - today).days}
            kind = "claim.due_today" if step == 0 else "claim.reminder"
            for member_id in told(uow, c):
                written += notify(uow, f"reminder:{c.id}:{step}:{member_id}", member_id, kind,
                                  params, urgent, now)
        uow.commit()
    return written


def release_overdue(db, grace_days: int, now: datetime | None = None, limit: int = 100) -> int:
    """Give up the claims still open `grace_days` after they were due (the wish goes back on
    the wall, `wish.released` says why) and tell their claimers and the community's liaisons.
    Rows another worker holds are skipped: each claim is given up once; how many."""
    now = now or utcnow()
    today = today_in_china(now)
    with db.uow() as uow:
        late = uow.session.scalars(
            select(Claim).where(Claim.status == "claimed",
                                Claim.due_on < today - timedelta(days=grace_days))
            .order_by(Claim.due_on, Claim.id).limit(limit)
            .with_for_update(skip_locked=True)).all()
        for c in late:
            steps.release(uow, c.id, SERVICE, "overdue")
            wish = uow.session.get(Wish, c.wish_id)
            audit.record(uow, SERVICE, "claim.released", "claim", c.id, wish.community_code,
                         {"wish_id": c.wish_id, "reason": "overdue"})
            tell_serving(uow, c, "claim.overdue_released", f"overdue:{c.id}")
            tell_liaisons(uow, c, "liaison.overdue_released", f"overdue:{c.id}")
        uow.commit()
    return len(late)


def deliver(db, sender: Sender, now: datetime | None = None, limit: int = 100,
            per_hour: int = 10, addresses: AddressBook | None = None,
            max_attempts: int = rules.MAX_ATTEMPTS) -> int:
    """Hand the notices whose time has come to `sender`, skipping those another worker is
    sending; a failure is tried again later, with a growing wait, `max_attempts` times at most;
    a recipient with no address for the channel, or one the provider refuses, is given up with
    the reason; a person sent `per_hour` notices in the last hour gets the rest later (an
    urgent wish's at once); how many sent."""
    now = now or utcnow()
    needs, channel = getattr(sender, "needs", None), getattr(sender, "channel", "log")
    if needs and addresses is None:
        raise ValueError(f"the {channel} channel needs an address book")
    sent = 0
    with db.uow() as uow:
        due = uow.session.scalars(
            select(Notice).where(Notice.sent_at.is_(None), Notice.failed_at.is_(None),
                                 Notice.deliver_at <= now)
            .order_by(Notice.deliver_at, Notice.id).limit(limit)
            .with_for_update(skip_locked=True)).all()
        recipients = {n.recipient for n in due}
        recent = Counter(dict(uow.session.execute(
            select(Notice.recipient, func.count()).where(
                Notice.recipient.in_(recipients), Notice.urgent.is_(False),
                Notice.sent_at > now - timedelta(hours=1))
            .group_by(Notice.recipient)).all()))
        book = addresses.addresses(uow.session, recipients, needs) if needs else {}
        for n in due:
            if recent[n.recipient] >= per_hour and not n.urgent:
                n.deliver_at = now + rules.RATE_WINDOW  # not a failure: no attempt counted
                continue
            if needs and n.recipient not in book:
                _give_up(n, now, channel, f"no_address:{needs}")
                continue
            try:
                provider_id = sender.send(n.id, n.recipient, n.kind, n.params,
                                          *((book[n.recipient],) if needs else ()))
            except Undeliverable as exc:
                _give_up(n, now, channel, exc.reason)
                continue
            except Exception as exc:  # any channel's failure: this notice waits, the rest go
                n.attempts += 1
                # mask_typed: a driver's message might quote a number; none goes in a log
                n.last_error = mask_typed(f"{type(exc).__name__}: {exc}")[:500]
                if n.attempts >= max_attempts:
                    _give_up(n, now, channel, "too_many_attempts")
                    continue
                n.deliver_at = rules.retry_at(now, n.attempts)
                metrics.NOTICES_FAILED.labels(channel, "retry").inc()
                log.warning("notice %s (%s) to %s not delivered, attempt %d: %s", n.id, n.kind,
                            n.recipient, n.attempts, n.last_error)
                continue
            n.sent_at, n.channel, n.provider_id, sent = now, channel, provider_id, sent + 1
            recent[n.recipient] += not n.urgent  # an urgent wish's notices count against none
        uow.commit()
    if sent:  # counted once committed: a rolled-back batch is sent again
        metrics.NOTICES_SENT.labels(channel).inc(sent)
    return sent


def _give_up(n: Notice, now: datetime, channel: str, reason: str) -> None:
    """Never try this notice again, and say why (with the account id, never an address)."""
    n.failed_at, n.failure, n.channel = now, reason[:100], channel
    metrics.NOTICES_FAILED.labels(channel, metrics.reason_kind(reason)).inc()
    log.warning("notice %s (%s) to %s given up on %s: %s", n.id, n.kind, n.recipient, channel,
                reason)
