"""圆梦故事 as the public reads them: a page of confirmed wishes told with the wisher's consent,
newest first (keyset pages, like the wall), and the one photo of each deed shown in public."""
from __future__ import annotations

from marshmallow import fields, validate
from sqlalchemy import and_, or_, select

from services.matching.models import Claim, Community, Member, ProofPhoto, Wish
from services.matching.stories.rules import public_name
from services.matching.web.wall import Cursor, cursor_of
from shared.clock import CHINA
from shared.fields import Strict
from shared.pii import mask_typed


class StoriesQuery(Strict):
    """GET /api/v1/stories: a page at a time (`next` is the following page's `after`)."""

    limit = fields.Integer(load_default=20, validate=validate.Range(1, 100, error="out_of_range"))
    after = Cursor()


def page(session, limit: int, after=None) -> tuple[list, str | None]:
    """One page of stories as (wish, claim, community name, doer, photo id) rows, and the cursor
    of the next page (or None)."""
    first_photo = (select(ProofPhoto.id).where(ProofPhoto.claim_id == Claim.id)
                   .order_by(ProofPhoto.created_at, ProofPhoto.id).limit(1)
                   .correlate(Claim).scalar_subquery())
    query = (select(Wish, Claim, Community.name, Member, first_photo)
             .join(Claim, Claim.id == Wish.claim_id)
             .outerjoin(Community, Community.code == Wish.community_code)
             .outerjoin(Member, Member.id == Claim.member_id)
             .where(Wish.story_at.is_not(None), Claim.status == "confirmed"))
    if after is not None:
        at, wish_id = after
        query = query.where(or_(Wish.story_at < at, and_(Wish.story_at == at, Wish.id < wish_id)))
    rows = session.execute(query.order_by(Wish.story_at.desc(), Wish.id.desc())
                           .limit(limit + 1)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, cursor_of(rows[-1][0], "story_at") if more and rows else None


def story_view(wish: Wish, claim: Claim, community_name: str | None, member: Member | None,
               photo_id: str | None) -> dict:
    """What the public reads of one story: no personal data of the wisher's, the doer masked
    unless an organisation, any phone or ID number typed into the note masked."""
    return {"wish_id": wish.id, "title": wish.title,
            "community_name": community_name or wish.community_code,
            "confirmed_on": wish.story_at.astimezone(CHINA).date().isoformat(),
            "claimer": public_name(member.kind if member else None,
                                   member.display_name if member else None, claim.team),
            "note": mask_typed(claim.note) if claim.note else None,
            "photo_url": f"/api/v1/stories/{wish.id}/photo" if photo_id else None}


def photo_of(session, wish_id: str) -> ProofPhoto | None:
    """The deed's first photo, if the wish is a story (anything else has none in public)."""
    return session.scalars(
        select(ProofPhoto).join(Claim, Claim.id == ProofPhoto.claim_id)
        .join(Wish, Wish.claim_id == Claim.id)
        .where(Wish.id == wish_id, Wish.story_at.is_not(None), Claim.status == "confirmed")
        .order_by(ProofPhoto.created_at, ProofPhoto.id).limit(1)).first()
