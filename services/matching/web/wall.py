"""Which open wishes the wall shows: its filters, the Chinese keyword search, and keyset pages in a
stable order (newest published first, then by id) with the total that matches."""
from __future__ import annotations

import base64
import binascii
from datetime import datetime
from collections import namedtuple
from functools import lru_cache

from marshmallow import ValidationError, fields, validate
from sqlalchemy import Integer, and_, bindparam, func, or_, select

from services.matching.models import (PUBLISHED, Community, Wish, needs_skill, open_to,
                                      skill_pattern)
from shared.fields import Strict, choice, query_flag, text
from shared.web import validated
from shared.vocab import CATEGORIES, KIND_LABELS, SKILLS, WISH_TYPES


class Cursor(fields.String):
    """Where the previous page ended: opaque to callers, (the time it is ordered by, wish id) to
    us (the wall's published_at, the stories' story_at)."""

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            at, _, wish_id = base64.urlsafe_b64decode(value.encode()).decode().partition("|")
            return datetime.fromisoformat(at), wish_id
        except (binascii.Error, UnicodeError, ValueError):
            raise ValidationError("invalid_cursor") from None


def cursor_of(wish, at: str = "published_at") -> str:
    """The cursor after `wish` (a Wish or a Shown row), ordered by its `at`."""
    return base64.urlsafe_b64encode(f"{getattr(wish, at).isoformat()}|{wish.id}".encode()).decode()


class WallQuery(Strict):
    """GET /api/v1/wishes: every filter optional; `may_claim` only means something when logged in."""

    district = text(1, 32)
    street = text(1, 50)
    community = text(1, 32)
    category = choice(CATEGORIES)
    kind = choice(KIND_LABELS)
    wish_type = choice(WISH_TYPES)
    skill = choice(SKILLS)
    urgent = query_flag()
    may_claim = query_flag()
    q = text(1, 50)  # 棉衣, 血压: found anywhere in the title or the description
    limit = fields.Integer(load_default=20, validate=validate.Range(1, 100, error="out_of_range"))
    after = Cursor()


WALL_QUERY = WallQuery()  # marshmallow schemas load again and again; one copy of its fields


def wall_args(args: dict) -> dict:
    """The wall's query (`request.args`) validated; readers ask the same few again and again, so
    each is validated once (a bad one is refused every time: errors are not remembered)."""
    return dict(_validated(tuple(sorted(args.items()))))


@lru_cache(maxsize=1024)
def _validated(query: tuple) -> dict:
    return validated(WALL_QUERY, dict(query))


def _like(q: str) -> str:
    return "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


# What the wall shows of a wish (web.views reads them off a row as off a Wish), and its community's
# name from the same statement, so a page costs no look-up of its own.
SHOWN = (Wish.id, Wish.community_code, Wish.title, Wish.description, Wish.kind,
         Wish.wisher_display, Wish.status, Wish.published_at, Wish.citywide_at, Wish.category,
         Wish.skills, Wish.service_standard, Wish.urgent, Wish.deadline, Wish.wish_type,
         Wish.capacity, Wish.places_left, Wish.claim_id, Community.name.label("community_name"))
# A page's rows as plain named tuples: the views read a dozen fields off each of twenty rows, and
# a tuple's attributes cost a fraction of a Row's.
Shown = namedtuple("Shown", [column.key for column in SHOWN] + ["total"])


# Filters compared with a column; `skill`, `q`, `may_claim` and `after` are said in SQL below.
_EQUAL = {"district": Community.district, "street": Community.street,
          "community": Wish.community_code, "category": Wish.category, "kind": Wish.kind,
          "wish_type": Wish.wish_type, "urgent": Wish.urgent}


