"""The demo's story once its wishes are on the wall: 浦东's members and liaison play a claim
reminded and confirmed, an overdue claim given up, a hand-over offered and accepted, and an
escalated wish assigned and accepted, through matching's own actions and jobs. The days the
story needs pass by giving those jobs a `now` in the future (nobody sleeps for days), and the
notices it caused are delivered to the log like any other (LogSender: what a newcomer reads).

Runs once: a database where its first wish was ever claimed is left as it is. Off unless
MICROWISH_DEMO_STORY is `on` (`microwish run` turns it on; the tests choose)."""
from __future__ import annotations

import logging
import time
from datetime import date, datetime, time as clock, timedelta
from typing import NamedTuple

from sqlalchemy import select

from services.intake.accounts.models import Account
from services.matching.claims import actions as claims, steps
from services.matching.escalation import assignment, jobs as escalation
from services.matching.handover import actions as handover
from services.matching.models import Claim, Member, Wish
from services.matching.notices import jobs as notices
from services.matching.notices.senders import LogSender
from shared import audit
from shared.clock import CHINA
from shared.tokens import Principal

log = logging.getLogger("microwish.demo")
# Which 浦东 wish (all open to the whole city at once) plays which part, and who plays it.
CONFIRMED, OVERDUE, HANDED, ASSIGNED = ("孩子们想添置新学期的装备", "希望有一张医用摇床",
                                        "需要一部方便出行的轮椅车", "想去公园看看")
CAST = ("lihongmei", "wangzhiqiang", "liufang", "liaison-pudong")


class Claimed(NamedTuple):
    """What the story keeps of a claim it made (the session that made it is gone)."""

    id: str
    due_on: date


def enabled(env) -> bool:
    return env.get("MICROWISH_DEMO_STORY", "off").lower() in ("on", "1", "true", "yes")


def run_when_ready(dbs: dict, config, wait_seconds: float = 120.0) -> dict | None:
    """Wait (polling, bounded) until the story's wishes and members reached matching, then play
    it; None if they never did or it was played before."""
    deadline = time.monotonic() + wait_seconds
    while time.monotonic() < deadline:
        cast = _cast(dbs)
        if cast is not None:
            try:
                return play(dbs["matching"], config, *cast)
            except Exception:  # a demo nicety: the platform serves on without it
                log.exception("demo story failed")
                return None
        time.sleep(0.5)
    log.warning("demo story: its wishes or members did not reach the wall in %ss", wait_seconds)
    return None


def _cast(dbs: dict):
    """The wishes by title and the players by username, once matching knows them all."""
    with dbs["intake"].uow() as uow:  # read while the session holds them
        people = {a.username: Principal(id=a.id, role=a.role, name=a.display_name,
                                        communities=tuple(a.communities or ()), unit=a.unit_code)
                  for a in uow.session.scalars(select(Account).where(Account.username.in_(CAST)))}
    with dbs["matching"].uow() as uow:
        wishes = dict(uow.session.execute(select(Wish.title, Wish.id).where(
            Wish.title.in_((CONFIRMED, OVERDUE, HANDED, ASSIGNED)), Wish.status != "scheduled")).all())
        known = set(uow.session.scalars(select(Member.id).where(
            Member.id.in_([p.id for p in people.values()]))))
    members = [u for u in CAST if u != "liaison-pudong"]
    if len(wishes) < 4 or len(people) < len(CAST) or any(
            people[u].id not in known for u in members):
        return None
    return wishes, people


def _at(day, hour: int = 10) -> datetime:
    """An instant on a China calendar day: when a job of the story's future runs."""
    return datetime.combine(day, clock(hour), CHINA)


def play(db, config, wishes: dict, people: dict) -> dict | None:
    """The story, each step committed as the platform would; what became of each claim."""
    li, wang, liu, liaison = (people[u] for u in CAST)
    with db.uow() as uow:
        if uow.session.scalar(select(Claim.id).where(Claim.wish_id == wishes[CONFIRMED])):
            log.info("demo story: already played")
            return None
    # 1. 王志强 claims; a day before it is due he is reminded; he reports it done; confirmed.
    c1 = _claim(db, config, wishes[CONFIRMED], wang)
    reminded = notices.remind(db, config.reminder_days, _at(c1.due_on - timedelta(days=1)))
    _step(db, wang, steps.fulfil, c1.id, "书包、文具和校服都已送到孩子们手里")
    _step(db, liaison, steps.confirm, c1.id)
    # 2. 刘芳 claims and never gets to it: past its grace days the job gives it up.
    c2 = _claim(db, config, wishes[OVERDUE], liu)
    late = _at(c2.due_on + timedelta(days=config.overdue_grace_days + 1))
    released = notices.release_overdue(db, config.overdue_grace_days, late)
    # 3. 李红梅 claims, then hands it to 王志强, who accepts.
    c3 = _claim(db, config, wishes[HANDED], li)
    with db.uow() as uow:
        offer = handover.offer(uow, c3.id, li, wang.id).id
        uow.commit()
    with db.uow() as uow:
        handover.accept(uow, offer, wang, config.allowance_for)
        uow.commit()
    # 4. Days on, nobody took the park visit: escalated; the liaison assigns it to 李红梅.
    later = late + timedelta(days=config.escalate_after_days + 1)
    escalated = escalation.escalate(db, config.escalate_after_days,
                                    config.escalate_before_deadline_days, later)
    with db.uow() as uow:
        offered = assignment.assign(uow, wishes[ASSIGNED], li.id, liaison, later).id
        uow.commit()
    with db.uow() as uow:
        c4 = assignment.accept(uow, offered, li, config.allowance_for, config.claim_days,
                               later).id
        uow.commit()
    sent = notices.deliver(db, LogSender(), later + timedelta(days=1), limit=1000, per_hour=1000)
    outcome = {"confirmed": c1.id, "reminders": reminded, "released": released,
               "overdue": c2.id, "handed_over": c3.id, "escalated": escalated,
               "assigned": c4, "notices_sent": sent}
    log.info("demo story played: %s", outcome)
    return outcome


def _claim(db, config, wish_id: str, who: Principal) -> Claimed:
    with db.uow() as uow:
        member = uow.session.get(Member, who.id)
        c = claims.claim(uow, wish_id, claims.Claimer(who.id, member.unit_code,
                                                      member.community_code),
                         config.allowance_for, config.claim_days)
        audit.record(uow, who, "claim.claimed", "claim", c.id,
                     uow.session.get(Wish, wish_id).community_code, {"wish_id": wish_id})
        made = Claimed(c.id, c.due_on)
        uow.commit()
        return made


def _step(db, who: Principal, step, claim_id: str, *args) -> None:
    with db.uow() as uow:
        c = step(uow, claim_id, *args)
        audit.record(uow, who, f"claim.{c.status}", "claim", c.id,
                     uow.session.get(Wish, c.wish_id).community_code, {"wish_id": c.wish_id})
        uow.commit()
