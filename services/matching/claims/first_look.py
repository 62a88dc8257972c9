"""A claim attempt's first look: one statement counts the attempt against the claimer's hourly
allowance and reads what decides it (claims.attempt), so a lost race costs one round trip."""
from __future__ import annotations

import dataclasses
import functools

from sqlalchemy import Integer, and_, bindparam, case, func, select
from sqlalchemy.orm import aliased

from services.matching.claims.attempt import Attempt
from services.matching.claims.quota import theirs
from services.matching.models import Claim, Member, Wish
from shared.ratelimit import RateLimit


def first_look(conn, limit: RateLimit, member_id: str, wish_id: str, key: str | None) -> Attempt:
    """Count the attempt and read it as it stands, in one statement on an autocommit connection
    (web.reading): the count is committed when the statement ends, whatever happens next."""
    params = {**limit.hit_params(f"claim:{member_id}"), "me": member_id, "wish_id": wish_id,
              "claim_key": key}
    if conn.dialect.name != "postgresql":  # SQLite takes no INSERT inside a SELECT: two steps
        params["hits"] = conn.execute(limit.upsert, params).scalar_one()
    row = conn.execute(_statement(conn.dialect.name, limit.upsert), params).one()
    return Attempt(*row[:len(_FIELDS)])  # PostgreSQL's last column only set the commit's pace


_FIELDS = dataclasses.fields(Attempt)


@functools.cache
def _statement(dialect: str, upsert):
    """The first look, built once: the count (from the hit itself on PostgreSQL), then the rest
    in Attempt's order, then (PostgreSQL) how durably the attempt's commit must be written."""
    if dialect == "postgresql":
        hit = upsert.cte("hit")
    else:
        hit = select(bindparam("hits", type_=Integer).label("count")).subquery("hit")
    me, wish, keyed = bindparam("me"), Wish.__table__, aliased(Claim, name="keyed")
    registered_in = select(Member.community_code).where(Member.id == me).scalar_subquery()
    held = (select(Claim.id).where(Claim.wish_id == bindparam("wish_id"),
                                   Claim.status != "released", theirs(me))
            .limit(1).scalar_subquery())
    columns = [hit.c.count, registered_in, wish.c.status, wish.c.community_code,
               wish.c.category, wish.c.citywide_at, wish.c.capacity, keyed.id, keyed.wish_id, held]
    if dialect == "postgresql":
        # An attempt on a wish that is not open only counts, and that count may be lost in a
        # crash without harm (the claimer gets one attempt more), so its commit does not wait
        # for the disk: in a race thousands of such commits would otherwise queue on it.
        columns.append(func.set_config("synchronous_commit", case(
            (wish.c.status == "published", "on"), else_="off"), True))
    return (select(*columns)
            .select_from(hit)
            .outerjoin(wish, wish.c.id == bindparam("wish_id"))
            .outerjoin(keyed, and_(keyed.member_id == me,
                                   keyed.idempotency_key == bindparam("claim_key"))))
