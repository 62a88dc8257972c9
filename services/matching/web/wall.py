"""Which open wishes the wall shows: its filters, the Chinese keyword search, and keyset pages in a
stable order (newest published first, then by id) with the total that matches."""
from __future__ import annotations

import base64
import binascii
from datetime import datetime

from marshmallow import ValidationError, fields, validate
from sqlalchemy import and_, func, or_, select

from services.matching.models import Community, Wish, needs_skill, open_to
from shared.fields import Strict, choice, query_flag, text
from shared.vocab import CATEGORIES, KIND_LABELS, SKILLS, WISH_TYPES


class Cursor(fields.String):
    """Where the previous page ended: opaque to callers, (published_at, id) to us."""

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            at, _, wish_id = base64.urlsafe_b64decode(value.encode()).decode().partition("|")
            return datetime.fromisoformat(at), wish_id
        except (binascii.Error, UnicodeError, ValueError):
            raise ValidationError("invalid_cursor") from None


def cursor_of(wish: Wish) -> str:
    return base64.urlsafe_b64encode(f"{wish.published_at.isoformat()}|{wish.id}".encode()).decode()


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


def _like(q: str) -> str:
    return "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def filtered(args: dict, viewer_community, now):
    """The open wishes `args` ask for, as a statement without order or page."""
    query = select(Wish).where(Wish.status == "published")
    if "district" in args or "street" in args:  # what intake's copy says of the community
        query = query.join(Community, Community.code == Wish.community_code)
    if "district" in args:
        query = query.where(Community.district == args["district"])
    if "street" in args:
        query = query.where(Community.street == args["street"])
    for name, column in (("community", Wish.community_code), ("category", Wish.category),
                         ("kind", Wish.kind), ("wish_type", Wish.wish_type),
                         ("urgent", Wish.urgent)):
        if name in args:
            query = query.where(column == args[name])
    if "skill" in args:
        query = query.where(needs_skill(args["skill"]))
    if "q" in args:
        pattern = _like(args["q"])
        query = query.where(or_(Wish.title.like(pattern, escape="\\"),
                                Wish.description.like(pattern, escape="\\")))
    if args.get("may_claim") and viewer_community is not False:
        query = query.where(open_to(viewer_community, now))
    return query


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
    query = (select(Wish).where(Wish.status == "published", needs,
                                Wish.community_code.like(f"{district}-%"))
             .order_by((Wish.community_code != member.community_code), Wish.urgent.desc(),
                       Wish.published_at.desc(), Wish.id.desc()).limit(limit))
    return list(session.scalars(query))


def page(session, args: dict, viewer_community, now) -> tuple[list[Wish], int, str | None]:
    """One page of the wall, the total that match, and the cursor of the next page (or None)."""
    query = filtered(args, viewer_community, now)
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    if "after" in args:
        at, wish_id = args["after"]
        query = query.where(or_(Wish.published_at < at,
                                and_(Wish.published_at == at, Wish.id < wish_id)))
    wishes = list(session.scalars(query.order_by(Wish.published_at.desc(), Wish.id.desc())
                                  .limit(args["limit"] + 1)))
    more = len(wishes) > args["limit"]
    wishes = wishes[:args["limit"]]
    return wishes, total, cursor_of(wishes[-1]) if more and wishes else None