def filtered(shape: frozenset, *columns):
    """`columns` of the open wishes, narrowed by the filters named in `shape`, each value a bind
    parameter of its name (`params` fills them in), as a statement without order or page."""
    # intake's copy says where a community is; a left join on its key costs the count nothing
    query = (select(*columns).select_from(Wish)
             .outerjoin(Community, Community.code == Wish.community_code)
             .where(PUBLISHED))
    for name, column in _EQUAL.items():
        if name in shape:
            query = query.where(column == bindparam(name))
    if "skill" in shape:
        query = query.where(needs_skill(bindparam("skill")))
    if "q" in shape:
        query = query.where(or_(Wish.title.like(bindparam("q"), escape="\\"),
                                Wish.description.like(bindparam("q"), escape="\\")))
    if "may_claim" in shape:
        query = query.where(open_to(bindparam("viewer"), bindparam("now")))
    return query


@lru_cache(maxsize=512)
def statements(shape: frozenset):
    """The page (rows of SHOWN with the total beside each) and the count alone, for one shape
    of filters: built and keyed by SQLAlchemy once, not on every request."""
    total = filtered(shape, func.count()).scalar_subquery()
    query = filtered(shape, *SHOWN, total.label("total"))
    if "after" in shape:
        query = query.where(or_(Wish.published_at < bindparam("after_at"),
                                and_(Wish.published_at == bindparam("after_at"),
                                     Wish.id < bindparam("after_id"))))
    # the limit written into the SQL: with it a parameter, the generic plan of a prepared
    # statement cannot know the page stops early, and sorts every match
    query = query.order_by(Wish.published_at.desc(), Wish.id.desc()).limit(
        bindparam("limit", type_=Integer, literal_execute=True))
    return query, select(total)


def params(args: dict, viewer_community, now) -> tuple[frozenset, dict]:
    """The filters `args` ask for (the statement's shape) and the values of its bind parameters."""
    shape = {name for name in (*_EQUAL, "skill", "q", "after") if name in args}
    values = {name: args[name] for name in _EQUAL if name in args}
    if "skill" in args:
        values["skill"] = skill_pattern(args["skill"])
    if "q" in args:
        values["q"] = _like(args["q"])
    if "after" in args:
        values["after_at"], values["after_id"] = args["after"]
    if args.get("may_claim") and viewer_community is not False:
        shape.add("may_claim")
        values.update(viewer=viewer_community, now=now)
    return frozenset(shape), values


def for_you(session, member, limit: int = 20) -> list[Wish]:
    """Open wishes that need a skill the member offers, their own community's first, then the
    rest of their district (a member nobody announced, or with no skills, gets none)."""
    if member is None or not member.skills or not member.community_code:
        return []
    district = member.community_code.split("-", 1)[0]
    offered = [needs_skill(skill) for skill in member.skills if skill in SKILLS]
    if not offered:
        return []
    needs = or_(*offered)
    query = (select(Wish).where(PUBLISHED, needs,
                                Wish.community_code.like(f"{district}-%"))
             .order_by((Wish.community_code != member.community_code), Wish.urgent.desc(),
                       Wish.published_at.desc(), Wish.id.desc()).limit(limit))
    return list(session.scalars(query))


def names_of(rows) -> dict[str, str]:
    """The Chinese names of a page's communities, as its rows brought them."""
    return {w.community_code: w.community_name or w.community_code for w in rows}


def page(conn, args: dict, viewer_community, now) -> tuple[list, int, str | None]:
    """One page of the wall (Shown rows), the total that match, and the cursor of the next
    page (or None): one statement, the count riding along as a scalar subquery."""
    shape, values = params(args, viewer_community, now)
    query, count = statements(shape)
    rows = [Shown(*row) for row in conn.execute(query, {**values,
                                                       "limit": args["limit"] + 1}).all()]
    if not rows:  # past the last page, or nothing matches: the count alone
        return [], conn.execute(count, values).scalar_one(), None
    more = len(rows) > args["limit"]
    rows = rows[:args["limit"]]
    return rows, rows[0].total, cursor_of(rows[-1]) if more else None
